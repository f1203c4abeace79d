"""Project rules RT501-RT504: the repositories and commits of a release.

Snippets are in block style so that each project has its own line; the first
line of a snippet is line 4 of the file.
"""

from __future__ import annotations

import pytest

from releasetools.testing.datarepo import DataRepo

P = pytest.param

SETTINGS = """\
      repository-settings:
        openstack/nova: {}
        openstack/placement: {}
"""

PROJECT_CASES = [
    # -- RT501: repositories are known, once per release ----------------------------------
    P("""
      release-model: cycle-with-rc
      releases:
        - version: 3.0.0.0rc1
          projects:
            - repo: openstack/nova
              hash: $1
            - repo: openstack/placement
              hash: $2
      """.rstrip(' ') + SETTINGS, [], id='RT501-pass-listed'),
    P("""
      release-model: cycle-with-rc
      releases:
        - version: 3.0.0.0rc1
          projects:
            - repo: openstack/nova
              hash: $1
            - repo: openstack/novaclient
              hash: $2
      """.rstrip(' ') + SETTINGS, [('RT501', 10), ('RT503', 6)], id='RT501-not-in-repository-settings'),
    P("""
      release-model: cycle-with-rc
      releases:
        - version: 3.0.0.0rc1
          projects:
            - repo: openstack/novaclient
              hash: $2
      """, [], id='RT501-pass-no-repository-settings'),
    P("""
      release-model: cycle-with-rc
      releases:
        - version: 3.0.0.0rc1
          projects:
            - repo: openstack/nova
              hash: $1
            - repo: openstack/nova
              hash: $2
      """, [('RT501', 10)], id='RT501-repo-twice'),
    # -- RT502: hash format ------------------------------------------------------------
    P("""
      release-model: cycle-with-rc
      releases:
        - version: 3.0.0.0rc1
          projects:
            - repo: openstack/nova
              hash: 0123456789abcdef0123456789abcdef01234567
      """, [], id='RT502-pass'),
    P("""
      release-model: cycle-with-rc
      releases:
        - version: 3.0.0.0rc1
          projects:
            - repo: openstack/nova
              hash: 0123456789ABCDEF0123456789ABCDEF01234567
            - repo: openstack/placement
              hash: 0123abc
            - repo: openstack/os-vif
              hash: master
      """, [('RT502', 8), ('RT502', 10), ('RT502', 12)], id='RT502-upper-short-name'),
]

COVERAGE_CASES = [
    # -- RT503: a release names every active repository --------------------------------
    P("""
      release-model: cycle-with-rc
      releases:
        - version: 3.0.0.0rc1
          projects:
            - repo: openstack/nova
              hash: $1
        - version: 3.0.0.0rc2
          projects:
            - repo: openstack/nova
              hash: $1
            - repo: openstack/placement
              hash: $2
      """.rstrip(' ') + SETTINGS, [('RT503', 6)], id='RT503-release-leaves-out-a-repository'),
    # Excerpt of deliverables/gazpacho/kayobe.yaml: the config repositories are
    # flagged and left out of 20.1.0, as the release team merged it.
    P("""
      release-model: cycle-with-intermediary
      repository-settings:
        openstack/kayobe: {}
        openstack/kayobe-config:
          flags:
            - no-artifact-build-job
        openstack/kayobe-config-dev:
          flags:
            - no-artifact-build-job
        openstack/kayobe-old:
          flags:
            - retired
      releases:
        - version: 20.1.0
          projects:
            - repo: openstack/kayobe
              hash: $1
      """, [], id='RT503-pass-flagged-repositories-left-out'),
    # -- RT504: release-notes keyed by the deliverable's repositories --------------------
    P("""
      release-model: cycle-with-rc
      release-notes:
        openstack/nova: https://docs.openstack.org/releasenotes/nova/
        openstack/placment: https://docs.openstack.org/releasenotes/placement/
      releases:
        - version: 3.0.0.0rc1
          projects:
            - repo: openstack/nova
              hash: $1
            - repo: openstack/placement
              hash: $2
      """, [('RT504', 7)], id='RT504-notes-for-an-unknown-repository'),
    P("""
      release-model: cycle-with-rc
      release-notes:
        openstack/nova: https://docs.openstack.org/releasenotes/nova/
        openstack/placement: https://docs.openstack.org/releasenotes/placement/
      releases: []
      """.rstrip(' ') + SETTINGS, [], id='RT504-pass-repositories-of-settings'),
]


def test_release_notes_hint_names_the_repository(repo: DataRepo) -> None:
    rel = repo.write('hibiscus', 'nova', """
        release-notes:
          openstack/novaa: https://docs.openstack.org/releasenotes/nova/
        repository-settings:
          openstack/nova: {}
        """)
    [finding] = [f for f in repo.report(rel).findings if f.severity == 'error']
    assert (finding.check, finding.line) == ('RT504', 5)
    assert "'openstack/nova'" in (finding.hint or '')


@pytest.mark.parametrize(('snippet', 'expected'), PROJECT_CASES + COVERAGE_CASES)
def test_project_rules(repo: DataRepo, snippet: str, expected: list[tuple[str, int]]) -> None:
    rel = repo.write('hibiscus', 'nova', snippet)
    assert repo.findings(rel) == expected


def test_hash_hints(repo: DataRepo) -> None:
    rel = repo.write('hibiscus', 'nova', PROJECT_CASES[-1].values[0])
    hints = [f.hint for f in sorted(repo.report(rel).findings, key=lambda f: f.line)]
    assert hints == ['use lowercase hex digits', 'give the full commit id (git rev-parse <commit>)',
                     'give the full commit id (git rev-parse <commit>)']


def test_unknown_repo_hint(repo: DataRepo) -> None:
    rel = repo.write('hibiscus', 'nova', PROJECT_CASES[1].values[0])
    [finding] = [f for f in repo.report(rel).findings if f.check == 'RT501']
    assert finding.hint == 'add "openstack/novaclient: {}" under repository-settings, or fix the name'


def test_project_rules_see_only_new_releases(git_repo: DataRepo) -> None:
    """A short hash released long ago is history; a new one is an error."""
    old = """
      release-model: cycle-with-rc
      releases:
        - version: 2.0.0
          projects:
            - repo: openstack/nova
              hash: abc1234
      """
    new = old.rstrip(' ') + """\
        - version: 2.0.1
          projects:
            - repo: openstack/nova
              hash: def5678
      """
    git_repo.write('gazpacho', 'nova', old)
    git_repo.commit()
    assert git_repo.findings(base='HEAD') == []
    git_repo.write('gazpacho', 'nova', new)
    assert git_repo.findings(base='HEAD') == [('RT502', 12)]
    assert git_repo.findings(all=True) == [('RT502', 8), ('RT502', 12)]
