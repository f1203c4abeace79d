"""list-changes against real repositories: commits, notes, steps, requirements, API, calendar."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from releasetools.git import repo as gitrepo
from releasetools.review import ChangesOptions, ChangesReport, list_changes
from releasetools.review.changes import RepoReview
from releasetools.testing.datarepo import DataRepo
from releasetools.testing.gitcmd import commit_file, git, make_package_repo
from tests.review.conftest import LIB, SETUP, Library, library_file

WEDNESDAY_R5 = dt.date(2026, 8, 26)  # in the feature-freeze week of the test calendar
FRIDAY_R5 = dt.date(2026, 8, 28)
QUIET_MONDAY = dt.date(2026, 7, 6)


def run(data: DataRepo, library: Library, *releases: tuple[str, str], day: dt.date = QUIET_MONDAY,
        repos: str | None = None) -> ChangesReport:
    data.write('hibiscus', 'oslo.demo', library_file(('1.0.0', library.ids['C0']), *releases), header=False)
    return list_changes(ChangesOptions(root=data.root, base='HEAD', repos=repos or library.template, offline=True,
                                       cache_dir=data.cache_dir, date=day))


def only_repo(report: ChangesReport) -> RepoReview:
    assert len(report.releases) == 1
    (repo,) = report.releases[0].repos
    return repo


def test_patch_release_with_features_is_flagged(request_repo: DataRepo, library: Library) -> None:
    report = run(request_repo, library, ('1.0.1', library.ids['C4']))
    (release,) = report.releases
    assert (release.deliverable, release.team, release.type, release.model) == (
        'oslo.demo', 'oslo', 'library', 'cycle-with-intermediary')
    assert (release.previous_version, release.step) == ('1.0.0', 'patch')
    repo = only_repo(report)
    assert repo.previous_hash == library.ids['C0']
    # Five commits; the merge is left out.
    assert repo.commits is not None
    # (All commits have the same date: their order within the range is git's to choose.)
    assert sorted(c.subject for c in repo.commits) == [
        'Add a note', 'Edit a note, drop another', 'Fix the connection leak', 'Replace helper() with shiny()',
        'Side fix']
    assert library.ids['MERGE'] not in {c.sha for c in repo.commits}
    assert repo.branch_head_of == ('master',)
    assert repo.branches == ('master',)
    assert repo.notes is not None
    # The edited 1.0.0 note stays 1.0.0's; the note added and deleted in the range is gone.
    assert repo.notes.files == ('releasenotes/notes/bug-fix-bbbbbbbbbbbbbbbb.yaml',
                                'releasenotes/notes/new-thing-cccccccccccccccc.yaml',
                                'releasenotes/notes/side-dddddddddddddddd.yaml')
    assert dict(repo.notes.sections) == {'features': ('Added ``shiny()``.\n',),
                                         'fixes': ('Fixed the connection leak.', 'Side fix.')}
    assert (repo.notes.implied_step, repo.notes.implied_by) == ('minor', ('features',))
    assert [(q.name, q.old, q.new) for q in repo.requirements] == [
        ('oslo.config', '>=9.0.0', '>=9.1.0'), ('stevedore', None, '>=3.0.0')]
    assert repo.api is not None and repo.api.status == 'compared'
    assert repo.api.breakages == ('oslo_demo/__init__.py:5: helper: Public object was removed',)
    assert release.warnings == (
        f'{LIB}: the release notes call for a minor release (features) but 1.0.1 is a patch step from 1.0.0',
        f'{LIB}: 1 incompatible public API change under a patch step (a major step is needed)',
        f'{LIB}: minimum requirements raised in a patch release: oslo-config 9.0.0 -> 9.1.0',
    )


def test_preview_is_what_reno_report_says(request_repo: DataRepo, library: Library, tmp_path: Path) -> None:
    from reno import config, formatter, loader

    repo = only_repo(run(request_repo, library, ('1.0.1', library.ids['C4'])))
    clone = tmp_path / 'clone'
    git(tmp_path, 'clone', '-q', str(library.path), str(clone))
    git(clone, 'checkout', '-q', library.ids['C4'])
    git(clone, 'tag', '1.0.1')
    conf = config.Config(str(clone), 'releasenotes')
    with loader.Loader(conf, ignore_cache=True) as ldr:
        assert ldr.versions == ['1.0.1', '1.0.0']
        expected = formatter.format_report(ldr, conf, ['1.0.1'], show_source=False)
    assert repo.notes is not None
    assert repo.notes.preview == expected


def test_major_release_accepts_everything(request_repo: DataRepo, library: Library) -> None:
    report = run(request_repo, library, ('2.0.0', library.ids['C4']))
    assert report.releases[0].step == 'major'
    assert report.releases[0].warnings == ()


def test_minor_release_still_warns_about_the_api(request_repo: DataRepo, library: Library) -> None:
    report = run(request_repo, library, ('1.1.0', library.ids['C4']))
    assert report.releases[0].warnings == (
        f'{LIB}: 1 incompatible public API change under a minor step (a major step is needed)',)


def test_fixes_only_fit_a_patch(request_repo: DataRepo, library: Library) -> None:
    report = run(request_repo, library, ('1.0.1', library.ids['C1']))
    repo = only_repo(report)
    assert repo.commits is not None and len(repo.commits) == 1
    assert repo.notes is not None and repo.notes.implied_step == 'patch'
    assert repo.branch_head_of == ()
    assert repo.requirements == ()
    assert report.releases[0].warnings == ()


def test_nothing_changed(request_repo: DataRepo, library: Library) -> None:
    report = run(request_repo, library, ('1.0.1', library.ids['C0']))
    repo = only_repo(report)
    assert repo.commits == ()
    assert repo.notes is not None and (repo.notes.files, repo.notes.implied_step) == ((), 'none')
    assert report.releases[0].warnings == (
        f'{LIB}: nothing changed in {LIB}: the release is the same commit as 1.0.0',)


def test_unreachable_repository_is_reported_not_raised(request_repo: DataRepo, library: Library,
                                                       tmp_path: Path) -> None:
    report = run(request_repo, library, ('1.0.1', library.ids['C4']), repos=f'{tmp_path}/nowhere/{{repo}}')
    repo = only_repo(report)
    assert repo.unavailable == f'no repository at {tmp_path}/nowhere/{LIB}'
    assert repo.commits is None and repo.notes is None


def test_unknown_commit_is_reported(request_repo: DataRepo, library: Library) -> None:
    repo = only_repo(run(request_repo, library, ('1.0.1', '5e' * 20)))
    assert repo.unavailable == f'commit {"5e" * 20} is not in {LIB} ({library.path})'


@pytest.mark.parametrize(('day', 'expected'), [
    (QUIET_MONDAY, []),
    (WEDNESDAY_R5, ['2026-08-26 is in a freeze week of hibiscus (R-5 2026-08-24..2026-08-28: h-ff, h-rf)',
                    'after the hibiscus feature freeze (2026-08-24): the notes add features or upgrades, '
                    'which need a freeze exception']),
    (dt.date(2026, 8, 21), ['2026-08-21 is in a freeze week of hibiscus (R-6 2026-08-17..2026-08-21: h-final-lib)',
                            "2026-08-21 is a Friday: a library released now breaks its consumers' gates over "
                            'the weekend; prefer Monday to Thursday']),
])
def test_calendar_hints(request_repo: DataRepo, library: Library, day: dt.date, expected: list[str]) -> None:
    report = run(request_repo, library, ('1.1.0', library.ids['C4']), day=day)
    assert list(report.releases[0].hints) == expected
    assert report.date == day.isoformat()


def test_second_run_reads_no_history(request_repo: DataRepo, library: Library) -> None:
    before = gitrepo.CALLS['count']
    first = run(request_repo, library, ('1.0.1', library.ids['C4']))
    cold = gitrepo.CALLS['count'] - before
    assert (request_repo.cache_dir / 'list-changes' / 'openstack_oslo.demo.json').is_file()
    before = gitrepo.CALLS['count']
    second = run(request_repo, library, ('1.0.1', library.ids['C4']))
    warm = gitrepo.CALLS['count'] - before
    assert second == first
    # log, diff-tree, note texts and both API checkouts come from the cache.
    assert cold - warm == 5


def test_bad_notes_are_problems_not_tracebacks(tmp_path: Path) -> None:
    src = tmp_path / 'src'
    ids = make_package_repo(
        src / LIB, {'setup.cfg': SETUP},
        {'releasenotes/notes/list-1111111111111111.yaml': '- not a mapping\n',
         'releasenotes/notes/broken-2222222222222222.yaml': 'fixes: [unclosed\n',
         'releasenotes/notes/ok-3333333333333333.yaml': 'upgrade:\n  - Drop Python 3.9.\n'})
    data = DataRepo.for_git_checks(tmp_path / 'data', tmp_path / 'cache')
    data.write('hibiscus', 'oslo.demo', library_file(('1.0.0', ids[0])), header=False)
    data.commit()
    data.write('hibiscus', 'oslo.demo', library_file(('1.0.0', ids[0]), ('1.0.1', ids[1])), header=False)
    report = list_changes(ChangesOptions(root=data.root, base='HEAD', repos=f'{src}/{{repo}}', offline=True,
                                         cache_dir=data.cache_dir, date=QUIET_MONDAY))
    repo = only_repo(report)
    assert repo.notes is not None
    assert repo.notes.files == ('releasenotes/notes/ok-3333333333333333.yaml',)
    assert repo.notes.problems[0].startswith('releasenotes/notes/broken-2222222222222222.yaml: not valid YAML')
    assert repo.notes.problems[1].startswith('releasenotes/notes/list-1111111111111111.yaml does not appear')
    assert (repo.notes.implied_step, repo.notes.implied_by) == ('major', ('upgrade',))
    assert repo.api is not None and repo.api.status == 'skipped'
    assert repo.api.reason == f'package oslo_demo not found at {ids[0][:12]}'


def test_reno_config_of_the_commit_is_used(tmp_path: Path) -> None:
    """A custom notes directory and semver sections come from the commit's releasenotes/config.yaml."""
    src = tmp_path / 'src'
    path = src / LIB
    ids = make_package_repo(path, {'setup.cfg': SETUP, 'releasenotes/config.yaml':
                                   'notesdir: custom\nsemver_minor: [features, other]\n'})
    ids.append(commit_file(path, {'releasenotes/custom/x-4444444444444444.yaml': 'other:\n  - Something.\n'},
                           'note'))
    data = DataRepo.for_git_checks(tmp_path / 'data', tmp_path / 'cache')
    data.write('hibiscus', 'oslo.demo', library_file(('1.0.0', ids[0])), header=False)
    data.commit()
    data.write('hibiscus', 'oslo.demo', library_file(('1.0.0', ids[0]), ('1.0.1', ids[1])), header=False)
    report = list_changes(ChangesOptions(root=data.root, base='HEAD', repos=f'{src}/{{repo}}', offline=True,
                                         cache_dir=data.cache_dir, date=QUIET_MONDAY, api=False))
    repo = only_repo(report)
    assert repo.notes is not None
    assert repo.notes.files == ('releasenotes/custom/x-4444444444444444.yaml',)
    assert (repo.notes.implied_step, repo.notes.implied_by) == ('minor', ('other',))
    assert repo.api is None


