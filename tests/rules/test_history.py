"""History rules RT301-RT303 and how validate finds what a change adds.

Every test commits a base state to a real git repository, changes the working
tree and validates with ``--base HEAD``. In the gazpacho file below release
*n* is on line 5 + n; the branches follow the releases.
"""

from __future__ import annotations

import pytest

from releasetools.testing.datarepo import DataRepo
from releasetools.testing.deliverables import R, doc

P = pytest.param
RC = 'release-model: cycle-with-rc'
BRANCH = """
branches:
  - name: stable/2026.1
    location: 2.1.0
"""
BRANCH_MOVED = BRANCH.replace('2.1.0', '2.0.0')
BASE = [R('2.0.0', '$1'), R('2.1.0', '$2')]
NOVA = 'deliverables/gazpacho/nova.yaml'


@pytest.fixture
def history(git_repo: DataRepo) -> DataRepo:
    """gazpacho/nova with 2.0.0, 2.1.0 and stable/2026.1 committed as the base."""
    git_repo.write('gazpacho', 'nova', doc(RC, releases=BASE, tail=BRANCH))
    git_repo.commit()
    return git_repo


@pytest.mark.parametrize(('releases', 'branches', 'expected'), [
    P([*BASE, R('2.1.1', '$3')], BRANCH, [], id='pass-appended'),
    P(BASE, BRANCH, [], id='pass-unchanged'),
    # RT301: existing entries do not change.
    P([R('2.0.0', '$9'), BASE[1]], BRANCH, [('RT301', 6)], id='RT301-hash-changed'),
    P(BASE, BRANCH_MOVED, [('RT301', 9)], id='RT301-branch-location-changed'),
    P([R('2.0.0', 'openstack/nova=$1,openstack/placement=$2'), BASE[1]], BRANCH, [('RT301', 6)],
      id='RT301-repository-added'),
    # RT302: existing entries are not removed.
    P([BASE[1]], BRANCH, [('RT302', 6)], id='RT302-release-removed'),
    P([BASE[0]], BRANCH, [('RT302', 6)], id='RT302-last-release-removed'),  # at the list's line
    P(BASE, BRANCH + '  - name: bugfix/2.1\n    location: 2.1.0\n', [], id='pass-branch-appended'),
    P(BASE, '', [('RT302', 1)], id='RT302-branches-removed'),
    # Branch order means nothing (FORMAT.md, "What counts as new"): a new branch may go first.
    P(BASE, '\nbranches:\n  - name: bugfix/2.0\n    location: 2.0.0\n' + BRANCH.split('branches:\n')[1], [],
      id='pass-branch-inserted-first'),
    # RT303: new entries go at the end.
    P([BASE[0], R('2.0.1', '$3'), BASE[1]], BRANCH, [('RT303', 8)], id='RT303-release-inserted'),
    P([R('1.9.0', '$3'), *BASE], BRANCH, [('RT303', 7), ('RT303', 8)], id='RT303-inserted-first'),
])
def test_history(history: DataRepo, releases: list[str], branches: str, expected: list[tuple[str, int]]) -> None:
    history.write('gazpacho', 'nova', doc(RC, releases=releases, tail=branches))
    assert history.findings(base='HEAD') == expected


def test_history_rules_need_a_base(history: DataRepo) -> None:
    history.write('gazpacho', 'nova', doc(RC, releases=[R('2.0.0', '$9')], tail=BRANCH))
    assert history.findings(base='HEAD') == [('RT301', 6), ('RT302', 6)]
    # --all: content rules only (the branch now starts from a version no longer listed).
    assert history.findings(all=True) == [('RT603', 8)]


def test_release_notes_and_other_keys_may_change(history: DataRepo) -> None:
    history.write('gazpacho', 'nova', doc(RC, 'release-notes: https://example.org/notes', releases=BASE,
                                          tail=BRANCH))
    assert history.findings(base='HEAD') == []


