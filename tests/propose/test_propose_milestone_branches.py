"""propose-milestone and propose-branches end to end, on the world of the propose-final tests."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from releasetools.cli import main
from releasetools.testing.deliverables import Release
from releasetools.testing.gitcmd import commit_file, git
from tests.propose.test_propose_final import World, header


@pytest.fixture
def world(tmp_path: Path) -> World:
    w = World(tmp_path)
    # nova is at its first beta; glance at a beta of its head; the others as in the final tests.
    w.write('hibiscus', 'nova', header('nova') + 'releases:\n' + Release.of('3.0.0.0b1', w.g).block())
    w.write('hibiscus', 'glance', header('glance') + 'releases:\n'
            + Release.of('1.0.0.0b1', w.glance_head, 'openstack/glance').block())
    commit_file(w.data, {}, 'betas')
    return w


def milestone(world: World, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    argv = world.argv(*args)
    argv[0] = 'propose-milestone'
    return main(argv, out=out), out.getvalue()


def branches(world: World, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(['propose-branches', *args, '--root', str(world.data)], out=out), out.getvalue()


def test_next_beta_at_the_head_of_master(world: World) -> None:
    before = world.file('nova').read_bytes()
    code, out = milestone(world, 'hibiscus', 'milestone')
    assert code == 0, out
    assert out.splitlines() == [
        'deliverables/hibiscus/glance.yaml: skipped: no new commit since 1.0.0.0b1 '
        f'(openstack/glance {world.glance_head} (head of master, 0 commits since 1.0.0.0b1))',
        'deliverables/hibiscus/nova.yaml: added 3.0.0.0b2 (milestone after 3.0.0.0b1)',
        f'  openstack/nova {world.h} (head of master, 1 commit since 3.0.0.0b1)',
        'deliverables/hibiscus/oslo.yaml: skipped: cycle-with-intermediary: milestone releases are for '
        'cycle-with-milestones, cycle-with-rc',
        'deliverables/hibiscus/placement.yaml: skipped: 5.0.0.0rc2 is a release candidate: milestones come '
        'before rcs',
        'deliverables/hibiscus/trailing.yaml: skipped: cycle-trailing: milestone releases are for '
        'cycle-with-milestones, cycle-with-rc',
        'propose-milestone hibiscus milestone: changed 1 file, 4 skipped',
    ]
    assert world.file('nova').read_bytes() == before + (
        f'  - version: 3.0.0.0b2\n    projects:\n      - repo: openstack/nova\n        hash: {world.h}\n').encode()
    assert [f for f in world.findings() if f[0].endswith('nova.yaml')] == []


def test_candidates_come_from_the_stable_branch_once_it_exists(world: World) -> None:
    git(world.nova, 'branch', 'stable/2026.2', world.h)
    commit_file(world.nova, {'a.py': 'indri\n'}, 'next series work on master')
    code, out = milestone(world, 'hibiscus', 'rc')
    assert code == 0, out
    assert 'deliverables/hibiscus/nova.yaml: added 3.0.0.0rc1 (rc after 3.0.0.0b1)' in out
    assert f'  openstack/nova {world.h} (head of stable/2026.2, 1 commit since 3.0.0.0b1)' in out
    assert 'deliverables/hibiscus/placement.yaml: skipped: cannot read openstack/placement: no repository at' in out


def test_unknown_kind_is_a_usage_error(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        milestone(world, 'hibiscus', 'final')
    assert exit_.value.code == 2
    assert "invalid choice: 'final'" in capsys.readouterr().err


def test_stable_branches_of_the_libraries(world: World) -> None:
    before = world.file('oslo').read_bytes()
    code, out = branches(world, 'hibiscus', '--type', 'library,client-library')
    assert code == 0, out
    assert out.splitlines() == [
        'deliverables/hibiscus/glance.yaml: skipped: type service: not one of library, client-library',
        'deliverables/hibiscus/nova.yaml: skipped: type service: not one of library, client-library',
        'deliverables/hibiscus/oslo.yaml: added branch stable/2026.2 at 1.1.0',
        'deliverables/hibiscus/placement.yaml: skipped: type service: not one of library, client-library',
        'deliverables/hibiscus/trailing.yaml: skipped: type trailing: not one of library, client-library',
        'propose-branches hibiscus: changed 1 file, 4 skipped',
    ]
    assert world.file('oslo').read_bytes() == before + b'branches:\n  - name: stable/2026.2\n    location: 1.1.0\n'
    code, out = branches(world, 'hibiscus', '--type', 'library')
    assert code == 0
    assert 'deliverables/hibiscus/oslo.yaml: skipped: already has stable/2026.2' in out


def test_branches_of_every_type_in_a_dry_run(world: World) -> None:
    before = {p: world.file(p).read_bytes() for p in ('nova', 'oslo', 'glance', 'placement', 'trailing')}
    code, out = branches(world, 'hibiscus', '--dry-run')
    assert code == 0, out
    assert 'deliverables/hibiscus/nova.yaml: would add branch stable/2026.2 at 3.0.0.0b1' in out
    assert {p: world.file(p).read_bytes() for p in before} == before


def test_unknown_type_is_refused_with_a_suggestion(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert branches(world, 'hibiscus', '--type', 'libary')[0] == 2
    err = capsys.readouterr().err
    assert "--type 'libary' is not a deliverable type" in err
    assert "did you mean 'library'?" in err
