"""Project rules RT501-RT502: the repositories and commits of a release.

Snippets are in block style so that each project has its own line; the first
line of a snippet is line 4 of the file.
"""

from __future__ import annotations

import pytest

from tests.helpers import DataRepo

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
      """.rstrip(' ') + SETTINGS, [('RT501', 10)], id='RT501-not-in-repository-settings'),
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


@pytest.mark.parametrize(('snippet', 'expected'), PROJECT_CASES)
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
    [finding] = repo.report(rel).findings
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