def test_deleted_file_is_reported_at_line_0(history: DataRepo) -> None:
    history.remove(NOVA)
    report = history.report(base='HEAD')
    assert [(f.file, f.check, f.line) for f in report.findings] == [(NOVA, 'RT302', 0)]
    assert report.checked == 0


def test_deleted_file_outside_the_file_arguments_is_not_reported(history: DataRepo) -> None:
    other = history.write('hibiscus', 'nova', doc(RC, releases=[R('3.0.0.0rc1', '$4')]))
    history.remove(NOVA)
    assert history.findings_by_file(other, base='HEAD') == []
    assert history.findings_by_file(NOVA, other, base='HEAD') == [(NOVA, 'RT302', 0)]


def test_new_file_checks_every_release(history: DataRepo) -> None:
    rel = history.write('hibiscus', 'nova', doc(RC, releases=[R('4.0.0.0rc1', '$4'), R('4.0.0', '$5')]))
    # Untracked and never added: still part of the change.
    assert rel in history.git('status', '--porcelain', '--untracked-files=all')
    assert history.findings_by_file(base='HEAD') == [
        ('deliverables/hibiscus/nova.yaml', 'RT203', 6),
        ('deliverables/hibiscus/nova.yaml', 'RT208', 7),
    ]


def test_only_what_the_change_adds_is_checked(git_repo: DataRepo) -> None:
    """Released history with old mistakes does not fail a later request."""
    git_repo.write('gazpacho', 'nova', doc(RC, releases=[R('2.0.0'), R('2.5.0', '$2')]))  # 2.5.0: a bad step
    git_repo.write('gazpacho', 'neutron', doc(RC, releases=[R('v1.0')]))  # not canonical, not touched
    git_repo.commit()
    assert git_repo.findings(all=True) == [('RT201', 6), ('RT203', 7)]
    assert git_repo.findings(base='HEAD') == []
    git_repo.write('gazpacho', 'nova', doc(RC, releases=[R('2.0.0'), R('2.5.0', '$2'), R('2.5.1', '$3')]))
    report = git_repo.report(base='HEAD')
    assert (report.findings, report.checked) == ([], 1)
    git_repo.write('gazpacho', 'nova', doc(RC, releases=[R('2.0.0'), R('2.5.0', '$2'), R('2.5.3', '$3')]))
    assert git_repo.findings(base='HEAD') == [('RT203', 8)]


def test_file_arguments_limit_the_files(git_repo: DataRepo) -> None:
    nova = git_repo.write('hibiscus', 'nova', doc(RC, releases=[R('v1')]))
    neutron = git_repo.write('hibiscus', 'neutron', doc(RC, releases=[R('v2')]))
    assert git_repo.findings_by_file(base='HEAD') == [(neutron, 'RT201', 6), (nova, 'RT201', 6)]
    assert git_repo.findings_by_file(nova, base='HEAD') == [(nova, 'RT201', 6)]
    assert git_repo.findings_by_file(neutron, all=True) == [(neutron, 'RT201', 6)]


def test_file_argument_unchanged_since_the_base_is_checked_without_new_entries(history: DataRepo) -> None:
    report = history.report(NOVA, base='HEAD')
    assert (report.findings, report.checked) == ([], 1)


def test_base_is_a_revision_not_just_head(history: DataRepo) -> None:
    """Two commits: against the first, the second commit's release is new."""
    history.write('gazpacho', 'nova', doc(RC, releases=[*BASE, R('2.1.3', '$3')], tail=BRANCH))
    first = history.git('rev-parse', 'HEAD').strip()
    history.commit('release 2.1.3')
    assert history.findings(base='HEAD') == []
    assert history.findings(base=first) == [('RT203', 8)]
    assert history.findings(base='HEAD^') == [('RT203', 8)]


def test_deleting_a_file_without_history_is_allowed(git_repo: DataRepo) -> None:
    rel = git_repo.write('hibiscus', 'nova', doc(RC))
    git_repo.commit()
    git_repo.remove(rel)
    assert git_repo.findings(base='HEAD') == []
