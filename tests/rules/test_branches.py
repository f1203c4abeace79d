"""Branch rules RT601-RT604.

Every file here has releases 2.0.0 and 2.1.0 (lines 6 and 7) and then the
``branches:`` key on line 8, so branch *n* is on line 7 + 2n (block style).
"""

from __future__ import annotations

import pytest

from releasetools.testing.datarepo import DataRepo
from releasetools.testing.deliverables import R, doc

P = pytest.param
RELEASES = [R('2.0.0', '$1'), R('2.1.0', '$2'), R('2026.1-eom', '$2')]


def body(head: str, branches: list[tuple[str, str]], releases: list[str] = RELEASES[:2]) -> str:
    tail = 'branches:\n' + ''.join(f'  - name: {n}\n    location: {loc}\n' for n, loc in branches)
    return doc(head, releases=releases, tail=tail)


NOVA_SHAS = '{openstack/nova: ' + '1a' * 20 + '}'

BRANCH_CASES = [
    # -- RT601: prefixes ---------------------------------------------------------------------
    P('gazpacho', 'release-model: cycle-with-rc',
      [('stable/2026.1', '2.1.0'), ('feature/graphs', NOVA_SHAS), ('bugfix/2.0', '2.0.0')], [],
      id='RT601-pass-known-prefixes'),
    P('gazpacho', 'release-model: cycle-with-rc', [('driverfixes/gazpacho', '2.1.0')], [('RT601', 9)],
      id='RT601-driverfixes'),
    P('gazpacho', 'release-model: cycle-with-rc', [('master', '2.1.0')], [('RT601', 9)], id='RT601-no-prefix'),
    # driverfixes/ is history the team accepted (mitaka's manila): valid in a closed series only.
    P('epoxy', 'release-model: cycle-with-rc', [('driverfixes/epoxy', '2.1.0')], [], id='RT601-pass-legacy-closed'),
    P('flamingo', 'release-model: cycle-with-rc', [('driverfixes/flamingo', '2.1.0')], [],
      id='RT601-pass-legacy-unmaintained'),
    P('epoxy', 'release-model: cycle-with-rc', [('hotfix/epoxy', '2.1.0')], [('RT601', 9)],
      id='RT601-closed-series-other-prefix'),
    # A tagless branch located by a version is RT606's finding alone, not RT603's too.
    P('gazpacho', 'release-model: cycle-with-intermediary\nstable-branch-type: tagless',
      [('stable/gazpacho', '1.0.0')], [('RT606', 10)], id='RT603-steps-aside-for-RT606'),
    # -- RT602: named after the series --------------------------------------------------------
    P('gazpacho', 'release-model: cycle-with-rc', [('stable/gazpacho', '2.1.0')], [], id='RT602-pass-name'),
    P('gazpacho', 'release-model: cycle-with-rc', [('stable/2026.2', '2.1.0')], [('RT602', 9)],
      id='RT602-other-series'),
    P('gazpacho', 'release-model: cycle-with-rc', [('stable/2.1', '2.1.0')], [('RT602', 9)],
      id='RT602-version-not-series'),
    P('gazpacho', 'release-model: cycle-with-rc', [('unmaintained/flamingo', '2.1.0')], [('RT602', 9)],
      id='RT602-unmaintained-other-series'),
    P('_independent', 'release-type: python-pypi', [('stable/2.1', '2.1.0')], [],
      id='RT602-pass-independent-names-freely'),
    # -- RT603: locations -------------------------------------------------------------------
    P('gazpacho', 'release-model: cycle-with-rc', [('stable/2026.1', '2.2.0')], [('RT603', 9)],
      id='RT603-version-not-released'),
    P('gazpacho', 'release-model: cycle-with-rc', [('bugfix/2.1', '2.0.0')], [('RT603', 9)],
      id='RT603-bugfix-from-another-line'),
    P('gazpacho', 'release-model: cycle-with-rc', [('stable/2026.1', NOVA_SHAS)], [], id='RT603-pass-map'),
    P('gazpacho', 'release-model: cycle-with-rc', [('stable/2026.1', '{openstack/nova: 1a1a1a}')], [('RT603', 9)],
      id='RT603-short-sha-in-map'),
    P('gazpacho', 'release-model: cycle-with-rc', [('stable/2026.1', NOVA_SHAS.replace('nova', 'neutron'))],
      [('RT603', 9)], id='RT603-map-names-another-repository'),
    # -- RT604: deliverables that do not branch ----------------------------------------------
    P('gazpacho', 'release-model: cycle-with-rc\nstable-branch-type: none', [('feature/graphs', NOVA_SHAS)], [],
      id='RT604-pass-feature-branch'),
    P('gazpacho', 'release-model: cycle-with-rc\nstable-branch-type: none', [('stable/2026.1', '2.1.0')],
      [('RT604', 10)], id='RT604-none'),
]


