"""Schema rules RT101-RT107: keys, value types, enumerations, required keys.

Snippets go after the three header lines (team, type, launchpad): the first
line of a snippet is line 4 of the file.
"""

from __future__ import annotations

import pytest

from releasetools.core.findings import Severity
from releasetools.testing.datarepo import DataRepo

P = pytest.param

SCHEMA_CASES = [
    # -- RT101: unknown keys ---------------------------------------------------
    P("""
      release-model: cycle-with-rc
      release-notes: https://docs.openstack.org/releasenotes/nova/
      repository-settings:
        openstack/nova: {}
      """, [], id='RT101-pass-known-keys'),
    P("""
      release-model: cycle-with-rc
      relase-notes: https://docs.openstack.org/releasenotes/nova/
      """, [('RT101', 5)], id='RT101-top-level-typo'),
    P("""
      release-model: cycle-with-rc
      releases:
        - version: 3.0.0
          diff_start: 2.0.0
          projects:
            - repo: openstack/nova
              hash: $1
              hsh: $1
      """, [('RT101', 7), ('RT101', 11)], id='RT101-in-release-and-project'),
    P("""
      release-model: cycle-with-rc
      releases:
        - version: 3.0.0
          projects:
            - repo: openstack/nova
              hash: $1
      branches:
        - name: stable/2026.2
          location: 3.0.0
          from: master
      repository-settings:
        openstack/nova:
          pypi_name: nova
      """, [('RT101', 13), ('RT101', 16)], id='RT101-in-branch-and-repository-settings'),
    # -- RT102: value types ----------------------------------------------------
    P("""
      release-model: cycle-with-rc
      include-pypi-link: true
      storyboard: 760
      cycle-highlights:
        - Faster scheduling.
      """, [], id='RT102-pass-types'),
    P("""
      release-model: cycle-with-rc
      include-pypi-link: 'yes'
      """, [('RT102', 5)], id='RT102-bool-as-string'),
    P("""
      release-model: cycle-with-rc
      releases:
        version: 3.0.0
      """, [('RT102', 5)], id='RT102-releases-not-a-list'),
    P("""
      release-model: cycle-with-rc
      releases:
        - 3.0.0
        - version: 3.0.1
          projects: openstack/nova
      """, [('RT102', 6), ('RT102', 8)], id='RT102-release-not-a-mapping-and-projects-not-a-list'),
    P("""
      release-model: cycle-with-rc
      repository-settings:
        openstack/nova:
          flags: retired
      """, [('RT102', 7)], id='RT102-flags-not-a-list'),
    P("""
      release-model: cycle-with-rc
      branches:
        - name: stable/2026.2
          location:
            openstack/nova: 42
      """, [('RT102', 7), ('RT603', 6)], id='RT102-location-map-of-non-strings'),
    # -- RT103: enumerations ---------------------------------------------------
    P("""
      release-model: cycle-with-intermediary
      release-type: python-pypi
      stable-branch-type: std-with-versions
      artifact-link-mode: none
      stable-status: maintained
      repository-settings:
        openstack/nova:
          flags: [no-artifact-build-job, retired]
      """, [], id='RT103-pass-known-values'),
    P("""
      release-model: cycle-with-rcs
      release-type: pypi
      stable-branch-type: tagles
      """, [('RT103', 4), ('RT103', 5), ('RT103', 6)], id='RT103-unknown-values'),
    P("""
      release-model: cycle-with-rc
      releases:
        - version: 3.0.0
          flags: [forcd]
          projects:
            - repo: openstack/nova
              hash: $1
      """, [('RT103', 7)], id='RT103-unknown-release-flag'),
    # -- RT104: required keys --------------------------------------------------
    P("""
      release-model: cycle-with-rc
      releases:
        - version: 3.0.0
          projects:
            - repo: openstack/nova
              hash: $1
      branches:
        - name: stable/2026.2
          location: 3.0.0
      """, [], id='RT104-pass-complete'),
    P("""
      releases: []
      """, [('RT108', 1)], id='RT108-no-release-model-in-a-series'),
    P("""
      release-model: cycle-with-rc
      releases:
        - version: 3.0.0
        - version: 3.0.1
          projects:
            - repo: openstack/nova
      branches:
        - name: stable/2026.2
      """, [('RT104', 6), ('RT104', 9), ('RT104', 11)], id='RT104-release-project-branch-incomplete'),
    # -- RT105: versions are strings ---------------------------------------------
    P("""
      release-model: cycle-with-intermediary
      releases:
        - version: '1.10.0'
          projects:
            - repo: openstack/nova
              hash: $1
      """, [], id='RT105-pass-quoted'),
    P("""
      release-model: cycle-with-intermediary
      releases:
        - version: 1.10
          projects:
            - repo: openstack/nova
              hash: $1
        - version: 2
          projects:
            - repo: openstack/nova
              hash: $2
      """, [('RT105', 6), ('RT105', 10)], id='RT105-float-and-int'),
]


