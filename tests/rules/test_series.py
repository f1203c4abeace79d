"""Series rules RT401-RT404.

RT402 and RT404 look at what a change adds, so they run against a real git
repository: the base state is committed, the working tree adds releases and
``validate --base HEAD`` checks the difference. Release *n* is on line 5 + n.
"""

from __future__ import annotations

import pytest

from releasetools.testing.datarepo import DataRepo
from releasetools.testing.deliverables import R, doc

P = pytest.param
RC = 'release-model: cycle-with-rc'
INTERMEDIARY = 'release-model: cycle-with-intermediary'
FLAMINGO_BRANCH = 'branches: [{name: stable/2025.2, location: 1.0.0}]'
EPOXY_BRANCH = 'branches: [{name: stable/2025.1, location: 1.0.0}]'
TAGLESS_BRANCH = """
stable-branch-type: tagless
branches:
  - name: stable/2026.1
    location: {openstack/nova: $1}
"""


# -- RT401: the series exists --------------------------------------------------------

@pytest.mark.parametrize(('series', 'expected', 'hint'), [
    P('hibiscus', [], None, id='pass-listed'),
    P('_independent', [], None, id='pass-independent'),
    P('hibiscos', [('RT401', 1)], "did you mean 'hibiscus'?", id='typo'),
    P('zed', [('RT401', 1)], 'add the series to data/series_status.yaml first', id='unknown'),
])
def test_series_exists(repo: DataRepo, series: str, expected: list[tuple[str, int]], hint: str | None) -> None:
    head = 'release-type: python-pypi' if series == '_independent' else RC
    rel = repo.write(series, 'nova', doc(head))
    report = repo.report(rel)
    assert sorted((f.check, f.line) for f in report.findings) == expected
    assert [f.hint for f in report.findings] == ([hint] if hint else [])


# -- RT402: only open series take new releases ---------------------------------------------

@pytest.mark.parametrize(('series', 'head', 'before', 'added', 'expected'), [
    P('hibiscus', [RC], [], [R('3.0.0.0rc1')], [], id='pass-development'),
    P('gazpacho', [RC], [R('2.0.0')], [R('2.0.1')], [], id='pass-maintained'),
    P('flamingo', [RC], [R('1.0.0')], [R('1.0.1')], [('RT402', 7)], id='unmaintained'),
    P('flamingo', [RC, FLAMINGO_BRANCH], [R('1.0.0')], [R('2025.2-eol')], [], id='pass-unmaintained-closing-tag'),
    P('epoxy', [RC], [R('1.0.0')], [R('1.0.1')], [('RT402', 7)], id='end-of-life'),
    # The release team tags -eol stragglers after declaring the series end of life (real: bobcat,
    # tests/rules/test_release_models.py); -eom belongs to the move to unmaintained, before that.
    P('epoxy', [RC, EPOXY_BRANCH], [R('1.0.0')], [R('2025.1-eol')], [], id='pass-end-of-life-eol-straggler'),
    P('epoxy', [RC, EPOXY_BRANCH], [R('1.0.0')], [R('2025.1-eom')], [('RT402', 8)], id='end-of-life-eom'),
    P('indri', [RC], [], [R('4.0.0.0b1')], [('RT402', 6)], id='future'),
    P('flamingo', [RC, 'stable-status: maintained'], [R('1.0.0')], [R('1.0.1')], [],
      id='pass-stable-status-overrides'),
    P('gazpacho', [RC, 'stable-status: end of life'], [R('2.0.0')], [R('2.0.1')], [('RT402', 8)],
      id='stable-status-closes'),
    P('_independent', ['release-type: python-pypi'], [R('1.0.0')], [R('1.0.1')], [],
      id='pass-independent'),
])
def test_series_open(git_repo: DataRepo, series: str, head: list[str], before: list[str],  # noqa: PLR0917
                     added: list[str], expected: list[tuple[str, int]]) -> None:
    if before:
        git_repo.write(series, 'nova', doc(*head, releases=before))
        git_repo.commit()
    rel = git_repo.write(series, 'nova', doc(*head, releases=[*before, *added]))
    assert git_repo.findings(base='HEAD') == expected
    # The rule needs a base: --all checks content only.
    assert git_repo.findings(rel, all=True) == [f for f in expected if f[0] != 'RT402']


