"""Version rules RT201-RT209, checked with --all on the file under test.

Files are built with :func:`releasetools.testing.deliverables.doc`: one head line (the release
model), so release *n* of a file is on line 5 + n. Other series of the same
deliverable are written first (``older``) and are seen by the rules as
history, but not checked themselves.
"""

from __future__ import annotations

import pytest

from releasetools.testing.datarepo import DataRepo, only
from releasetools.testing.deliverables import R, doc

P = pytest.param
RC = 'release-model: cycle-with-rc'
INTERMEDIARY = 'release-model: cycle-with-intermediary'

#: nova as released in gazpacho (2026.1), the series before hibiscus.
GAZPACHO = {'gazpacho': doc(RC, releases=[R('2.0.0'), R('2.1.0')])}


def check(repo: DataRepo, series: str, body: str, older: dict[str, str] | None = None,
          name: str = 'nova') -> list[tuple[str, int]]:
    for other_series, other_body in (older or {}).items():
        repo.write(other_series, name, other_body)
    rel = repo.write(series, name, body)
    return repo.findings(rel)


# -- RT201: canonical spelling ----------------------------------------------------

@pytest.mark.parametrize(('version', 'expected', 'hint'), [
    P('3.0.0.0b1', [], None, id='pass-first-beta'),
    P('3.0.0.0rc1', [], None, id='pass-rc'),
    P('3.0.0.0b2', [], None, id='pass-beta'),
    P('1.0.0rc1', [('RT201', 6)], "write '1.0.0.0rc1'", id='pep440-rc'),
    P('33.0.0rc1', [('RT201', 6)], "write '33.0.0.0rc1'", id='pep440-rc-big'),
    P('v1.2.3', [('RT201', 6)], "write '1.2.3'", id='v-prefix'),
    P('1.2', [('RT201', 6)], "write '1.2.0'", id='two-parts'),
    P('01.2.3', [('RT201', 6)], "write '1.2.3'", id='leading-zero'),
    P('1.2.3.dev4', [('RT201', 6)], 'use X.Y.Z, or X.Y.Z.0rcN for a release candidate', id='dev'),
    P('banana', [('RT201', 6)], 'use X.Y.Z, or X.Y.Z.0rcN for a release candidate', id='not-a-version'),
])
def test_canonical_version(repo: DataRepo, version: str, expected: list[tuple[str, int]], hint: str | None) -> None:
    rel = repo.write('hibiscus', 'nova', doc(RC, releases=[R(version)]))
    report = repo.report(rel)
    assert sorted((f.check, f.line) for f in report.findings) == expected
    assert [f.hint for f in report.findings] == ([hint] if expected else [])