def test_final_retagging_its_candidate_is_not_nothing_changed(request_repo: DataRepo, library: Library) -> None:
    rc1 = ('1.1.0.0rc1', library.ids['C1'])
    request_repo.write('hibiscus', 'oslo.demo', library_file(('1.0.0', library.ids['C0']), rc1), header=False)
    request_repo.commit('rc1')
    report = run(request_repo, library, rc1, ('1.1.0', library.ids['C1']))
    (release,) = report.releases
    assert (release.version, release.previous_version, release.step) == ('1.1.0', '1.1.0.0rc1', 'minor')
    # The final contains what its candidates did (reno folds their notes into it): the range
    # starts before the first candidate, at 1.0.0.
    assert [c.subject for c in only_repo(report).commits] == ['Fix the connection leak']
    assert release.warnings == ()
    # A second candidate on the same commit is a change that changes nothing.
    request_repo.write('hibiscus', 'oslo.demo', library_file(('1.0.0', library.ids['C0']), rc1), header=False)
    report = run(request_repo, library, rc1, ('1.1.0.0rc2', library.ids['C1']))
    assert report.releases[0].step == 'minor'
    # The version rules speak first (this library's model takes no candidates), then the repository.
    assert report.releases[0].warnings == (
        '1.1.0.0rc2 is a pre-release, which the cycle-with-intermediary model does not use [RT206]',
        f'{LIB}: nothing changed in {LIB}: the release is the same commit as 1.1.0.0rc1')
