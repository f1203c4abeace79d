"""Release-model rules the release team enforces: RT210-RT212 (versions), RT605-RT607 (branches),
and the relaxations of RT303, RT402, RT602/RT603 checked on real merged requests.

Synthetic files are written with :func:`releasetools.testing.deliverables.doc` (release *n* on line 5 + n with one
head line). The real ones are unmodified upstream files in ``tests/fixtures/upstream`` (see its
README), replayed as the request that added their last entry.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from releasetools.testing.datarepo import DataRepo, only
from releasetools.testing.deliverables import R, doc

P = pytest.param
RC = 'release-model: cycle-with-rc'
INTERMEDIARY = 'release-model: cycle-with-intermediary'
FIXTURES = Path(__file__).resolve().parent.parent / 'fixtures' / 'upstream'

#: nova as released in gazpacho (2026.1), the series before hibiscus.
GAZPACHO = doc(RC, releases=[R('2.0.0.0rc1'), R('2.0.0'), R('2.1.0', '$2')])
#: A gazpacho stable branch (after the releases), for the closing tags that close it.
BRANCH = """
branches:
  - name: stable/2026.1
    location: 2.0.0
"""


def check(repo: DataRepo, series: str, body: str, name: str = 'nova') -> list[tuple[str, int]]:
    if series == 'hibiscus':
        repo.write('gazpacho', name, GAZPACHO)
    return repo.findings(repo.write(series, name, body))


# -- RT210: a cycle-with-rc series final re-tags a release candidate -------------------------------

@pytest.mark.parametrize(('series', 'body', 'expected'), [
    P('hibiscus', doc(RC, releases=[R('3.0.0.0rc1'), R('3.0.0')]), [], id='pass-rc-then-final'),
    P('hibiscus', doc(RC, releases=[R('3.0.0.0b1'), R('3.0.0.0rc1'), R('3.0.0'), R('3.0.1', '$2')]), [],
      id='pass-stable-patch-after-the-final'),
    P('hibiscus', doc(RC, releases=[R('3.0.0')]), [('RT210', 6)], id='final-without-rc'),
    P('hibiscus', doc(RC, releases=[R('2.2.0.0rc1'), R('3.0.0', '$2')]), [('RT210', 7)],
      id='rc-of-another-version'),
    P('hibiscus', doc(INTERMEDIARY, releases=[R('3.0.0')]), [], id='pass-intermediary-needs-no-rc'),
    P('gazpacho', doc(RC, releases=[R('2.0.0')]), [], id='pass-maintained-series-not-rejudged'),
])
def test_final_has_rc(repo: DataRepo, series: str, body: str, expected: list[tuple[str, int]]) -> None:
    assert only(check(repo, series, body), 'RT205', 'RT210') == expected


def test_final_after_beta_only_is_rt205s(repo: DataRepo) -> None:
    """Reported once: a beta then the final breaks the progression (RT205), not RT210."""
    assert only(check(repo, 'hibiscus', doc(RC, releases=[R('3.0.0.0b1'), R('3.0.0')])), 'RT205', 'RT210') == [
        ('RT205', 7)]


def test_final_has_rc_message(repo: DataRepo) -> None:
    repo.write('gazpacho', 'nova', GAZPACHO)
    [finding] = [f for f in repo.report(repo.write('hibiscus', 'nova', doc(RC, releases=[R('3.0.0')]))).findings
                 if f.check == 'RT210']
    assert finding.message == ('3.0.0 is the hibiscus final of a cycle-with-rc deliverable, but no release '
                               'candidate of 3.0.0 is in this series')
    assert finding.hint == 'release 3.0.0.0rc1 first, then re-tag it'


# -- RT211: -eol/-eom/-em close a branch -------------------------------------------------------------

@pytest.mark.parametrize(('head', 'releases', 'tail', 'series', 'expected'), [
    P([INTERMEDIARY], [R('2.0.0'), R('2026.1-eol')], BRANCH, 'gazpacho', [], id='pass-eol-with-branch'),
    P([INTERMEDIARY], [R('2.0.0'), R('2026.1-eom')], BRANCH.replace('stable/', 'unmaintained/'), 'gazpacho', [],
      id='pass-eom-with-unmaintained-branch'),
    P([INTERMEDIARY], [R('2.0.0'), R('2026.1-eol')], '', 'gazpacho', [('RT211', 7)], id='eol-without-branch'),
    P([INTERMEDIARY], [R('2.0.0'), R('2026.1-eom')], '', 'gazpacho', [('RT211', 7)], id='eom-without-branch'),
    P([INTERMEDIARY], [R('2.0.0'), R('2026.1-em')], '', 'gazpacho', [('RT211', 7)], id='em-without-branch'),
    P([INTERMEDIARY], [R('2.0.0'), R('2026.1-eol')],
      'branches:\n  - name: feature/graphs\n    location: {openstack/nova: $1}\n', 'gazpacho', [('RT211', 7)],
      id='a-feature-branch-is-not-the-series-branch'),
    P([INTERMEDIARY], [R('2.0.0'), R('2026.1-last')], '', 'gazpacho', [], id='pass-last-is-for-branchless'),
    P(['release-type: python-pypi'], [R('1.0.0'), R('2026.1-eol')], '', '_independent', [],
      id='pass-independent'),
])
def test_closing_tag_has_branch(repo: DataRepo, head: list[str], releases: list[str], tail: str, series: str,  # noqa: PLR0917
                                expected: list[tuple[str, int]]) -> None:
    rel = repo.write(series, 'nova', doc(*head, releases=releases, tail=tail))
    assert only(repo.findings(rel), 'RT211') == expected


# -- RT212: -em marks the last release -----------------------------------------------------------

@pytest.mark.parametrize(('releases', 'expected', 'hint'), [
    P([R('2.0.0'), R('2.0.1', '$2'), R('2026.1-em', '$2')], [], None, id='pass-at-the-last-release'),
    P([R('2.0.0'), R('2.0.1', '$2'), R('2026.1-em', '$1')], [('RT212', 8)], 'copy the hashes of 2.0.1',
      id='at-an-older-release'),
    P([R('2.0.0'), R('2026.1-em', '$3')], [('RT212', 7)], 'copy the hashes of 2.0.0', id='at-another-commit'),
    P([R('2026.1-em')], [('RT212', 6)], 'release first, or close the series with -eol', id='no-earlier-release'),
    P([R('2.0.0'), R('2026.1-eol', '$3')], [], None, id='pass-eol-may-be-later'),
])
def test_em_at_last_release(repo: DataRepo, releases: list[str], expected: list[tuple[str, int]],
                            hint: str | None) -> None:
    rel = repo.write('gazpacho', 'nova', doc(INTERMEDIARY, releases=releases, tail=BRANCH))
    report = repo.report(rel)
    assert sorted((f.check, f.line) for f in report.findings if f.check == 'RT212') == expected
    assert [f.hint for f in report.findings if f.check == 'RT212'] == ([hint] if hint else [])


# -- RT605: a new stable branch starts from the latest release ------------------------------------------

def _branch(name: str, location: str) -> str:
    return f'branches:\n  - name: {name}\n    location: {location}\n'


@pytest.mark.parametrize(('head', 'before', 'after', 'branch', 'expected'), [
    P(INTERMEDIARY, [R('2.0.0'), R('2.1.0', '$2')], [], ('stable/2026.1', '2.1.0'), [], id='pass-latest'),
    P(INTERMEDIARY, [R('2.0.0'), R('2.1.0', '$2')], [], ('stable/2026.1', '2.0.0'), [('RT605', 9)],
      id='older-release'),
    P(INTERMEDIARY, [R('2.0.0')], [R('2.1.0', '$2')], ('stable/2026.1', '2.1.0'), [],
      id='pass-latest-added-in-the-same-request'),
    P(INTERMEDIARY, [R('2.0.0')], [R('2.1.0', '$2')], ('stable/2026.1', '2.0.0'), [('RT605', 9)],
      id='newer-release-added-in-the-same-request'),
    P(RC, [R('2.0.0.0b1')], [R('2.0.0.0rc1', '$2')], ('stable/2026.1', '2.0.0.0rc1'), [],
      id='pass-rc1-and-branch-together'),
    P(RC, [R('2.0.0.0rc1'), R('2.0.0.0rc2', '$2')], [], ('stable/2026.1', '2.0.0.0rc1'), [('RT605', 9)],
      id='rc1-after-rc2'),
    P(INTERMEDIARY, [R('2.0.0'), R('2.1.0', '$2'), R('2026.1-eom', '$2')], [], ('stable/2026.1', '2.1.0'), [],
      id='pass-closing-tags-are-no-releases'),
    P(INTERMEDIARY, [R('2.0.0'), R('2.1.0', '$2')], [], ('bugfix/2.0', '2.0.0'), [], id='pass-bugfix-branch'),
])
def test_stable_branch_from_latest(git_repo: DataRepo, head: str, before: list[str], after: list[str],  # noqa: PLR0917
                                   branch: tuple[str, str], expected: list[tuple[str, int]]) -> None:
    git_repo.write('gazpacho', 'nova', doc(head, releases=before))
    git_repo.commit()
    git_repo.write('gazpacho', 'nova', doc(head, releases=[*before, *after], tail=_branch(*branch)))
    assert only(git_repo.findings(base='HEAD'), 'RT605') == expected


def test_stable_branch_from_latest_is_not_judged_in_all_mode(repo: DataRepo) -> None:
    """Without a base the moment of branching is unknown (stable branches take minor releases too)."""
    rel = repo.write('gazpacho', 'nova', doc(INTERMEDIARY, releases=[R('2.0.0'), R('2.1.0', '$2')],
                                             tail=_branch('stable/2026.1', '2.0.0')))
    assert repo.findings(rel) == []


def test_stable_branch_from_latest_message(git_repo: DataRepo) -> None:
    releases = [R('2.0.0'), R('2.1.0', '$2')]
    git_repo.write('gazpacho', 'nova', doc(INTERMEDIARY, releases=releases))
    git_repo.commit()
    git_repo.write('gazpacho', 'nova', doc(INTERMEDIARY, releases=releases, tail=_branch('stable/2026.1', '2.0.0')))
    [finding] = git_repo.report(base='HEAD').findings
    assert (finding.check, finding.message, finding.hint) == (
        'RT605', 'stable/2026.1 starts from 2.0.0, but the latest release of gazpacho is 2.1.0', 'branch from 2.1.0')


# -- RT606 / RT607: branches located by commits -------------------------------------------------------------

SHAS = '{openstack/nova: $1}'


@pytest.mark.parametrize(('head', 'releases', 'branch', 'expected'), [
    P(['release-model: untagged', 'stable-branch-type: tagless'], [], ('stable/2026.1', SHAS), [],
      id='RT606-pass-tagless-map'),
    P(['release-model: cycle-automatic', 'stable-branch-type: tagless'], [R('2.0.0')], ('stable/2026.1', '2.0.0'),
      [('RT606', 11)], id='RT606-tagless-by-version'),
    P(['release-model: untagged', 'stable-branch-type: tagless'], [R('2026.1-eom')],
      ('unmaintained/2026.1', '2026.1-eom'), [], id='RT606-pass-unmaintained-from-the-eom-tag'),
    P([INTERMEDIARY], [R('2.0.0')], ('stable/2026.1', '2.0.0'), [], id='RT606-pass-std-by-version'),
    P([INTERMEDIARY], [R('2.0.0')], ('feature/graphs', SHAS), [], id='RT607-pass-feature-map'),
    P([INTERMEDIARY], [R('2.0.0')], ('feature/graphs', '2.0.0'), [('RT607', 10)], id='RT607-feature-by-version'),
])
def test_branch_located_by_commits(repo: DataRepo, head: list[str], releases: list[str], branch: tuple[str, str],
                                   expected: list[tuple[str, int]]) -> None:
    text = doc(*head, releases=releases, tail='repository-settings:\n  openstack/nova: {}\n' + _branch(*branch))
    rel = repo.write('gazpacho', 'nova', text)
    assert only(repo.findings(rel), 'RT606', 'RT607') == expected


# -- Real merged requests that must pass --------------------------------------------------------------------

@pytest.fixture
def real(git_repo: DataRepo) -> DataRepo:
    """A data repository under git with the real series table (35 series, bobcat end of life)."""
    table = (FIXTURES / 'series_status.yaml').read_text()
    (git_repo.root / 'data' / 'series_status.yaml').write_text(table)
    for series in yaml.safe_load(table):
        (git_repo.root / 'deliverables' / series['name']).mkdir(parents=True, exist_ok=True)
    git_repo.commit('the real series table')
    return git_repo


def replay(data: DataRepo, rel: str, base: str) -> str:
    """Commit ``base`` as ``rel``, then put the real file in the working tree; return the real text."""
    text = (FIXTURES / rel).read_text()
    assert base != text
    path = data.root / 'deliverables' / rel
    path.write_text(base)
    data.commit('before the request')
    path.write_text(text)
    return text


def without_last_release(text: str, version: str) -> str:
    """The file before the request that appended its last release ``version``."""
    head, sep, _ = text.partition(f'  - version: {version}\n')
    assert sep
    return head[:-len('releases:\n')] + 'releases: []\n' if head.endswith('releases:\n') else head


def test_real_eol_straggler_in_an_end_of_life_series(real: DataRepo) -> None:
    """grenade's 2023.2-eol, tagged after bobcat was already end of life (RT402 rejected it)."""
    text = (FIXTURES / 'bobcat/grenade.yaml').read_text()
    replay(real, 'bobcat/grenade.yaml', without_last_release(text, '2023.2-eol'))
    assert real.findings(base='HEAD') == []