VERSION_CASES = [
    # -- RT202: a version is released once ------------------------------------------
    P('hibiscus', doc(RC, releases=[R('3.0.0.0rc1'), R('3.0.0')]), GAZPACHO, [], id='RT202-pass'),
    P('hibiscus', doc(RC, releases=[R('2.1.0')]), GAZPACHO, [('RT202', 6)],
      id='RT202-released-in-an-earlier-series'),
    P('hibiscus', doc(INTERMEDIARY, releases=[R('3.0.0'), R('3.0.0', '$2')]), GAZPACHO,
      [('RT202', 7)], id='RT202-twice-in-one-file'),
    P('gazpacho', doc(RC, releases=[R('2.0.0'), R('2.1.0'), R('3.0.0')]),
      {'hibiscus': doc(RC, releases=[R('3.0.0')])}, [('RT202', 8)], id='RT202-released-in-a-later-series'),
    # -- RT203: semver steps ---------------------------------------------------------
    P('hibiscus', doc(INTERMEDIARY, releases=[R('3.0.0')]), GAZPACHO, [], id='RT203-pass-major-from-earlier-series'),
    P('hibiscus', doc(INTERMEDIARY, releases=[R('2.2.0')]), GAZPACHO, [], id='RT203-pass-minor-from-earlier-series'),
    P('hibiscus', doc(INTERMEDIARY, releases=[R('4.0.0')]), GAZPACHO, [('RT203', 6)], id='RT203-skips-a-major'),
    P('hibiscus', doc(INTERMEDIARY, releases=[R('3.1.0')]), GAZPACHO, [('RT203', 6)], id='RT203-new-major-not-at-0'),
    P('hibiscus', doc(INTERMEDIARY, releases=[R('2.3.0')]), GAZPACHO, [('RT203', 6)], id='RT203-skips-a-minor'),
    P('hibiscus', doc(INTERMEDIARY, releases=[R('3.0.0'), R('3.0.2')]), GAZPACHO, [('RT203', 7)],
      id='RT203-skips-a-patch'),
    P('hibiscus', doc(INTERMEDIARY, releases=[R('3.0.0'), R('3.2.0')]), GAZPACHO, [('RT203', 7)],
      id='RT203-skips-a-minor-in-the-series'),
    P('hibiscus', doc(INTERMEDIARY, releases=[R('3.0.0'), R('3.0.1'), R('3.1.0'), R('4.0.0')]), GAZPACHO, [],
      id='RT203-pass-patch-minor-major'),
    P('hibiscus', doc(INTERMEDIARY, releases=[R('3.0.0'), R('3.1.0'), R('3.0.1')]), GAZPACHO, [],
      id='RT203-pass-patch-follows-its-own-line'),
    P('hibiscus', doc(INTERMEDIARY, releases=[R('3.0.0'), R('1.0.0')]), GAZPACHO, [('RT203', 7)],
      id='RT203-major-goes-backwards'),
    P('hibiscus', doc(INTERMEDIARY, releases=[R('3.1.0'), R('3.1.1'), R('3.0.1')]),
      {'gazpacho': doc(RC, releases=[R('3.0.0')])}, [],
      id='RT203-pass-patch-follows-its-line-in-the-previous-series'),
    P('hibiscus', doc(INTERMEDIARY, releases=[R('3.1.0'), R('3.0.2')]),
      {'gazpacho': doc(RC, releases=[R('3.0.0')])}, [('RT203', 7)],
      id='RT203-patch-skips-a-number-of-its-line-in-the-previous-series'),
    P('hibiscus', doc(RC, releases=[R('4.0.0.0rc1')]), GAZPACHO, [('RT203', 6)],
      id='RT203-pre-release-of-a-wrong-step'),
    P('hibiscus', doc(RC, releases=[R('3.0.0.0b1'), R('3.0.0.0rc1'), R('3.0.0', '$1')]), GAZPACHO, [],
      id='RT203-pass-pre-releases-share-one-step'),
    P('gazpacho', doc(RC, releases=[R('2.0.0'), R('2.1.0'), R('2.1.1')]),
      {'hibiscus': doc(RC, releases=[R('3.0.0')])}, [],
      id='RT203-pass-stable-patch-after-newer-series-released'),
    P('gazpacho', doc(RC, releases=[R('2.0.0'), R('2.1.0'), R('2.1.2')]),
      {'hibiscus': doc(RC, releases=[R('3.0.0')])}, [('RT203', 8)],
      id='RT203-stable-patch-skips-a-number'),
    P('hibiscus', doc(INTERMEDIARY, releases=[R('1.0.0')]), {}, [], id='RT203-pass-very-first-release'),
    # -- RT205: pre-release progression ------------------------------------------------
    P('hibiscus', doc(RC, releases=[R('3.0.0.0b1'), R('3.0.0.0b2'), R('3.0.0.0rc1', '$2'),
                                    R('3.0.0.0rc2', '$3'), R('3.0.0', '$3')]), GAZPACHO, [],
      id='RT205-pass-full-progression'),
    P('hibiscus', doc(RC, releases=[R('3.0.0.0b2'), R('3.0.0.0rc1')]), GAZPACHO, [],
      id='RT205-pass-first-beta-carries-milestone-number'),
    P('hibiscus', doc(RC, releases=[R('3.0.0.0b1'), R('3.0.0.0b3')]), GAZPACHO, [('RT205', 7)],
      id='RT205-beta-skips-a-number'),
    P('hibiscus', doc(RC, releases=[R('3.0.0.0rc2')]), GAZPACHO, [('RT205', 6)], id='RT205-first-rc-is-not-rc1'),
    P('hibiscus', doc(RC, releases=[R('3.0.0.0rc1'), R('3.0.0.0b1')]), GAZPACHO, [('RT205', 7)],
      id='RT205-beta-after-rc'),
    P('hibiscus', doc(RC, releases=[R('3.0.0.0b1'), R('3.0.0')]), GAZPACHO, [('RT205', 7)],
      id='RT205-final-without-rc-in-cycle-with-rc'),
    P('hibiscus', doc(RC, releases=[R('3.0.0.0rc1'), R('3.0.0', '$1'), R('3.0.0.0rc2')]), GAZPACHO,
      [('RT205', 8)], id='RT205-rc-after-final'),
    # -- RT206: pre-releases only where the model uses them --------------------------------
    P('hibiscus', doc('release-model: cycle-trailing', releases=[R('3.0.0.0rc1')]), GAZPACHO, [],
      id='RT206-pass-trailing'),
    P('hibiscus', doc(INTERMEDIARY, releases=[R('3.0.0.0rc1')]), GAZPACHO, [('RT206', 6)],
      id='RT206-intermediary'),
    P('hibiscus', doc('release-model: cycle-automatic', releases=[R('3.0.0.0b1')]), GAZPACHO, [('RT206', 6)],
      id='RT206-automatic'),
    # -- RT207: first release of a series -------------------------------------------------
    P('hibiscus', doc(INTERMEDIARY, releases=[R('2.2.0')]), GAZPACHO, [], id='RT207-pass-minor'),
    P('hibiscus', doc(INTERMEDIARY, releases=[R('2.1.1')]), GAZPACHO, [('RT207', 6)], id='RT207-patch'),
    P('hibiscus', doc('release-model: cycle-automatic', 'stable-branch-type: tagless',
                      releases=[R('2.1.1')]), GAZPACHO, [], id='RT207-pass-tagless'),
    P('hibiscus', doc(INTERMEDIARY, releases=[R('1.0.1')]), {}, [], id='RT207-pass-first-release-ever'),
    # -- RT208: the final re-tags the last rc ----------------------------------------------
    P('hibiscus', doc(RC, releases=[R('3.0.0.0rc1', '$1'), R('3.0.0', '$1')]), GAZPACHO, [],
      id='RT208-pass-same-hash'),
    P('hibiscus', doc(RC, releases=[R('3.0.0.0rc1', '$1'), R('3.0.0', '$2')]), GAZPACHO, [('RT208', 7)],
      id='RT208-other-hash'),
    P('hibiscus', doc(RC, releases=[R('3.0.0.0rc1', '$1'), R('3.0.0.0rc2', '$2'), R('3.0.0', '$1')]), GAZPACHO,
      [('RT208', 8)], id='RT208-hash-of-an-older-rc'),
    P('hibiscus', doc(RC, releases=[R('3.0.0.0rc1', 'openstack/nova=$1,openstack/placement=$2'),
                                    R('3.0.0', '$1')]), GAZPACHO, [('RT208', 7)],
      id='RT208-repository-left-out'),
]


