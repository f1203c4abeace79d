"""propose-final end to end: real source repositories, a real data repository, the CLI."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

import releasetools
from releasetools.cli import main
from releasetools.testing.datarepo import DataRepo
from releasetools.testing.deliverables import Release
from releasetools.testing.gitcmd import commit_file, git, init_repo
from releasetools.testing.series import OPEN_SERIES
from releasetools.validate import ValidateOptions, validate
from tests.release.tinyfs import fill, mounted

TOP = Path(releasetools.__file__).resolve().parent.parent


def header(name: str, model: str = 'cycle-with-rc', type: str = 'service') -> str:
    return (f'---\n# Owned by the {name} team; keep this comment.\nlaunchpad: {name}\nrelease-model: {model}\n'
            f'team: {name}\ntype: {type}\nrepository-settings:\n    openstack/{name}: {{}}\n')


class World:
    """Source repositories and a data repository of hibiscus (development) after gazpacho (maintained).

    nova: gazpacho's 2.0.0.0rc1 and 2.0.0 on commit g (where stable/2026.1 starts), hibiscus' 3.0.0.0rc1
    on master. glance: hibiscus already final. trailing: a cycle-trailing rc. placement: an rc whose
    repository is not there. oslo: a library (cycle-with-intermediary).
    """

    def __init__(self, top: Path) -> None:
        self.top = top
        self.git = top / 'git' / 'openstack'
        self.nova = init_repo(self.git / 'nova')
        commit_file(self.nova, {'setup.cfg': '[metadata]\nname = nova\n'}, 'layout')
        self.g = commit_file(self.nova, {'a.py': '1\n'}, 'gazpacho work')
        git(self.nova, 'tag', '-a', '-m', 'rc1', '2.0.0.0rc1')
        git(self.nova, 'tag', '-a', '-m', 'final', '2.0.0')
        git(self.nova, 'branch', 'stable/2026.1')
        self.h = commit_file(self.nova, {'a.py': '2\n'}, 'hibiscus work')
        self.glance = init_repo(self.git / 'glance')
        self.glance_head = commit_file(self.glance, {'g.py': '1\n'}, 'glance work')
        self.data = top / 'data'
        DataRepo(self.data, OPEN_SERIES)
        self.write('gazpacho', 'nova', header('nova') + 'releases:\n' + Release.of('2.0.0.0rc1', self.g).block()
                   + Release.of('2.0.0', self.g).block() + 'branches:\n  - name: stable/2026.1\n    location: 2.0.0\n')
        self.write('hibiscus', 'nova', header('nova') + 'releases:\n' + Release.of('3.0.0.0rc1', self.h).block())
        self.write('hibiscus', 'glance', header('glance') + 'releases:\n'
                   + Release.of('1.0.0.0rc1', self.glance_head, 'openstack/glance').block()
                   + Release.of('1.0.0', self.glance_head, 'openstack/glance').block())
        self.write('hibiscus', 'trailing', header('trailing', 'cycle-trailing', 'trailing') + 'releases:\n'
                   + Release.of('1.0.0.0rc1', '1a' * 20, 'openstack/trailing').block())
        self.write('hibiscus', 'placement', header('placement') + 'releases:\n'
                   + Release.of('5.0.0.0rc2', '2b' * 20, 'openstack/placement').block())
        self.write('hibiscus', 'oslo', header('oslo', 'cycle-with-intermediary', 'library') + 'releases:\n'
                   + Release.of('1.1.0', '3c' * 20, 'openstack/oslo').block())
        init_repo(self.data)
        commit_file(self.data, {}, 'base')

    def write(self, series: str, name: str, text: str) -> None:
        (self.data / 'deliverables' / series / f'{name}.yaml').write_text(text)

    def file(self, name: str, series: str = 'hibiscus') -> Path:
        return self.data / 'deliverables' / series / f'{name}.yaml'

    def argv(self, *args: str) -> list[str]:
        return ['propose-final', *args, '--root', str(self.data), '--offline',
                '--repos', str(self.top / 'git') + '/{repo}', '--cache-dir', str(self.top / 'cache')]

    def run(self, *args: str) -> tuple[int, str]:
        out = io.StringIO()
        return main(self.argv(*args), out=out), out.getvalue()

    def snapshot(self) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted((self.data / 'deliverables' / 'hibiscus').iterdir())}

    def findings(self) -> list[tuple[str, str, int]]:
        report = validate(ValidateOptions(root=self.data, base='HEAD', offline=True,
                                          repos=str(self.top / 'git') + '/{repo}', cache_dir=self.top / 'cache'))
        return [(f.file, f.check, f.line) for f in report.findings]


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


def test_finals_of_the_series_in_one_request(world: World) -> None:
    before = world.snapshot()
    code, out = world.run('hibiscus')
    assert code == 0, out
    assert out.splitlines() == [
        'deliverables/hibiscus/glance.yaml: skipped: its last release 1.0.0 is not a release candidate or beta',
        'deliverables/hibiscus/nova.yaml: added 3.0.0 (re-tags 3.0.0.0rc1)',
        '  diff-start 2.0.0: the latest tag at the base of stable/2026.1',
        'deliverables/hibiscus/oslo.yaml: skipped: its last release 1.1.0 is not a release candidate or beta',
        'deliverables/hibiscus/placement.yaml: added 5.0.0 (re-tags 5.0.0.0rc2)',
        '  no diff-start: placement has no file in an earlier series',
        'deliverables/hibiscus/trailing.yaml: skipped: cycle-trailing: its final trails the series, '
        'on its own schedule',
        'propose-final hibiscus: changed 2 files, 3 skipped',
    ]
    assert world.file('nova').read_bytes() == before['nova.yaml'] + (
        f'  - version: 3.0.0\n    projects:\n      - repo: openstack/nova\n        hash: {world.h}\n'
        f'    diff-start: 2.0.0\n').encode()
    assert world.file('placement').read_bytes() == before['placement.yaml'] + (
        f'  - version: 5.0.0\n    projects:\n      - repo: openstack/placement\n        hash: {"2b" * 20}\n'
        ).encode()
    after = world.snapshot()
    assert {name for name in before if before[name] != after[name]} == {'nova.yaml', 'placement.yaml'}
    # What it wrote is a request validate accepts (the git checks included, for nova).
    assert [f for f in world.findings() if f[0].endswith('nova.yaml')] == []


def test_unreadable_repository_leaves_diff_start_out_and_says_why(world: World) -> None:
    world.write('gazpacho', 'placement', header('placement') + 'releases:\n'
                + Release.of('4.0.0', '4d' * 20, 'openstack/placement').block())
    commit_file(world.data, {}, 'placement had a gazpacho release')
    code, out = world.run('hibiscus')
    assert code == 0, out
    assert '  no diff-start: cannot read openstack/placement: no repository at' in out
    assert 'diff-start' not in world.file('placement').read_text()


def test_missing_previous_branch_leaves_diff_start_out(world: World) -> None:
    git(world.nova, 'branch', '-D', 'stable/2026.1')
    code, out = world.run('hibiscus')
    assert code == 0, out
    assert ('  no diff-start: openstack/nova has no branch stable/2026.1 or stable/gazpacho '
            '(the gazpacho branch)') in out
    assert 'diff-start' not in world.file('nova').read_text()


def test_the_nearest_tag_before_the_base_when_none_is_on_it(world: World) -> None:
    """The stable branch cut one commit after the last tag: describe finds the tag below the base."""
    git(world.nova, 'branch', '-D', 'stable/2026.1')
    git(world.nova, 'checkout', '-q', '-b', 'stable/2026.1', world.h)
    git(world.nova, 'checkout', '-q', 'master')
    later = commit_file(world.nova, {'a.py': '3\n'}, 'more hibiscus work')
    world.write('hibiscus', 'nova', header('nova') + 'releases:\n' + Release.of('3.0.0.0rc1', later).block())
    code, out = world.run('hibiscus')
    assert code == 0, out
    assert '  diff-start 2.0.0: the latest tag at the base of stable/2026.1' in out


def test_dry_run_writes_nothing(world: World) -> None:
    before = world.snapshot()
    code, out = world.run('hibiscus', '--dry-run')
    assert code == 0
    assert 'deliverables/hibiscus/nova.yaml: would add 3.0.0 (re-tags 3.0.0.0rc1)' in out
    assert out.splitlines()[-1] == 'propose-final hibiscus: would change 2 files, 3 skipped'
    assert world.snapshot() == before


def test_one_failing_file_and_no_file_changes(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    """placement's final 5.0.0 was released in gazpacho already: the whole request is refused, byte for byte."""
    world.write('gazpacho', 'placement', header('placement') + 'releases:\n'
                + Release.of('5.0.0', '4d' * 20, 'openstack/placement').block())
    before = world.snapshot()
    code, _ = world.run('hibiscus')
    assert code == 2
    err = capsys.readouterr().err
    assert 'the request would not validate, so no file was written' in err
    assert 'deliverables/hibiscus/placement.yaml: [RT' in err
    assert 'nova.yaml' not in err  # nova's part was fine
    assert world.snapshot() == before


