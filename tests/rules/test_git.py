"""Git rules RT701-RT707, run by ``validate`` against real repositories.

The source repository ``openstack/nova`` and the ``@NAME`` commit placeholders
are drawn in :mod:`releasetools.testing.sources`. Every data repository starts with
flamingo (1.0.0 @A, 1.0.1 @SA, stable/2025.2 at 1.0.0) and gazpacho (2.0.0 @C,
stable/2026.1 at 2.0.0); a case changes that base, commits it, then writes the
release request to the working tree. In a file from :func:`deliverable`,
release *n* is on line 7 + n.
"""

from __future__ import annotations

import pytest

from releasetools.testing.datarepo import DataRepo, git_findings, other_findings
from releasetools.testing.deliverables import deliverable, rel
from releasetools.testing.sources import GAZPACHO, HIBISCUS, Sources

#: The fixtures ``sources`` and ``data`` (conftest.py belongs to the other suites).

P = pytest.param
INDEPENDENT = 'deliverables/_independent/x.yaml'
TAGLESS = 'deliverables/gazpacho/nova-tagless.yaml'
RENAMED = 'deliverables/hibiscus/renamed.yaml'
TOML = 'deliverables/hibiscus/tomlpkg.yaml'

GAZ_BRANCH = ['{name: stable/2026.1, location: 2.0.0}']
#: A hibiscus final with no release candidate is RT210's in cycle-with-rc: these cases use this model.
INTERMEDIARY = 'cycle-with-intermediary'


def gaz(*releases: str, branches: list[str] = GAZ_BRANCH) -> str:
    """The gazpacho file: 2.0.0 @C (line 8), then ``releases`` (line 9 on), then its branch."""
    return deliverable([rel('2.0.0', '@C'), *releases], branches=branches)


def tagless(sha: str) -> str:
    """An untagged deliverable with a tagless stable/2026.1 (the branch is on line 10)."""
    return deliverable(extra='release-model: untagged\nstable-branch-type: tagless',
                       branches=[f'{{name: stable/2026.1, location: {{openstack/nova: {sha}}}}}'])


def E(check: str, path: str, line: int) -> tuple[str, str, int, str]:
    return (check, path, line, 'error')


def W(check: str, path: str, line: int) -> tuple[str, str, int, str]:
    return (check, path, line, 'warning')


HIB_300 = {HIBISCUS: deliverable([rel('3.0.0', '@M')])}
NO_GAZPACHO: dict[str, str | None] = {GAZPACHO: None}