@pytest.mark.parametrize(('series', 'body', 'older', 'expected'), VERSION_CASES)
def test_version_rules(repo: DataRepo, series: str, body: str, older: dict[str, str],
                       expected: list[tuple[str, int]]) -> None:
    assert check(repo, series, body, older) == expected


def test_step_message_names_the_expected_version(repo: DataRepo) -> None:
    for series, body in GAZPACHO.items():
        repo.write(series, 'nova', body)
    rel = repo.write('hibiscus', 'nova', doc(INTERMEDIARY, releases=[R('4.0.0')]))
    [finding] = repo.report(rel).findings
    assert finding.check == 'RT203'
    assert finding.message == '4.0.0 does not follow 2.1.0 by one semver step (expected 3.0.0)'


def test_first_release_hint_offers_the_next_minor_and_major(repo: DataRepo) -> None:
    for series, body in GAZPACHO.items():
        repo.write(series, 'nova', body)
    rel = repo.write('hibiscus', 'nova', doc(INTERMEDIARY, releases=[R('2.1.1')]))
    [finding] = repo.report(rel).findings
    assert (finding.check, finding.hint) == ('RT207', 'release 2.2.0 (or 3.0.0)')


def test_independent_final_needs_no_rc(repo: DataRepo) -> None:
    rel = repo.write('_independent', 'reno', doc('release-type: python-pypi',
                                                 releases=[R('1.0.0'), R('2.0.0.0b1'), R('2.0.0', '$2')]))
    assert repo.findings(rel) == []


