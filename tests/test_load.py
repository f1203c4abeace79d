"""releasetools.data.load: the series table, deliverable paths and files, into the model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from releasetools.core.errors import UsageError
from releasetools.core.model import Branch, RepoSettings
from releasetools.data.load import (
    list_deliverable_files,
    load_deliverable_bytes,
    load_deliverable_file,
    load_series,
    split_deliverable_path,
)
from releasetools.testing.datarepo import DataRepo
from releasetools.testing.deliverables import expand
from releasetools.testing.series import LIFECYCLE_SERIES

P = pytest.param


# -- series --------------------------------------------------------------------------

def test_series_in_data_order(repo: DataRepo) -> None:
    table, findings = load_series(repo.root)
    assert findings == []
    assert table.names == LIFECYCLE_SERIES.names  # newest first, as written: never sorted
    assert table.current is not None and table.current.name == 'hibiscus'
    assert [s.name for s in table.older_than('gazpacho')] == ['flamingo', 'epoxy']
    assert table.index('indri') == 0 and table.index('epoxy') == 4
    gazpacho = table.get('gazpacho')
    assert gazpacho is not None
    assert (gazpacho.release_id, gazpacho.status, gazpacho.slurp, gazpacho.initial_release, gazpacho.line) == (
        '2026.1', 'maintained', True, '2026-04-01', 10)
    assert table.release_ids == {'2027.1', '2026.2', '2026.1', '2025.2', '2025.1'}
    assert 'zed' not in table and table.get('zed') is None


def test_series_names_wrap_round_the_alphabet(tmp_path: Path) -> None:
    (tmp_path / 'data').mkdir()
    (tmp_path / 'data' / 'series_status.yaml').write_text(
        '- {name: antelope, release-id: 2023.1, status: maintained}\n'
        '- {name: zed, status: end of life}\n- {name: yoga, status: end of life}\n')
    table, findings = load_series(tmp_path)
    assert findings == []
    assert table.names == ('antelope', 'zed', 'yoga')
    assert [s.name for s in table.older_than('antelope')] == ['zed', 'yoga']
    assert table.current is None  # nothing in development: nothing hard-coded either
    antelope = table.get('antelope')
    assert antelope is not None and antelope.release_id == '2023.1'  # an unquoted release-id is a float


@pytest.mark.parametrize(('text', 'expected'), [
    P('- {name: a, status: development}\n- {status: maintained}\n- b\n', [('RT102', 2), ('RT102', 3)],
      id='entries-without-name'),
    P('- {name: a, status: development}\n- {name: a, status: maintained}\n', [('RT003', 2)], id='listed-twice'),
    P('name: a\n', [('RT004', 1)], id='not-a-list'),
    P('- {name: a\n', [('RT002', 2)], id='syntax-error'),
])
def test_bad_series_table(tmp_path: Path, text: str, expected: list[tuple[str, int]]) -> None:
    (tmp_path / 'data').mkdir()
    (tmp_path / 'data' / 'series_status.yaml').write_text(text)
    _, findings = load_series(tmp_path)
    assert [(f.check, f.line) for f in findings] == expected
    assert {f.file for f in findings} == {'data/series_status.yaml'}


def test_no_series_table_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match='not a release data repository'):
        load_series(tmp_path)


# -- paths -------------------------------------------------------------------------

@pytest.mark.parametrize(('path', 'expected'), [
    ('deliverables/hibiscus/nova.yaml', ('hibiscus', 'nova')),
    ('deliverables/_independent/oslo.log.yaml', ('_independent', 'oslo.log')),
    ('deliverables/hibiscus/nova.yml', None),
    ('deliverables/hibiscus/.yaml', None),
    ('deliverables/nova.yaml', None),
    ('deliverables/hibiscus/sub/nova.yaml', None),
    ('data/series_status.yaml', None),
    ('deliverables//nova.yaml', None),
    ('README.rst', None),
])
def test_split_deliverable_path(path: str, expected: tuple[str, str] | None) -> None:
    assert split_deliverable_path(path) == expected


def test_list_deliverable_files(repo: DataRepo, tmp_path: Path) -> None:
    repo.write('hibiscus', 'nova', 'release-model: cycle-with-rc\n')
    repo.write('hibiscus', 'neutron', 'release-model: cycle-with-rc\n')
    repo.write_bytes('deliverables/hibiscus/README.rst', b'not data')
    repo.write_bytes('deliverables/notes.yaml', b'not in a series directory')
    repo.write('_independent', 'reno', 'releases: []\n')
    os.symlink('nova.yaml', repo.root / 'deliverables' / 'gazpacho' / 'inside.yaml')  # dangling, but inside
    outside = tmp_path / 'outside.yaml'
    outside.write_text('team: x\n')
    os.symlink(outside, repo.root / 'deliverables' / 'hibiscus' / 'escape.yaml')
    os.symlink(tmp_path, repo.root / 'deliverables' / 'elsewhere')
    files, findings = list_deliverable_files(repo.root)
    assert files == ['deliverables/_independent/reno.yaml', 'deliverables/gazpacho/inside.yaml',
                     'deliverables/hibiscus/neutron.yaml', 'deliverables/hibiscus/nova.yaml']
    assert [(f.check, f.file, f.line) for f in findings] == [
        ('RT007', 'deliverables/elsewhere', 0), ('RT007', 'deliverables/hibiscus/escape.yaml', 0)]
    assert list_deliverable_files(repo.root, ['hibiscus'])[0] == ['deliverables/hibiscus/neutron.yaml',
                                                                   'deliverables/hibiscus/nova.yaml']


def test_list_without_deliverables_directory(tmp_path: Path) -> None:
    assert list_deliverable_files(tmp_path) == ([], [])


# -- files into the model ----------------------------------------------------------------

NOVA = """
    team: nova
    type: service
    release-model: cycle-with-rc
    repository-settings:
      openstack/nova: {}
      openstack/os-vif:
        pypi-name: os_vif
        flags: [retired]
    releases:
      - version: 3.0.0.0rc1
        diff-start: 2.0.0
        projects:
          - repo: openstack/placement
            hash: $1
            comment: first
          - repo: openstack/nova
            hash: $2
      - version: 3.0.0
        flags: [forced]
        projects:
          - repo: openstack/nova
            hash: $2
    branches:
      - name: stable/2026.2
        location: 3.0.0
      - name: stable/tagless
        location:
          openstack/nova: $2
    """


def test_deliverable_model(repo: DataRepo) -> None:
    rel = repo.write('hibiscus', 'nova', NOVA, header=False)
    loaded = load_deliverable_file(repo.root, rel)
    assert loaded.problem is None
    d = loaded.deliverable
    assert d is not None
    assert (d.name, d.series, d.path) == ('nova', 'hibiscus', rel)  # from the path, never from the file
    assert (d.team, d.type, d.release_model, d.model) == ('nova', 'service', 'cycle-with-rc', 'cycle-with-rc')
    assert (d.release_type, d.stable_branch_type, d.stable_status) == ('python-service', 'std', None)  # defaults
    assert d.repository_settings == {
        'openstack/nova': RepoSettings('openstack/nova'),
        'openstack/os-vif': RepoSettings('openstack/os-vif', 'os_vif', None, frozenset({'retired'})),
    }
    rc1, final = d.releases
    assert (rc1.version, rc1.diff_start, rc1.line, rc1.index, rc1.flags) == ('3.0.0.0rc1', '2.0.0', 10, 0, frozenset())
    assert [(p.repo, p.hash, p.comment, p.line) for p in rc1.projects] == [
        ('openstack/placement', '1a' * 20, 'first', 13), ('openstack/nova', '2a' * 20, None, 16)]
    assert (final.version, final.line, final.index, final.flags) == ('3.0.0', 18, 1, frozenset({'forced'}))
    assert rc1.repos == ('openstack/placement', 'openstack/nova')
    assert final.hashes == {'openstack/nova': '2a' * 20}
    assert d.branches == (Branch('stable/2026.2', '3.0.0', 24, 0),
                          Branch('stable/tagless', {'openstack/nova': '2a' * 20}, 26, 1))
    # Settings first, then repositories as releases name them.
    assert d.repos == ('openstack/nova', 'openstack/os-vif', 'openstack/placement')
    assert d.line_of('releases') == 9 and d.line_of('launchpad') == 1


@pytest.mark.parametrize(('series', 'model', 'expected'), [
    ('_independent', None, 'independent'),
    ('_independent', 'abandoned', 'abandoned'),
    ('hibiscus', 'cycle-automatic', 'cycle-automatic'),
    ('hibiscus', None, None),
])
def test_effective_model(repo: DataRepo, series: str, model: str | None, expected: str | None) -> None:
    rel = repo.write(series, 'reno', f'release-model: {model}\n' if model else 'releases: []\n')
    d = load_deliverable_file(repo.root, rel).deliverable
    assert d is not None
    assert (d.model, d.is_independent) == (expected, series == '_independent')


def test_wrong_types_become_none(repo: DataRepo) -> None:
    rel = repo.write('hibiscus', 'nova', """
        team: [a, b]
        type: 5
        release-type: 7
        repository-settings: [openstack/nova]
        releases:
          - version: 1.10
            projects: openstack/nova
          - not a mapping
        branches:
          - name: 5
            location: [1]
        """, header=False)
    d = load_deliverable_file(repo.root, rel).deliverable
    assert d is not None
    assert (d.team, d.type, d.release_type, d.repository_settings) == (None, None, 'python-service', None)
    assert [(r.version, r.projects, r.line, r.index) for r in d.releases] == [(None, (), 6, 0), (None, (), 8, 1)]
    assert d.branches == (Branch(None, None, 10, 0),)


@pytest.mark.parametrize(('content', 'expected', 'words'), [
    P(b'- team: nova\n', ('RT004', 1), 'a list', id='list'),
    P(b'', ('RT004', 1), 'empty', id='empty'),
    P(b'# nothing but a comment\n', ('RT004', 1), 'empty', id='comment-only'),
    P(b'just a string\n', ('RT004', 1), 'a str', id='string'),
    P(b'team: nova\nteam: nova\n', ('RT003', 2), 'duplicate', id='duplicate-key'),
    P(b'team: [\n', ('RT002', 2), 'syntax', id='syntax-error'),
])
def test_files_that_are_not_deliverables(content: bytes, expected: tuple[str, int], words: str) -> None:
    loaded = load_deliverable_bytes('deliverables/hibiscus/nova.yaml', content)
    assert loaded.deliverable is None
    assert loaded.problem is not None
    assert (loaded.problem.check, loaded.problem.line) == expected
    assert loaded.problem.file == 'deliverables/hibiscus/nova.yaml'
    assert words in loaded.problem.message


def test_load_bytes_and_file_agree(repo: DataRepo) -> None:
    rel = repo.write('hibiscus', 'nova', NOVA, header=False)
    from_file = load_deliverable_file(repo.root, rel).deliverable
    from_bytes = load_deliverable_bytes(rel, expand(NOVA).encode()).deliverable
    assert from_file == from_bytes


def test_unreadable_path_is_a_finding_not_an_exception(repo: DataRepo) -> None:
    (repo.root / 'deliverables' / 'hibiscus' / 'x.yaml').mkdir()
    loaded = load_deliverable_file(repo.root, 'deliverables/hibiscus/x.yaml')
    assert loaded.deliverable is None
    assert loaded.problem is not None and (loaded.problem.check, loaded.problem.line) == ('RT001', 0)