CASES = [
    # -- RT701: the hash names a commit ----------------------------------------------------------------
    P({HIBISCUS: deliverable([rel('3.0.0.0b1', '@E')])}, None, [], id='RT701-pass-commit'),
    P({HIBISCUS: deliverable([rel('3.0.0.0b1', '@RANDOM')])}, None, [E('RT701', HIBISCUS, 8)], id='RT701-random'),
    P({HIBISCUS: deliverable([rel('3.0.0.0b1', '@tree-E')])}, None, [E('RT701', HIBISCUS, 8)], id='RT701-tree'),
    P({HIBISCUS: deliverable([rel('3.0.0.0b1', '@blob-setup.cfg')])}, None, [E('RT701', HIBISCUS, 8)],
      id='RT701-blob'),
    P({TAGLESS: tagless('@RANDOM')}, None, [E('RT701', TAGLESS, 10)], id='RT701-branch-map-missing'),
    # -- RT702: tags never move --------------------------------------------------------------------------
    P({GAZPACHO: deliverable([rel('2.0.0', '@C')])}, NO_GAZPACHO, [], id='RT702-pass-annotated-same-commit'),
    P({GAZPACHO: deliverable([rel('2.0.0', '@S1')])}, NO_GAZPACHO, [E('RT702', GAZPACHO, 8)],
      id='RT702-annotated-other-commit'),
    P({HIBISCUS: deliverable([rel('3.0.0', '@M')], model=INTERMEDIARY)}, None, [],
      id='RT702-pass-tag-of-tag-same-commit'),
    P({HIBISCUS: deliverable([rel('3.0.0', '@E')], model=INTERMEDIARY)}, None, [E('RT702', HIBISCUS, 8)],
      id='RT702-tag-of-tag-other-commit'),
    # -- RT703: forward only -----------------------------------------------------------------------------
    P({HIBISCUS: deliverable([rel('3.0.0', '@M'), rel('3.1.0', '@E')])}, HIB_300, [], id='RT703-pass-descends'),
    P({HIBISCUS: deliverable([rel('3.0.0', '@M'), rel('3.1.0', '@D')])}, HIB_300, [E('RT703', HIBISCUS, 9)],
      id='RT703-backwards'),
    P({HIBISCUS: deliverable([rel('3.0.0', '@M'), rel('3.1.0', '@U')])}, HIB_300,
      [E('RT703', HIBISCUS, 9), E('RT704', HIBISCUS, 9)], id='RT703-side-branch-without-previous'),
    # The first release of gazpacho follows flamingo's branch point 1.0.0 @A, not 1.0.1 @SA on stable/2025.2.
    P({GAZPACHO: deliverable([rel('2.0.0.0rc1', '@C')])}, NO_GAZPACHO, [], id='RT703-pass-first-of-series'),
    P({GAZPACHO: deliverable([rel('2.0.0.0rc1', '@R0')])}, NO_GAZPACHO, [E('RT703', GAZPACHO, 8)],
      id='RT703-first-of-series-before-branch-point'),
    # A patch release follows its own X.Y line (2.0.0 @C), not 2.1.0 @D released on master.
    P({GAZPACHO: deliverable([rel('2.0.0', '@C'), rel('2.1.0', '@D'), rel('2.0.1', '@S1')])},
      {GAZPACHO: deliverable([rel('2.0.0', '@C'), rel('2.1.0', '@D')])}, [], id='RT703-pass-patch-own-line'),
    # -- RT704: on the right branch ----------------------------------------------------------------------
    P({HIBISCUS: deliverable([rel('3.0.0.0b1', '@F')])}, None, [], id='RT704-pass-dev-merged-side-commit'),
    P({HIBISCUS: deliverable([rel('3.0.0.0b1', '@U')])}, None, [E('RT704', HIBISCUS, 8)],
      id='RT704-dev-unmerged-review'),
    P({GAZPACHO: gaz(rel('2.0.1', '@S1'))}, None, [], id='RT704-pass-maintained-on-stable'),
    P({GAZPACHO: gaz(rel('2.0.1', '@D'))}, None, [E('RT704', GAZPACHO, 9)], id='RT704-maintained-master-only'),
    P({INDEPENDENT: deliverable([rel('4.0.0', '@E')], model=None)}, None, [], id='RT704-pass-independent-master'),
    P({INDEPENDENT: deliverable([rel('4.0.0', '@U')], model=None)}, None, [E('RT704', INDEPENDENT, 8)],
      id='RT704-independent-unmerged'),
    # -- RT705: branch points ----------------------------------------------------------------------------
    P({GAZPACHO: gaz(branches=GAZ_BRANCH)}, {GAZPACHO: gaz(branches=[])},
      [], id='RT705-pass-existing-branch-contains-point'),
    P({GAZPACHO: gaz(rel('2.1.0', '@D'), branches=['{name: stable/2026.1, location: 2.1.0}'])},
      {GAZPACHO: gaz(rel('2.1.0', '@D'), branches=[])}, [E('RT705', GAZPACHO, 11)],
      id='RT705-existing-branch-elsewhere'),
    P({TAGLESS: tagless('@C')}, None, [], id='RT705-pass-tagless-on-master'),
    P({TAGLESS: tagless('@S1')}, None, [E('RT705', TAGLESS, 10)], id='RT705-tagless-not-on-master'),
    # -- RT706: package name -----------------------------------------------------------------------------
    P({HIBISCUS: deliverable([rel('3.0.0.0b1', '@E')], settings='{pypi-name: nova}')}, None, [],
      id='RT706-pass-same-name'),
    P({HIBISCUS: deliverable([rel('3.0.0.0b1', '@E')], settings='{pypi-name: python-nova}')}, None,
      [E('RT706', HIBISCUS, 8)], id='RT706-mismatch'),
    # 84 real files publish no artifact under a package name: nothing to compare.
    P({HIBISCUS: deliverable([rel('3.0.0.0b1', '@E')], settings='{pypi-name: python-nova}',
                             extra='release-model: cycle-with-rc\nartifact-link-mode: none')}, None, [],
      id='RT706-pass-artifact-link-mode-none'),
    P({RENAMED: deliverable([rel('1.0.0', '@renamed', 'openstack/renamed')], repo='openstack/renamed',
                            model=INTERMEDIARY)}, None,
      [E('RT706', RENAMED, 8)], id='RT706-basename-differs'),
    P({RENAMED: deliverable([rel('1.0.0', '@renamed', 'openstack/renamed')], repo='openstack/renamed',
                            settings='{pypi-name: os-renamed}', model=INTERMEDIARY)}, None, [],
      id='RT706-pass-pypi-name'),
    P({TOML: deliverable([rel('1.0.0', '@toml0', 'openstack/tomlpkg')], repo='openstack/tomlpkg',
                         model=INTERMEDIARY)}, None, [], id='RT706-pass-pyproject'),
    P({TOML: deliverable([rel('1.0.0', '@toml1', 'openstack/tomlpkg')], repo='openstack/tomlpkg',
                         model=INTERMEDIARY)}, None, [E('RT706', TOML, 8)], id='RT706-pyproject-mismatch'),
    # -- RT707: lower bounds in patch releases -----------------------------------------------------------
    P({HIBISCUS: deliverable([rel('3.0.0', '@M'), rel('3.0.1', '@E')])}, HIB_300, [E('RT707', HIBISCUS, 9)],
      id='RT707-dev-patch-raises'),
    P({GAZPACHO: gaz(rel('2.0.1', '@S2'))}, None, [W('RT707', GAZPACHO, 9)], id='RT707-maintained-patch-raises'),
    P({HIBISCUS: deliverable([rel('3.0.0', '@M'), rel('3.1.0', '@E')])}, HIB_300, [],
      id='RT707-pass-minor-raises'),
]