def test_earlier_series_missing_from_the_tree_skips_the_comparison(repo: DataRepo) -> None:
    """A partial copy of a data repository: no gazpacho directory at all."""
    (repo.root / 'deliverables' / 'gazpacho').rmdir()
    rel = repo.write('hibiscus', 'nova', doc(INTERMEDIARY, releases=[R('7.0.1'), R('7.0.3')]))
    # 7.0.2 may be a release of the missing gazpacho file (its stable branch): not a finding, a skip.
    assert repo.findings(rel) == []
    skipped = repo.skipped(rel)
    assert [check for check, _ in skipped] == ['RT203', 'RT203', 'RT207']
    assert all('gazpacho' in reason and 'is not in this tree' in reason for _, reason in skipped)
    assert '7.0.1' in skipped[0][1] and '7.0.3' in skipped[1][1] and '7.0.1' in skipped[2][1]


def test_a_gap_on_a_line_the_file_opened_is_judged_without_the_earlier_series(repo: DataRepo) -> None:
    """As gazpacho nova 33.0.4 after 33.0.2 with flamingo not in the tree: flamingo cannot release 33.0.3."""
    (repo.root / 'deliverables' / 'gazpacho').rmdir()
    rel = repo.write('hibiscus', 'nova', doc(RC, releases=[
        R('8.0.0.0rc1'), R('8.0.0', '$1'), R('8.0.2', '$2'), R('8.2.0', '$3'), R('9.1.0', '$4')]))
    # Release n is on line 5 + n. The patch and the minor are judged; 9.1.0 (its 9 line opened nowhere
    # here) may follow a gazpacho release.
    assert only(repo.findings(rel), 'RT203') == [('RT203', 8), ('RT203', 9)]
    skipped = [reason for check, reason in repo.skipped(rel) if check == 'RT203']
    assert any('8.0.0.0rc1 not compared' in r for r in skipped) and any('9.1.0 may follow' in r for r in skipped)


def test_a_gap_is_judged_when_the_history_is_in_the_tree(repo: DataRepo) -> None:
    for series, body in GAZPACHO.items():
        repo.write(series, 'nova', body)
    rel = repo.write('hibiscus', 'nova', doc(INTERMEDIARY, releases=[R('3.0.0'), R('3.0.2')]))
    assert repo.findings(rel) == [('RT203', 7)]


def test_an_earlier_series_without_the_deliverable_does_not_end_the_walk(repo: DataRepo) -> None:
    """As bobcat sahara-tests 0.18.0 after stein's 0.9.0, with the series in between not in the sample."""
    repo.write('epoxy', 'nova', doc(INTERMEDIARY, releases=[R('0.9.0')]))
    (repo.root / 'deliverables' / 'flamingo').rmdir()  # gazpacho is there, without nova
    rel = repo.write('hibiscus', 'nova', doc(INTERMEDIARY, releases=[R('0.18.0')]))
    assert repo.findings(rel) == []
    [(check, reason)] = repo.skipped(rel)
    assert check == 'RT203' and 'series flamingo is not in this tree' in reason