def test_series_open_message(git_repo: DataRepo) -> None:
    git_repo.write('flamingo', 'nova', doc(RC, releases=[R('1.0.0')]))
    git_repo.commit()
    git_repo.write('flamingo', 'nova', doc(RC, releases=[R('1.0.0'), R('1.0.1')]))
    [finding] = git_repo.report(base='HEAD').findings
    assert (finding.check, finding.line) == ('RT402', 7)
    assert finding.message == "flamingo is 'unmaintained' and takes no new release such as 1.0.1"


def test_series_without_status_says_the_status_is_missing(git_repo: DataRepo) -> None:
    """Not "gazpacho is '' and takes no new release": the status is missing, where, and how to fix it."""
    table = git_repo.root / 'data' / 'series_status.yaml'
    text = table.read_text()
    entry_line = text[:text.index('- name: gazpacho')].count('\n') + 1
    table.write_text(text.replace('  status: maintained\n', '', 1))
    git_repo.write('gazpacho', 'nova', doc(RC, releases=[R('2.0.0')]))
    git_repo.commit()
    git_repo.write('gazpacho', 'nova', doc(RC, releases=[R('2.0.0'), R('2.0.1')]))
    [finding] = git_repo.report(base='HEAD').findings
    assert (finding.check, finding.line) == ('RT402', 7)
    assert finding.message == f"series 'gazpacho' has no status (data/series_status.yaml:{entry_line})"
    assert finding.hint is not None and 'status: development' in finding.hint


# -- RT403: untagged deliverables have no releases -------------------------------------------

@pytest.mark.parametrize(('releases', 'expected'), [
    P([], [], id='pass-no-releases'),
    P([R('2026.1-eol')], [], id='pass-closing-tag'),
    P([R('2.0.0'), R('2026.1-eol')], [('RT403', 6)], id='release'),
])
def test_untagged_has_no_releases(repo: DataRepo, releases: list[str], expected: list[tuple[str, int]]) -> None:
    rel = repo.write('gazpacho', 'devstack', doc('release-model: untagged', releases=releases, tail=TAGLESS_BRANCH))
    assert repo.findings(rel) == expected


# -- RT404: abandoned deliverables take no new release ------------------------------------------

@pytest.mark.parametrize(('model', 'added', 'expected'), [
    P('release-model: abandoned', [], [], id='pass-nothing-new'),
    P('release-model: abandoned', [R('2026.1-eol')], [], id='pass-closing-tag'),
    P('release-model: abandoned', [R('2.0.1')], [('RT404', 7)], id='new-release'),
    P(INTERMEDIARY, [R('2.0.1')], [], id='pass-not-abandoned'),
])
def test_abandoned_takes_no_new_release(git_repo: DataRepo, model: str, added: list[str],
                                        expected: list[tuple[str, int]]) -> None:
    branch = 'branches:\n  - name: stable/2026.1\n    location: 2.0.0\n'  # closing tags close it (RT211)
    git_repo.write('gazpacho', 'nova', doc(model, releases=[R('2.0.0')], tail=branch))
    git_repo.commit()
    rel = git_repo.write('gazpacho', 'nova', doc(model, releases=[R('2.0.0'), *added], tail=branch))
    assert git_repo.findings(base='HEAD') == expected
    # Its past releases are history, not new releases: --all does not report them.
    assert git_repo.findings(rel, all=True) == []


def test_reopening_a_series_in_the_same_request_does_not_open_it(git_repo: DataRepo) -> None:
    git_repo.write('flamingo', 'nova', doc(RC, releases=[R('1.0.0')]))
    git_repo.commit()
    git_repo.write('flamingo', 'nova', doc(RC, 'stable-status: maintained', releases=[R('1.0.0'), R('1.0.1', '$2')]))
    assert git_repo.findings(base='HEAD') == [('RT402', 8)]