@pytest.mark.parametrize(('snippet', 'expected'), SCHEMA_CASES)
def test_schema_rules(repo: DataRepo, snippet: str, expected: list[tuple[str, int]]) -> None:
    rel = repo.write('hibiscus', 'nova', snippet)
    # The snippets' bare hibiscus finals without a release candidate are RT210's, not the schema's.
    assert [f for f in repo.findings(rel) if f[0] != 'RT210'] == expected


def _one(repo: DataRepo, rel: str, check: str):
    found = [f for f in repo.report(rel).findings if f.check == check]
    assert len(found) == 1, found
    return found[0]


def test_unknown_key_hint_names_the_closest_key(repo: DataRepo) -> None:
    rel = repo.write('hibiscus', 'nova', 'release-model: cycle-with-rc\nrelase-notes: https://example.org\n')
    finding = _one(repo, rel, 'RT101')
    assert (finding.line, finding.severity) == (5, Severity.ERROR)
    assert "'relase-notes'" in finding.message
    assert finding.hint is not None and "'release-notes'" in finding.hint


def test_enumeration_hint_names_the_closest_value(repo: DataRepo) -> None:
    rel = repo.write('hibiscus', 'nova', 'type: servce\nrelease-model: cycle-with-rc\nlaunchpad: nova\n',
                     header=False)
    finding = _one(repo, rel, 'RT103')
    assert finding.line == 1
    assert finding.hint == "did you mean 'service'?"


def test_float_version_hint_keeps_the_written_text(repo: DataRepo) -> None:
    """``version: 1.10`` is the float 1.1: the hint must quote what was written."""
    rel = repo.write('hibiscus', 'nova', """
        release-model: cycle-with-intermediary
        releases:
          - version: 1.10
            projects:
              - repo: openstack/nova
                hash: $1
        """)
    finding = _one(repo, rel, 'RT105')
    assert finding.line == 6
    assert "'1.10'" in (finding.hint or '')
    assert '1.1)' in finding.message  # what YAML made of it
    # The number is not coerced into a version: no version rule sees "1.1".
    assert [f.check for f in repo.report(rel).findings] == ['RT105']


@pytest.mark.parametrize(('text', 'expected'), [
    P('team: nova\ntype: service\nrelease-model: cycle-with-rc\nlaunchpad: nova\n', [], id='pass'),
    P('type: service\nrelease-model: cycle-with-rc\nlaunchpad: nova\n', [('RT104', 1)], id='no-team'),
    P('team: nova\nrelease-model: cycle-with-rc\nlaunchpad: nova\n', [('RT104', 1)], id='no-type'),
    P('release-model: cycle-with-rc\nlaunchpad: nova\n', [('RT104', 1), ('RT104', 1)], id='neither'),
])
def test_required_top_level_keys(repo: DataRepo, text: str, expected: list[tuple[str, int]]) -> None:
    rel = repo.write('hibiscus', 'nova', text, header=False)
    assert repo.findings(rel) == expected


# -- RT106: independent deliverables have no release model --------------------------

@pytest.mark.parametrize(('snippet', 'expected'), [
    P('releases: []\n', [], id='pass-no-model'),
    P('release-model: abandoned\n', [], id='pass-abandoned'),
    P('release-model: cycle-with-rc\n', [('RT106', 4)], id='cycle-model'),
    P('release-model: independent\n', [('RT106', 4)], id='independent-is-redundant'),
])
def test_independent_model(repo: DataRepo, snippet: str, expected: list[tuple[str, int]]) -> None:
    rel = repo.write('_independent', 'reno', snippet)
    assert repo.findings(rel) == expected


def test_independent_model_named_is_only_a_warning(repo: DataRepo) -> None:
    rel = repo.write('_independent', 'reno', 'release-model: independent\n')
    report = repo.report(rel)
    assert [(f.check, f.severity) for f in report.findings] == [('RT106', Severity.WARNING)]
    assert 'redundant' in report.findings[0].message


def test_independent_is_no_model_of_a_series(repo: DataRepo) -> None:
    """Only _independent/ may say independent: in a series it is not a release model (RT103)."""
    rel = repo.write('hibiscus', 'nova', 'release-model: independent\n')
    assert repo.findings(rel) == [('RT103', 4)]


# -- releases with no value ---------------------------------------------------------

@pytest.mark.parametrize('text', [
    P('release-model: cycle-with-rc\nreleases:\n', id='at-the-end'),
    P('release-model: cycle-with-rc\nreleases:\nrepository-settings:\n  openstack/nova: {}\n', id='then-a-key'),
])
def test_releases_with_no_value_is_an_empty_list(repo: DataRepo, text: str) -> None:
    rel = repo.write('hibiscus', 'nova', text)
    assert repo.findings(rel) == []


# -- RT109: a file the request touches names its release model -------------------------

NO_MODEL = """
    releases:
      - version: 3.0.0
        projects:
          - repo: openstack/nova
            hash: $1
    """
NO_MODEL_NEW = NO_MODEL.rstrip(' ') + """\
      - version: 3.1.0
        projects:
          - repo: openstack/nova
            hash: $2
    """