# -- RT204: xstatic numbering -----------------------------------------------------------

XSTATIC = 'release-type: xstatic'


@pytest.mark.parametrize(('versions', 'expected'), [
    P(['1.2.3.1', '1.2.3.2', '2.0.0.0', '1.2.4.0'], [], id='pass-builds-rise'),
    P(['1.2.3.2', '1.2.3.1'], [('RT204', 7)], id='build-goes-down'),
    P(['1.2.3.1', '1.2.3.1'], [('RT202', 7), ('RT204', 7)], id='same-build-twice'),
    P(['1.2.3.4.5'], [('RT201', 6), ('RT204', 6)], id='five-parts'),
])
def test_xstatic_numbering(repo: DataRepo, versions: list[str], expected: list[tuple[str, int]]) -> None:
    rel = repo.write('_independent', 'xstatic-angular',
                     doc(XSTATIC, releases=[R(v, f'${i + 1}') for i, v in enumerate(versions)]))
    assert repo.findings(rel) == expected


def test_xstatic_build_hint(repo: DataRepo) -> None:
    rel = repo.write('_independent', 'xstatic-angular', doc(XSTATIC, releases=[R('1.2.3.2'), R('1.2.3.1', '$2')]))
    [finding] = repo.report(rel).findings
    assert finding.hint == 'write 1.2.3.3'


# -- RT209: closing tags ------------------------------------------------------------------

SETTINGS = """
repository-settings:
  openstack/nova: {}
  openstack/placement: {}
  openstack/os-vif:
    flags: [retired]
"""
BOTH = 'openstack/nova=$1,openstack/placement=$2'
#: Closing tags close a branch (RT211): the files that take them have one.
BRANCH = """
branches:
  - name: stable/2026.1
    location: 2.0.0
"""


@pytest.mark.parametrize(('tag', 'hashes', 'expected'), [
    P('2026.1-eol', BOTH, [], id='pass-release-id'),
    P('gazpacho-eol', BOTH, [], id='pass-series-name'),
    P('gazpacho-eom', BOTH, [], id='pass-eom'),
    P('nova-gazpacho-last', BOTH, [], id='pass-deliverable-last'),
    P('2026.1-eol', 'openstack/nova=$1', [('RT209', 8)], id='does-not-cover-every-repo'),
    P('hibiscus-eol', BOTH, [('RT209', 8)], id='other-series'),
    P('2026.2-eol', BOTH, [('RT209', 8)], id='other-release-id'),
    P('neutron-gazpacho-last', BOTH, [('RT209', 8)], id='other-deliverable'),
])
def test_closing_tags(repo: DataRepo, tag: str, hashes: str, expected: list[tuple[str, int]]) -> None:
    rel = repo.write('gazpacho', 'nova', doc(RC, releases=[R('2.0.0.0rc1', BOTH), R('2.0.0', BOTH), R(tag, hashes)],
                                             tail=SETTINGS + BRANCH))
    assert repo.findings(rel) == expected


def test_closing_tag_messages(repo: DataRepo) -> None:
    rel = repo.write('gazpacho', 'nova', doc(RC, releases=[R('2.0.0', BOTH), R('hibiscus-eol', '$1')],
                                             tail=SETTINGS + BRANCH))
    findings = sorted(repo.report(rel).findings, key=lambda f: f.hint or '')
    assert [(f.check, f.line, f.hint) for f in findings] == [
        ('RT209', 7, 'a closing tag covers every repository of the deliverable'),
        ('RT209', 7, 'write 2026.1-eol'),
    ]
    assert 'openstack/placement' in findings[0].message


@pytest.mark.parametrize(('tag_hashes', 'expected'), [
    P(BOTH, [], id='pass'),
    P('$1', [('RT209', 7)], id='repo-of-the-previous-release-left-out'),
])
def test_closing_tag_without_repository_settings(repo: DataRepo, tag_hashes: str,
                                                 expected: list[tuple[str, int]]) -> None:
    rel = repo.write('gazpacho', 'nova', doc(INTERMEDIARY, releases=[R('2.0.0', BOTH), R('2026.1-eol', tag_hashes)],
                                                   tail=BRANCH))
    assert repo.findings(rel) == expected


