"""new-release end to end: real source repositories, real data repository, the CLI."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from releasetools.cli import main
from releasetools.testing.datarepo import DataRepo
from releasetools.testing.deliverables import Release
from releasetools.testing.gitcmd import commit_file, git, init_repo
from releasetools.testing.series import EXAMPLE_SERIES
from releasetools.validate import ValidateOptions, validate

HEADER = """\
---
# Owned by the nova team; keep this comment.
launchpad: nova
release-model: cycle-with-rc
team:   nova
type: service
repository-settings:
    openstack/nova: {}
"""


class World:
    """A nova source repository and a data repository referring to it."""

    def __init__(self, top: Path) -> None:
        self.top = top
        self.src = init_repo(top / 'git' / 'openstack' / 'nova')
        self.c = [commit_file(self.src, {'setup.cfg': '[metadata]\nname = nova\n'}, 'layout')]
        self.c.append(commit_file(self.src, {'a.py': '1\n'}, 'work for 2.0'))
        git(self.src, 'branch', 'stable/2026.1')
        self.c.append(commit_file(self.src, {'a.py': '2\n'}, 'work for 3.0'))
        self.data = top / 'data'
        DataRepo(self.data, EXAMPLE_SERIES)  # flamingo is closed: new-release refuses its files
        self.gazpacho = self.data / 'deliverables' / 'gazpacho' / 'nova.yaml'
        self.gazpacho.write_text(HEADER + 'releases:\n' + Release.of('2.0.0', self.c[1]).block()
                                 + 'branches:\n  - name: stable/2026.1\n    location: 2.0.0\n')
        self.hibiscus = self.data / 'deliverables' / 'hibiscus' / 'nova.yaml'
        self.hibiscus.write_text(HEADER)
        init_repo(self.data)
        commit_file(self.data, {}, 'base')

    def run(self, *args: str) -> tuple[int, str]:
        out = io.StringIO()
        code = main(['new-release', *args, '--root', str(self.data), '--offline',
                     '--repos', str(self.top / 'git') + '/{repo}', '--cache-dir', str(self.top / 'cache')], out=out)
        return code, out.getvalue()

    def validate(self) -> list[tuple[str, int]]:
        report = validate(ValidateOptions(root=self.data, base='HEAD', offline=True,
                                          repos=str(self.top / 'git') + '/{repo}', cache_dir=self.top / 'cache'))
        assert report.skipped == []
        return [(f.check, f.line) for f in report.findings]


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


def test_first_rc_of_the_development_series(world: World) -> None:
    before = world.hibiscus.read_text()
    code, out = world.run('hibiscus', 'nova', 'rc')
    assert code == 0
    assert out.splitlines() == [
        'deliverables/hibiscus/nova.yaml: added 3.0.0.0rc1 (rc after 2.0.0)',
        f'  openstack/nova {world.c[2]} (head of master, 1 commit since 2.0.0)',
    ]
    assert world.hibiscus.read_text() == before + (
        f'releases:\n  - version: 3.0.0.0rc1\n    projects:\n      - repo: openstack/nova\n'
        f'        hash: {world.c[2]}\n')
    assert world.validate() == []


def test_stable_bugfix_takes_the_stable_branch_head(world: World) -> None:
    fix = commit_file(world.src, {}, 'placeholder')  # advance master, which must not be used
    git(world.src, 'checkout', '-q', 'stable/2026.1')
    stable_fix = commit_file(world.src, {'a.py': 'fixed\n'}, 'a fix on stable')
    git(world.src, 'checkout', '-q', 'master')
    code, out = world.run('gazpacho', 'nova', 'bugfix')
    assert code == 0, out
    assert 'added 2.0.1 (bugfix after 2.0.0)' in out
    assert f'openstack/nova {stable_fix} (head of stable/2026.1, 1 commit since 2.0.0)' in out
    assert fix not in world.gazpacho.read_text()
    assert world.validate() == []


def test_final_and_stable_branch(world: World) -> None:
    assert world.run('hibiscus', 'nova', 'rc')[0] == 0
    commit_file(world.data, {}, 'rc1 merged')
    code, out = world.run('hibiscus', 'nova', 'final', '--stable-branch')
    assert code == 0, out
    text = world.hibiscus.read_text()
    assert text.endswith(f'  - version: 3.0.0\n    projects:\n      - repo: openstack/nova\n'
                         f'        hash: {world.c[2]}\nbranches:\n  - name: stable/2026.2\n    location: 3.0.0\n')
    assert world.validate() == []


def test_hash_option_and_dry_run(world: World) -> None:
    before = world.hibiscus.read_text()
    code, out = world.run('hibiscus', 'nova', 'rc', '--hash', f'openstack/nova={world.c[2]}', '--dry-run')
    assert code == 0
    assert out.startswith('deliverables/hibiscus/nova.yaml: would add 3.0.0.0rc1')
    assert world.hibiscus.read_text() == before


@pytest.mark.parametrize(('args', 'message'), [
    (('hibiscsu', 'nova', 'rc'), "unknown series 'hibiscsu'"),
    (('hibiscus', 'novaa', 'rc'), "no deliverable 'novaa' in hibiscus"),
    (('flamingo', 'nova', 'rc'), "no deliverable 'nova' in flamingo"),
    (('hibiscus', 'nova', 'rc', '--hash', 'openstack/glance=' + 'ab' * 20), 'not a repository of nova'),
    (('hibiscus', 'nova', 'rc', '--hash', 'nonsense'), "is not REPO=SHA"),
])
def test_bad_arguments(world: World, capsys: pytest.CaptureFixture[str], args: tuple[str, ...],
                       message: str) -> None:
    before = world.hibiscus.read_text()
    code, _ = world.run(*args)
    assert code == 2
    assert message in capsys.readouterr().err
    assert world.hibiscus.read_text() == before


def test_nothing_new_is_refused(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    git(world.src, 'reset', '-q', '--hard', world.c[1])  # master back at 2.0.0
    before = world.hibiscus.read_text()
    assert world.run('hibiscus', 'nova', 'rc')[0] == 2
    assert 'nothing new since 2.0.0' in capsys.readouterr().err
    assert world.hibiscus.read_text() == before


def test_closed_series_and_abandoned(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    flamingo = world.data / 'deliverables' / 'flamingo' / 'nova.yaml'
    flamingo.write_text(HEADER)
    assert world.run('flamingo', 'nova', 'feature')[0] == 2
    assert "flamingo is 'end of life'" in capsys.readouterr().err
    world.hibiscus.write_text(HEADER.replace('cycle-with-rc', 'abandoned'))
    assert world.run('hibiscus', 'nova', 'rc')[0] == 2
    assert 'abandoned' in capsys.readouterr().err


def test_unreachable_repository(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    code = main(['new-release', 'hibiscus', 'nova', 'rc', '--root', str(world.data), '--offline',
                 '--repos', str(world.top / 'nowhere') + '/{repo}', '--cache-dir', str(world.top / 'cache')], out=out)
    assert code == 2
    err = capsys.readouterr().err
    assert 'cannot read openstack/nova: no repository at' in err
    assert 'hint: pass --hash openstack/nova=SHA' in err


def test_request_that_would_not_validate_is_not_written(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.hibiscus.write_text(HEADER.replace('cycle-with-rc', 'cycle-with-intermediary'))
    before = world.hibiscus.read_text()
    assert world.run('hibiscus', 'nova', 'rc')[0] == 2
    assert '[RT206]' in capsys.readouterr().err
    assert world.hibiscus.read_text() == before


# -- refusals (issue 10, item 5) --------------------------------------------------------------------

def test_hash_the_repository_lacks_is_refused(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    before = world.hibiscus.read_text()
    assert world.run('hibiscus', 'nova', 'rc', '--hash', 'openstack/nova=' + '5e' * 20)[0] == 2
    err = capsys.readouterr().err
    assert f'--hash openstack/nova={"5e" * 20}: no such commit in openstack/nova' in err
    assert world.hibiscus.read_text() == before


def test_abbreviated_hash_is_refused_with_the_full_id(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert world.run('hibiscus', 'nova', 'rc', '--hash', f'openstack/nova={world.c[2][:10]}')[0] == 2
    err = capsys.readouterr().err
    assert 'is not a full commit id' in err
    assert f'write {world.c[2]}' in err


def test_hash_of_a_tree_is_refused(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    tree = git(world.src, 'rev-parse', f'{world.c[2]}^{{tree}}')
    assert world.run('hibiscus', 'nova', 'rc', '--hash', f'openstack/nova={tree}')[0] == 2
    assert 'no such commit in openstack/nova' in capsys.readouterr().err


def test_missing_stable_branch_never_falls_back_to_master(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    """A gazpacho bug fix from master would carry hibiscus work: refused when stable/2026.1 is gone."""
    git(world.src, 'branch', '-D', 'stable/2026.1')
    before = world.gazpacho.read_text()
    assert world.run('gazpacho', 'nova', 'bugfix')[0] == 2
    err = capsys.readouterr().err
    assert 'openstack/nova has no branch stable/2026.1 or stable/gazpacho' in err
    assert 'never from master' in err
    assert world.gazpacho.read_text() == before
    # The development series has no stable branch yet: master is right.
    assert world.run('hibiscus', 'nova', 'rc')[0] == 0


def test_malformed_earlier_version_is_an_error_naming_its_line(world: World,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    text = world.gazpacho.read_text()
    old = '  - version: 1.10\n    projects:\n      - repo: openstack/nova\n        hash: ' + world.c[0] + '\n'
    world.gazpacho.write_text(text.replace('releases:\n', 'releases:\n' + old, 1))
    line = world.gazpacho.read_text().splitlines().index('  - version: 1.10') + 1
    before = world.hibiscus.read_text()
    assert world.run('hibiscus', 'nova', 'rc')[0] == 2
    err = capsys.readouterr().err
    assert f'deliverables/gazpacho/nova.yaml:{line}: version 1.10 is read as a float' in err
    assert "quote it: version: '1.10'" in err
    assert world.hibiscus.read_text() == before


def test_eol_straggler_in_an_end_of_life_series(world: World) -> None:
    # The policy RT402 applies (core.policy): an end-of-life series still takes its -eol stragglers.
    flamingo = world.data / 'deliverables' / 'flamingo' / 'nova.yaml'
    flamingo.write_text(HEADER + f'releases:\n  - version: 1.0.0\n    projects:\n'
                        f'      - repo: openstack/nova\n        hash: {world.c[0]}\n'
                        'branches:\n  - name: stable/2025.2\n    location: 1.0.0\n')
    git(world.src, 'branch', 'stable/2025.2', world.c[0])
    commit_file(world.data, {}, 'flamingo')
    code, out = world.run('flamingo', 'nova', 'eol')
    assert code == 0, out
    assert f'  - version: 2025.2-eol\n    projects:\n      - repo: openstack/nova\n' \
        f'        hash: {world.c[0]}\n' in flamingo.read_text()
    assert world.validate() == []


def test_progress_names_each_repository_read(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = world.run('hibiscus', 'nova', 'rc', '--progress')
    assert code == 0
    assert capsys.readouterr().err == 'releasetools: repositories 1/1: openstack/nova: ok\n'
    assert 'releasetools:' not in out