def test_release_model_required_in_a_request(git_repo: DataRepo) -> None:
    rel = git_repo.write('hibiscus', 'nova', NO_MODEL)
    git_repo.write('gazpacho', 'nova', 'releases: []\n')  # touched by nothing: not checked
    base = git_repo.commit()
    git_repo.write('hibiscus', 'nova', NO_MODEL_NEW)
    report = git_repo.report(base=base)
    assert [(f.check, f.severity, f.file, f.line) for f in report.findings] == [
        ('RT109', Severity.ERROR, rel, 1)]


def test_release_model_required_in_a_new_file(git_repo: DataRepo) -> None:
    base = git_repo.commit()
    rel = git_repo.write('hibiscus', 'nova', NO_MODEL)
    assert git_repo.findings(base=base) == [('RT109', 1)]
    assert rel


def test_release_model_missing_in_history_is_a_warning(repo: DataRepo) -> None:
    """With --all, old files without a model stay a warning (RT108), never an error."""
    rel = repo.write('hibiscus', 'nova', NO_MODEL)
    report = repo.report(rel)
    assert [(f.check, f.severity) for f in report.findings] == [('RT108', Severity.WARNING)]


def test_release_model_not_required_in_independent(git_repo: DataRepo) -> None:
    base = git_repo.commit()
    git_repo.write('_independent', 'reno', NO_MODEL)
    assert git_repo.findings(base=base) == []


# -- RT107: a bug tracker is named (a warning) --------------------------------------

@pytest.mark.parametrize(('text', 'expected'), [
    P('team: nova\ntype: service\nrelease-model: cycle-with-rc\nlaunchpad: nova\n', [], id='pass-launchpad'),
    P('team: nova\ntype: service\nrelease-model: cycle-with-rc\nstoryboard: 760\n', [], id='pass-storyboard'),
    P('team: nova\ntype: service\nrelease-model: cycle-with-rc\n', [('RT107', 1)], id='none'),
])
def test_bug_tracker(repo: DataRepo, text: str, expected: list[tuple[str, int]]) -> None:
    rel = repo.write('hibiscus', 'nova', text, header=False)
    report = repo.report(rel)
    assert sorted((f.check, f.line) for f in report.findings) == expected
    # A warning never makes validation fail.
    assert report.errors == []
    assert all(f.severity is Severity.WARNING for f in report.findings)


def test_schema_problems_are_all_reported_together(repo: DataRepo) -> None:
    """One typo gives one finding and the rest of the file is still checked."""
    rel = repo.write('hibiscus', 'nova', """
        release-model: cycle-with-rcs
        relase-notes: x
        include-pypi-link: 1
        releases:
          - version: 3.0.0
            projects:
              - repo: openstack/nova
                hash: ABC
        """)
    assert repo.findings(rel) == [('RT101', 5), ('RT102', 6), ('RT103', 4), ('RT502', 10)]


@pytest.mark.parametrize('fields', ['TOP', 'RELEASE', 'PROJECT', 'BRANCH', 'REPO_SETTINGS'])
def test_values_skipped_by_class_pass_their_key_whatever_they_hold(fields: str) -> None:
    # The walk skips a key's test when the value is of the class _plain_values gives: that
    # is sound only if the test passes for any value of that class, whatever is inside.
    from releasetools.data.yamlio import YList, YMap
    from releasetools.rules import schema

    table = getattr(schema, fields)
    odd_list, odd_map = YList(), YMap()
    odd_list.extend([1, None, YMap()])
    odd_map.update({1: None, 'x': YList()})
    odd = {str: '', YList: odd_list, YMap: odd_map}
    plain = schema._plain_values(table)
    assert plain, fields
    for key, cls in plain.items():
        test, _, allowed = table[key]
        assert allowed is None and key != 'flags'
        assert test(odd[cls]), (key, cls)
    if fields == 'TOP':
        assert 'cycle-highlights' not in plain and 'include-pypi-link' not in plain and 'type' not in plain


@pytest.mark.parametrize(('text', 'clean'), [
    ('version: 1.0.0\nprojects: []\n', True),
    ("version: '1.10'\nprojects: []\ndiff-start: 0.9.0\n", True),
    ('version: 1.10\nprojects: []\n', False),
    ('version: 1.0.0\n', False),
    ('version: 1.0.0\nprojects: []\nrelase-notes: x\n', False),
    ('version: 1.0.0\nprojects: {}\n', False),
    ('version: 1.0.0\nprojects: []\nflags: [forced]\n', False),
])
def test_a_release_passed_as_clean_has_nothing_to_report(text: str, clean: bool) -> None:
    from releasetools.data.yamlio import parse_yaml
    from releasetools.rules import schema

    release = parse_yaml(text)
    assert schema._clean(release, schema._plain_values(schema.RELEASE), schema.REQUIRED['release']) is clean
    if clean:
        events: list[schema.Event] = []
        assert schema._check_map(release, schema.RELEASE, 'release #1', 1, events, schema.REQUIRED['release'])
        assert events == []
