"""unreleased on real repositories: the commits since each last release, on the right branch, batched."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from releasetools.cli.main import main
from releasetools.git import repo as gitrepo
from releasetools.review.unreleased import UnreleasedOptions, unreleased
from releasetools.testing.cyclerepos import CycleWorld, Line, build_repo, cycle_world
from releasetools.testing.datarepo import DataRepo
from releasetools.testing.deliverables import Release
from releasetools.testing.gitcmd import commit_file, git
from releasetools.testing.series import OPEN_SERIES


@pytest.fixture(scope='module')
def world(tmp_path_factory: pytest.TempPathFactory) -> CycleWorld:
    return cycle_world(tmp_path_factory.mktemp('cycle'), 4)


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out), out.getvalue()


def _opts(world: CycleWorld, series: str | None = None, **kw: object) -> UnreleasedOptions:
    return UnreleasedOptions(world.root, series, repos=world.repos, cache_dir=world.root.parent / 'cache',
                             **kw)  # type: ignore[arg-type]


def test_the_current_series_lists_the_unreleased_master_commits(world: CycleWorld) -> None:
    report = unreleased(_opts(world))
    assert report.series == 'hibiscus' and report.checked == 4
    assert [(p.deliverable, p.branch, p.since, p.count) for p in report.entries] == [
        ('d0000', 'master', '2.0.0', 1), ('d0002', 'master', '2.0.0', 1)]
    head = world.commits['example/d0000'][('master', 3)]
    assert report.entries[0].commits == ((head, 'master: change 3 of d0000'),)
    assert report.entries[0].team == 'team0'


def test_a_stable_series_reads_its_stable_branch(world: CycleWorld) -> None:
    report = unreleased(_opts(world, 'gazpacho'))
    assert {(p.deliverable, p.branch, p.since, p.count) for p in report.entries} == {
        (name, 'stable/2026.1', '1.0.1', 1) for name in world.names}


def test_text_and_json(world: CycleWorld) -> None:
    code, text = _run('unreleased', '--root', str(world.root), '--repos', world.repos)
    assert code == 0
    assert text.splitlines()[:3] == [
        'unreleased in hibiscus: 2 of 4 deliverables have commits since their last release',
        'd0000 (team team0): example/d0000: 1 commit on master since 2.0.0',
        f'    {world.commits["example/d0000"][("master", 3)][:10]} master: change 3 of d0000']
    code, out = _run('unreleased', 'gazpacho', '--root', str(world.root), '--repos', world.repos, '--format', 'json')
    data = json.loads(out)
    assert code == 0 and data['series'] == 'gazpacho' and data['checked'] == 4
    first = data['entries'][0]
    assert (first['deliverable'], first['repo'], first['count'], first['problem']) == ('d0000', 'example/d0000', 1,
                                                                                     None)
    assert first['commits'] == [{'sha': world.commits['example/d0000'][('stable/2026.1', 1)],
                                 'subject': 'stable/2026.1: change 1 of d0000'}]


def test_git_processes_per_repository_do_not_grow_with_the_repositories(tmp_path: Path) -> None:
    per_repo = []
    for count in (2, 6):
        world = cycle_world(tmp_path / str(count), count)
        before = gitrepo.CALLS['count']
        unreleased(_opts(world, workers=1))
        per_repo.append((gitrepo.CALLS['count'] - before) / count)
    assert per_repo[0] == per_repo[1] <= 5


def test_merges_are_left_out_and_two_deliverables_of_one_repository_share_a_walk(tmp_path: Path) -> None:
    src = tmp_path / 'git' / 'example' / 'shared'
    ids = build_repo(src, [Line('master', 2), Line('side', 1, ('master', 0))], {'1.0.0': ('master', 0)},
                     checkout=True)
    git(src, 'merge', '--no-ff', '-q', '-m', 'Merge side', 'side')
    last = commit_file(src, {'after.txt': 'x\n'}, 'after the merge')
    data = DataRepo(tmp_path / 'data', OPEN_SERIES)
    head = 'team: shared\ntype: library\nrelease-model: cycle-with-intermediary\nlaunchpad: x\nreleases:\n'
    for name, release in (('one', Release.of('1.0.0', ids[('master', 0)], 'example/shared')),
                          ('two', Release.of('1.0.1', ids[('master', 1)], 'example/shared'))):
        (data.root / 'deliverables' / 'hibiscus' / f'{name}.yaml').write_text(head + release.block())
    report = unreleased(UnreleasedOptions(data.root, repos=str(tmp_path / 'git' / '{repo}'),
                                          cache_dir=tmp_path / 'cache'))
    by_name = {p.deliverable: p for p in report.entries}
    assert [c[1] for c in by_name['one'].commits] == ['after the merge', 'side: change 0 of shared',
                                                      'master: change 1 of shared']
    assert by_name['one'].commits[0][0] == last
    assert [c[1] for c in by_name['two'].commits] == ['after the merge', 'side: change 0 of shared']


def test_what_cannot_be_known_is_said(tmp_path: Path) -> None:
    world = cycle_world(tmp_path, 3)
    (world.root / 'deliverables' / 'hibiscus' / 'd0001.yaml').write_text(
        (world.root / 'deliverables' / 'hibiscus' / 'd0001.yaml').read_text().replace(
            world.commits['example/d0001'][('master', 3)], 'f' * 40))
    git(tmp_path / 'git' / 'example' / 'd0002', 'branch', '-q', '-D', 'stable/2026.1')
    (tmp_path / 'git' / 'example' / 'd0000').rename(tmp_path / 'gone')
    report = unreleased(_opts(world))
    assert {p.deliverable: p.problem for p in report.entries} == {
        'd0000': f'no repository at {tmp_path / "git" / "example" / "d0000"}',
        'd0001': f'the commit of 2.1.0 ({"f" * 40}) is not in the repository',
        'd0002': None}
    stable = {p.deliverable: p.problem for p in unreleased(_opts(world, 'gazpacho')).entries}
    assert stable['d0002'] == 'no branch stable/2026.1 or stable/gazpacho'


def test_an_unknown_series_is_a_usage_error(world: CycleWorld, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = _run('unreleased', 'hibiscsu', '--root', str(world.root), '--repos', world.repos)
    assert code == 2
    assert "unknown series 'hibiscsu'" in capsys.readouterr().err


def test_a_file_without_releases_counts_from_the_earlier_series_release(tmp_path: Path) -> None:
    world = cycle_world(tmp_path, 1)
    path = world.root / 'deliverables' / 'hibiscus' / 'd0000.yaml'
    text = path.read_text()
    path.write_text(text[:text.index('releases:')] + 'repository-settings:\n  example/d0000: {}\n')
    (entry,) = unreleased(_opts(world)).entries
    ids = world.commits['example/d0000']
    # 1.0.1 is gazpacho's last, on stable/2026.1 from master's first commit: master's other three follow it.
    assert (entry.since, entry.branch, entry.count) == ('1.0.1', 'master', 3)
    assert [sha for sha, _ in entry.commits] == [ids[('master', 3)], ids[('master', 2)], ids[('master', 1)]]


def test_progress_names_each_repository_on_stderr(world: CycleWorld, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = _run('unreleased', '--root', str(world.root), '--repos', world.repos, '--progress')
    assert code == 0
    lines = capsys.readouterr().err.splitlines()
    # one line per repository, n of N, whatever order the workers finish in
    assert sorted(line.split(': ', 3)[2] for line in lines) == sorted(f'example/{n}' for n in world.names)
    assert sorted(line.split(': ', 2)[1] for line in lines) == [f'repositories {i}/4' for i in range(1, 5)]
    code, _ = _run('unreleased', '--root', str(world.root), '--repos', world.repos, '--no-progress')
    assert capsys.readouterr().err == ''