def test_a_second_run_finds_nothing_to_do(world: World) -> None:
    assert world.run('hibiscus')[0] == 0
    commit_file(world.data, {}, 'finals merged')
    before = world.snapshot()
    code, out = world.run('hibiscus')
    assert code == 0
    assert 'deliverables/hibiscus/nova.yaml: skipped: its last release 3.0.0 is not a release candidate' in out
    assert out.splitlines()[-1] == 'propose-final hibiscus: nothing to propose (5 skipped)'
    assert world.snapshot() == before


def test_two_runs_at_once_add_each_final_once(world: World) -> None:
    env = {**os.environ, 'PYTHONPATH': str(TOP)}
    procs = [subprocess.Popen([sys.executable, '-m', 'releasetools', *world.argv('hibiscus')], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    last_lines = sorted(out.splitlines()[-1] for out, _ in outs)
    assert last_lines == ['propose-final hibiscus: changed 2 files, 3 skipped',
                          'propose-final hibiscus: nothing to propose (5 skipped)']
    assert world.file('nova').read_text().count('version: 3.0.0\n') == 1
    assert world.file('placement').read_text().count('version: 5.0.0\n') == 1


@pytest.mark.parametrize(('series', 'message'), [
    ('hibiscsu', "unknown series 'hibiscsu'"),
    ('_independent', 'independent deliverables follow no series'),
    ('../x', 'series'),
])
def test_bad_series(world: World, capsys: pytest.CaptureFixture[str], series: str, message: str) -> None:
    assert world.run(series)[0] == 2
    assert message in capsys.readouterr().err


def test_closed_series_is_refused(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    (world.data / 'data' / 'series_status.yaml').write_text(
        (world.data / 'data' / 'series_status.yaml').read_text().replace('status: maintained', 'status: end of life'))
    assert world.run('gazpacho')[0] == 2
    assert "gazpacho is 'end of life' and takes no new release" in capsys.readouterr().err


def test_a_write_failing_half_way_puts_the_first_files_back(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    """The disk fills up at the second file: the first gets its old bytes back, and the run says so.

    hibiscus is a real tmpfs with two pages to spare: nova's new text fits (its old page stays
    taken while its lock is held), placement's, made longer than two pages, does not.
    """
    hibiscus = world.data / 'deliverables' / 'hibiscus'
    saved = {p.name: p.read_bytes() for p in hibiscus.iterdir()}
    saved['placement.yaml'] = saved['placement.yaml'].replace(b'---\n', b'---\n' + b'# padding\n' * 900, 1)
    for p in hibiscus.iterdir():
        p.unlink()
    with mounted(hibiscus, size='64k'):
        for name, content in saved.items():
            (hibiscus / name).write_bytes(content)
        fill(hibiscus, spare_pages=2)
        before = world.snapshot()
        code, _ = world.run('hibiscus')
        after = world.snapshot()
    assert code == 2
    err = capsys.readouterr().err
    assert 'cannot write deliverables/hibiscus/placement.yaml: No space left on device' in err
    assert 'the 1 file already written got its old bytes back' in err
    assert after == before


def test_repositories_of_one_deliverable_must_agree_on_diff_start(world: World) -> None:
    """nova and glance in one deliverable: the same tag at both bases, or no diff-start at all."""
    g2 = commit_file(world.glance, {'g.py': '2\n'}, 'glance for gazpacho')
    git(world.glance, 'tag', '-a', '-m', 'final', '2.0.0')
    git(world.glance, 'branch', 'stable/2026.1')
    head = commit_file(world.glance, {'g.py': '3\n'}, 'glance for hibiscus')
    two = f'openstack/nova={world.g},openstack/glance={g2}'
    settings = 'repository-settings:\n    openstack/nova: {}\n    openstack/glance: {}\n'
    multi = header('multi').split('repository-settings:')[0] + settings
    world.write('gazpacho', 'multi', multi + 'releases:\n' + Release.of('2.0.0', two).block())
    world.write('hibiscus', 'multi', multi + 'releases:\n'
                + Release.of('3.0.0.0rc1', f'openstack/nova={world.h},openstack/glance={head}').block())
    code, out = world.run('hibiscus', '--dry-run')
    assert code == 0, out
    assert ('deliverables/hibiscus/multi.yaml: would add 3.0.0 (re-tags 3.0.0.0rc1)\n'
            '  diff-start 2.0.0: the latest tag at the base of stable/2026.1\n') in out
    git(world.glance, 'tag', '-a', '-m', 'later', '2.0.1', g2)  # glance's base now carries 2.0.1 too
    code, out = world.run('hibiscus')
    assert code == 0, out
    assert '  no diff-start: the repositories disagree (openstack/nova 2.0.0, openstack/glance 2.0.1)' in out
    assert 'diff-start' not in world.file('multi').read_text()


def test_a_candidate_the_repository_lacks_gets_no_diff_start(world: World) -> None:
    world.write('hibiscus', 'nova', header('nova') + 'releases:\n' + Release.of('3.0.0.0rc1', '5e' * 20).block())
    code, out = world.run('hibiscus', '--dry-run')
    assert code == 0, out
    assert f'  no diff-start: openstack/nova has no commit {"5e" * 20}' in out