@pytest.mark.parametrize(('new', 'base', 'expected'), CASES)
def test_git_rules(data: DataRepo, sources: Sources, new: dict[str, str], base: dict[str, str | None] | None,
                   expected: list[tuple[str, str, int, str]]) -> None:
    data.request(sources, new, base)
    report = data.validate(sources.template)
    assert git_findings(report) == expected
    assert other_findings(report) == []
    assert report.skipped == []


# --- messages: what the user reads ---------------------------------------------------------------

def messages(data: DataRepo, sources: Sources, new: dict[str, str], base: dict[str, str | None] | None = None
             ) -> list[tuple[str, str, str | None]]:
    data.request(sources, new, base)
    report = data.validate(sources.template)
    return [(f.check, f.message, f.hint) for f in report.findings]


def test_message_missing_commit(data: DataRepo, sources: Sources) -> None:
    got = messages(data, sources, {HIBISCUS: deliverable([rel('3.0.0.0b1', '@RANDOM')])})
    assert got == [('RT701', f'{sources.expand("@RANDOM")} is not a commit of openstack/nova',
                    "was the change merged? copy the hash from the repository's branch")]


@pytest.mark.parametrize(('obj', 'kind'), [('tree-E', 'tree'), ('blob-setup.cfg', 'blob')])
def test_message_tree_or_blob(data: DataRepo, sources: Sources, obj: str, kind: str) -> None:
    got = messages(data, sources, {HIBISCUS: deliverable([rel('3.0.0.0b1', f'@{obj}')])})
    assert got == [('RT701', f'{sources[obj]} is a {kind} in openstack/nova, not a commit', None)]


def test_message_branch_location_missing(data: DataRepo, sources: Sources) -> None:
    got = messages(data, sources, {TAGLESS: tagless('@RANDOM')})
    assert got == [('RT701', f'{sources.expand("@RANDOM")} (location of stable/2026.1) is not a commit of '
                    'openstack/nova', None)]


def test_message_moved_tag_of_tag(data: DataRepo, sources: Sources) -> None:
    got = messages(data, sources, {HIBISCUS: deliverable([rel('3.0.0', '@E')], model=INTERMEDIARY)})
    assert got == [('RT702', f'tag 3.0.0 of openstack/nova already points at {sources["M"]}, not {sources["E"]}',
                    f'use hash {sources["M"]}, or a new version')]


def test_message_backwards(data: DataRepo, sources: Sources) -> None:
    got = messages(data, sources, {HIBISCUS: deliverable([rel('3.0.0', '@M'), rel('3.1.0', '@D')])}, HIB_300)
    assert got == [('RT703', f'{sources["D"]} does not descend from 3.0.0 ({sources["M"][:12]}) in openstack/nova',
                    'release a commit that contains the previous release')]