def test_real_last_tag_of_a_tempest_plugin_in_an_end_of_life_series(real: DataRepo) -> None:
    """barbican-tempest-plugin's 2023.2-last in the end-of-life bobcat (RT402 rejected it)."""
    text = (FIXTURES / 'bobcat/barbican-tempest-plugin.yaml').read_text()
    replay(real, 'bobcat/barbican-tempest-plugin.yaml', without_last_release(text, '2023.2-last'))
    assert real.findings(base='HEAD') == []


def test_eom_in_an_end_of_life_series_is_still_refused(real: DataRepo) -> None:
    """Only -eol and -last come after end of life: -eom marked the move to unmaintained, before it."""
    text = (FIXTURES / 'bobcat/grenade.yaml').read_text()
    base = without_last_release(text, '2023.2-eol')
    real.write('bobcat', 'grenade', base, header=False)
    real.commit('before the request')
    real.write('bobcat', 'grenade', text.replace('2023.2-eol', '2023.2-eom'), header=False)
    assert real.findings(base='HEAD') == [('RT402', 14)]


def test_real_branch_inserted_before_an_existing_one(real: DataRepo) -> None:
    """ironic's bugfix/34.0 listed before stable/2026.1: branch order means nothing (RT303 rejected it)."""
    text = (FIXTURES / 'gazpacho/ironic.yaml').read_text()
    entry = '  - name: bugfix/34.0\n    location: 34.0.0\n'
    assert entry in text and text.index(entry) < text.index('  - name: stable/2026.1')
    replay(real, 'gazpacho/ironic.yaml', text.replace(entry, ''))
    assert real.findings(base='HEAD') == []