def test_independent_closing_tag_may_name_any_series(repo: DataRepo) -> None:
    rel = repo.write('_independent', 'reno', doc('release-type: python-pypi',
                                                 releases=[R('1.0.0'), R('2026.1-eol'), R('epoxy-eol')]))
    assert repo.findings(rel) == []


def test_closing_tags_are_not_version_checked(repo: DataRepo) -> None:
    """``2026.1-eol`` is not a semver version: RT201/RT203 leave it to RT209."""
    rel = repo.write('gazpacho', 'nova', doc(INTERMEDIARY, releases=[R('2.0.0'), R('2026.1-eol')]))
    assert only(repo.findings(rel), 'RT201', 'RT203', 'RT205') == []


# -- RT203 across the eras inside one file --------------------------------------------------------

#: ``_independent/networking-ofagent.yaml`` as merged (abridged): kilo's date version, then liberty's.
OFAGENT = doc('release-model: abandoned', releases=[R('2015.1.6', repo='openstack/networking-ofagent'),
                                                  R('1.0.0', '$2', repo='openstack/networking-ofagent'),
                                                  R('1.0.1', '$3', repo='openstack/networking-ofagent')])


def test_merged_file_of_both_eras_ends_the_date_era(repo: DataRepo) -> None:
    """networking-ofagent's 1.0.0 after 2015.1.6 was RT203 "goes backwards" on the sample."""
    rel = repo.write('_independent', 'networking-ofagent', OFAGENT)
    assert only(repo.findings(rel), 'RT203') == []


def test_the_new_era_is_still_judged_by_steps(repo: DataRepo) -> None:
    body = doc('release-model: abandoned', releases=[R('2015.1.6', repo='openstack/networking-ofagent'),
                                                   R('1.0.0', '$2', repo='openstack/networking-ofagent'),
                                                   R('1.0.2', '$3', repo='openstack/networking-ofagent')])
    rel = repo.write('_independent', 'networking-ofagent', body)
    assert only(repo.findings(rel), 'RT203') == [('RT203', 8)]


def test_a_new_release_never_ends_the_date_era(git_repo: DataRepo) -> None:
    """Only merged history changes era: a request's 1.0.0 after 2015.1.6 still goes backwards."""
    head = doc('release-type: python-pypi', releases=[R('2015.1.6', repo='openstack/reno')])
    git_repo.write('_independent', 'reno', head)
    git_repo.commit('date era')
    rel = git_repo.write('_independent', 'reno', head + f"  {R('1.0.0', '$2', repo='openstack/reno')}\n")
    findings = [f for f in git_repo.report(rel, base='HEAD').findings if f.check == 'RT203']
    assert [(f.line, f.message) for f in findings] == [(7, '1.0.0 goes backwards: 2015.1.6 is already released')]


def test_a_file_without_a_model_is_not_judged_on_its_pre_releases(repo: DataRepo) -> None:
    """RT108 reports the missing model; RT206 used to add "a pre-release, which the None model does not use"."""
    rel = repo.write('hibiscus', 'nova', doc('release-notes: https://docs.example.org/nova',
                                             releases=[R('3.0.0.0b1')]))
    assert only(repo.findings(rel), 'RT108', 'RT206') == [('RT108', 1)]


def test_a_non_canonical_final_still_counts_for_its_line(repo: DataRepo) -> None:
    """juno's glance as merged: "2014.2", then 2014.2.1; one finding (RT201), not also RT203 on 2014.2.1."""
    assert only(check(repo, 'hibiscus', doc(INTERMEDIARY, releases=[R('3.0'), R('3.0.1', '$2')]), GAZPACHO),
                'RT201', 'RT203') == [('RT201', 6)]