def test_message_first_of_series_names_the_branch_point(data: DataRepo, sources: Sources) -> None:
    got = messages(data, sources, {GAZPACHO: deliverable([rel('2.0.0.0rc1', '@R0')])}, NO_GAZPACHO)
    assert got == [('RT703', f'{sources["R0"]} does not descend from 1.0.0 ({sources["A"][:12]}) in openstack/nova',
                    'release a commit that contains the previous release')]


def test_message_not_on_stable(data: DataRepo, sources: Sources) -> None:
    got = messages(data, sources, {GAZPACHO: gaz(rel('2.0.1', '@D'))})
    assert got == [('RT704', f'{sources["D"][:12]} is not on stable/2026.1 of openstack/nova',
                    'release a commit merged on that branch')]


def test_message_branch_points(data: DataRepo, sources: Sources) -> None:
    got = messages(data, sources, {TAGLESS: tagless('@S1')})
    assert got == [('RT705', f'the branch point {sources["S1"][:12]} of stable/2026.1 is not on master of '
                    'openstack/nova', None)]


def test_message_branch_exists_elsewhere(data: DataRepo, sources: Sources) -> None:
    new = gaz(rel('2.1.0', '@D'), branches=['{name: stable/2026.1, location: 2.1.0}'])
    got = messages(data, sources, {GAZPACHO: new}, {GAZPACHO: gaz(rel('2.1.0', '@D'), branches=[])})
    assert got == [('RT705', f'stable/2026.1 of openstack/nova exists but does not contain {sources["D"][:12]}',
                    'the branch was cut elsewhere: correct the location')]


def test_message_package_name(data: DataRepo, sources: Sources) -> None:
    got = messages(data, sources, {TOML: deliverable([rel('1.0.0', '@toml1', 'openstack/tomlpkg')],
                                                     repo='openstack/tomlpkg', model=INTERMEDIARY)})
    assert got == [('RT706', f"openstack/tomlpkg at {sources.toml[1][:12]} builds package 'other-pkg', not "
                    "'tomlpkg'", 'set pypi-name/tarball-base in repository-settings to match')]


@pytest.mark.parametrize(('new', 'base', 'expected'), [
    P({HIBISCUS: deliverable([rel('3.0.0', '@M'), rel('3.0.1', '@E')])}, HIB_300,
      ('error', '3.0.1 is a patch release but raises minimum requirements of openstack/nova since 3.0.0: '
                'oslo-config 9.0.0 -> 9.2.0'), id='development'),
    P({GAZPACHO: gaz(rel('2.0.1', '@S2'))}, None,
      ('warning', '2.0.1 is a patch release but raises minimum requirements of openstack/nova since 2.0.0: '
                  'oslo-config 9.0.0 -> 9.1.0'), id='maintained'),
])
def test_message_requirements(data: DataRepo, sources: Sources, new: dict[str, str],
                              base: dict[str, str | None] | None, expected: tuple[str, str]) -> None:
    data.request(sources, new, base)
    report = data.validate(sources.template)
    assert [(str(f.severity), f.message) for f in report.findings] == [expected]
    assert bool(report.errors) is (expected[0] == 'error')


# --- what is only new is checked ---------------------------------------------------------------

def test_only_new_entries_are_checked(data: DataRepo, sources: Sources) -> None:
    """2.1.0 @D at the base is off stable/2026.1, but it was released already: only 2.0.1 is checked."""
    base = {GAZPACHO: gaz(rel('2.1.0', '@D'), branches=[])}
    data.request(sources, {GAZPACHO: gaz(rel('2.1.0', '@D'), rel('2.0.1', '@S1'), branches=[])}, base)
    report = data.validate(sources.template)
    assert report.findings == []
    assert report.skipped == []


def test_rules_run_against_the_mirror_too(data: DataRepo, sources: Sources) -> None:
    """A bare mirror answers like the repository it mirrors."""
    data.request(sources, {HIBISCUS: deliverable([rel('3.0.0', '@M'), rel('3.1.0', '@U')])}, HIB_300)
    report = data.validate(f'{sources.mirror_parent}/{{repo}}')
    assert git_findings(report) == [E('RT703', HIBISCUS, 9), E('RT704', HIBISCUS, 9)]
    assert report.skipped == []