def test_release_inserted_before_an_existing_one_is_still_refused(real: DataRepo) -> None:
    text = (FIXTURES / 'gazpacho/ironic.yaml').read_text()
    real.write('gazpacho', 'ironic', text, header=False)
    real.commit('before the request')
    inserted = '  - version: 34.0.1\n    projects:\n      - repo: openstack/ironic\n        hash: ' + '3c' * 20 + '\n'
    real.write('gazpacho', 'ironic', text.replace('  - version: 35.0.0\n', inserted + '  - version: 35.0.0\n'),
               header=False)
    assert only(real.findings(base='HEAD'), 'RT303') == [('RT303', 56), ('RT303', 60)]


@pytest.mark.parametrize(('name', 'location', 'expected'), [
    P('stable/35.0', '35.0.0', [], id='pass-stable-named-after-its-line'),
    P('stable/35.0', '34.0.0', [('RT603', 67)], id='stable-line-from-another-line'),
    P('stable/2026.2', '35.0.1', [('RT602', 67)], id='another-series'),
])
def test_real_std_with_versions_stable_branch_names(real: DataRepo, name: str, location: str,
                                                    expected: list[tuple[str, int]]) -> None:
    """ironic is std-with-versions: its stable branches may be named after a version line."""
    text = (FIXTURES / 'gazpacho/ironic.yaml').read_text()
    real.write('gazpacho', 'ironic', text, header=False)
    real.commit('before the request')
    branch = f'  - name: {name}\n    location: {location}\n'
    real.write('gazpacho', 'ironic', text.replace('release-notes:', branch + 'release-notes:'), header=False)
    assert real.findings(base='HEAD') == expected


def test_std_stable_branch_named_after_a_version_is_refused(repo: DataRepo) -> None:
    rel = repo.write('gazpacho', 'nova', doc(INTERMEDIARY, releases=[R('2.0.0')], tail=_branch('stable/2.0', '2.0.0')))
    assert repo.findings(rel) == [('RT602', 8)]