def test_a_non_canonical_release_is_not_stepped_itself(repo: DataRepo) -> None:
    """The step after a respelled release is still judged: 3.0 then 3.0.2 skips 3.0.1."""
    body = doc(INTERMEDIARY, releases=[R('3.0'), R('3.0.2', '$2')])
    assert only(check(repo, 'hibiscus', body, GAZPACHO), 'RT201', 'RT203') == [('RT201', 6), ('RT203', 7)]


# -- RT213: diff-start -----------------------------------------------------------------------------------


def final(version: str, start: str, sha: str = '$1') -> str:
    """A release with a ``diff-start``, as a one-line list item for :func:`doc`."""
    return f"- {{version: '{version}', projects: [{{repo: openstack/nova, hash: {sha}}}], diff-start: '{start}'}}"


@pytest.mark.parametrize(('releases', 'expected'), [
    P([R('3.0.0.0rc1'), final('3.0.0', '2.1.0')], [], id='pass-previous-series-final'),
    P([R('3.0.0.0rc1'), final('3.0.0', '2.0.0')], [], id='pass-an-older-release'),
    P([R('3.0.0.0rc1'), final('3.0.0', '3.0.0.0rc1')], [], id='pass-earlier-in-this-file'),
    P([R('3.0.0.0rc1'), final('3.0.0', 'f' * 40)], [], id='pass-a-commit-id'),
    P([R('3.0.0.0rc1'), final('3.0.0', 'banana')], [('RT213', 7)], id='not-a-version'),
    P([R('3.0.0.0rc1'), final('3.0.0', '2.1')], [('RT213', 7)], id='a-respelling-names-no-tag'),
    P([R('3.0.0.0rc1'), final('3.0.0', '3.1.0')], [('RT213', 7)], id='not-earlier'),
    P([R('3.0.0.0rc1'), final('3.0.0', '2.0.5')], [('RT213', 7)], id='never-released'),
    P([R('3.0.0.0rc1'), final('3.0.0', 'abc123')], [('RT213', 7)], id='a-short-hash'),
])
def test_diff_start(repo: DataRepo, releases: list[str], expected: list[tuple[str, int]]) -> None:
    assert only(check(repo, 'hibiscus', doc(RC, releases=releases), GAZPACHO), 'RT213') == expected


def test_diff_start_into_the_date_era(repo: DataRepo) -> None:
    """As liberty's finals: 12.0.0 starts its notes at kilo's 2015.1.0, an earlier release by series order."""
    older = {'gazpacho': doc(RC, releases=[R('2015.1.0')])}
    body = doc(RC, releases=[R('12.0.0.0rc1'), final('12.0.0', '2015.1.0')])
    assert only(check(repo, 'hibiscus', body, older), 'RT213') == []


def test_diff_start_past_a_missing_series_is_a_skip(repo: DataRepo) -> None:
    """Bobcat adjutant's diff-start is zed's 5.0.0: with zed not in the tree it cannot be looked up."""
    (repo.root / 'deliverables' / 'epoxy').rmdir()
    rel = repo.write('hibiscus', 'nova', doc(RC, releases=[R('3.0.0.0rc1'), final('3.0.0', '1.5.0')]))
    repo.write('gazpacho', 'nova', GAZPACHO['gazpacho'])
    assert only(repo.findings(rel), 'RT213') == []
    [reason] = [reason for check_id, reason in repo.skipped(rel) if check_id == 'RT213']
    assert 'diff-start 1.5.0 of 3.0.0' in reason and 'series epoxy is not in this tree' in reason


def test_diff_start_of_merged_history_is_not_judged_against_a_base(git_repo: DataRepo) -> None:
    body = doc(RC, releases=[R('3.0.0.0rc1'), final('3.0.0', 'banana')])
    git_repo.write('hibiscus', 'nova', body)
    git_repo.commit('history')
    rel = git_repo.write('hibiscus', 'nova', body.rstrip('\n') + '\n  ' + R('3.0.1', '$2') + '\n')
    assert only(git_repo.findings(rel, base='HEAD'), 'RT213') == []