@pytest.mark.parametrize(('series', 'head', 'branches', 'expected'), BRANCH_CASES)
def test_branch_rules(repo: DataRepo, series: str, head: str, branches: list[tuple[str, str]],
                      expected: list[tuple[str, int]]) -> None:
    rel = repo.write(series, 'nova', body(head, branches))
    assert repo.findings(rel) == expected


@pytest.mark.parametrize(('location', 'expected'), [
    P(NOVA_SHAS, [], id='pass'),
    P('{openstack/nova: master}', [('RT603', 10)], id='branch-name-not-sha'),
])
def test_tagless_branch_location(repo: DataRepo, location: str, expected: list[tuple[str, int]]) -> None:
    """An untagged deliverable has no release to branch from: its branches name commits."""
    rel = repo.write('gazpacho', 'devstack', doc('release-model: untagged', 'stable-branch-type: tagless', tail=f"""
        repository-settings:
          openstack/nova: {{}}
        branches:
          - name: stable/2026.1
            location: {location}
        """))
    assert repo.findings(rel) == expected


def test_unmaintained_branch_from_the_eom_tag(repo: DataRepo) -> None:
    rel = repo.write('gazpacho', 'nova', doc('release-model: cycle-with-rc', releases=RELEASES, tail="""
        branches:
          - name: stable/2026.1
            location: 2.1.0
          - name: unmaintained/2026.1
            location: 2026.1-eom
        """))
    assert repo.findings(rel) == []


def test_series_name_hint_prefers_the_release_id(repo: DataRepo) -> None:
    rel = repo.write('gazpacho', 'nova', body('release-model: cycle-with-rc', [('stable/hibiscus', '2.1.0')]))
    [finding] = repo.report(rel).findings
    assert (finding.check, finding.hint) == ('RT602', 'call it stable/2026.1')


@pytest.mark.parametrize(('branch', 'expected'), [
    P('feature/tests', [], id='pass-feature'),
    P('stable/2026.1', [('RT604', 9)], id='stable'),
])
def test_tempest_plugins_do_not_branch(repo: DataRepo, branch: str, expected: list[tuple[str, int]]) -> None:
    location = NOVA_SHAS if branch.startswith('feature/') else '2.1.0'  # RT607: feature branches name commits
    text = body('release-model: cycle-with-intermediary', [(branch, location)])
    rel = repo.write('gazpacho', 'nova-tempest-plugin',
                     'team: nova\ntype: tempest-plugin\nlaunchpad: nova\n' + text, header=False)
    assert repo.findings(rel) == expected


def test_branch_rules_see_only_new_branches(git_repo: DataRepo) -> None:
    git_repo.write('gazpacho', 'nova', body('release-model: cycle-with-rc', [('driverfixes/gazpacho', '2.1.0')]))
    git_repo.commit()
    assert git_repo.findings(base='HEAD') == []
    git_repo.write('gazpacho', 'nova', body('release-model: cycle-with-rc',
                                            [('driverfixes/gazpacho', '2.1.0'), ('stable/zed', '2.1.0')]))
    assert git_repo.findings(base='HEAD') == [('RT602', 11)]
