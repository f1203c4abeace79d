"""Real data: the sample of the public OpenStack release repository in ../shared/upstream-sample.

releasetools must read every file of it, run over all of it without crashing,
report the real mistakes in it and stay quiet about the current series.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from releasetools.cli import main
from releasetools.data.load import load_series
from releasetools.testing.datarepo import DataRepo

SAMPLE = Path(__file__).resolve().parents[2] / 'shared' / 'upstream-sample'

pytestmark = pytest.mark.skipif(not (SAMPLE / 'data' / 'series_status.yaml').is_file(),
                                reason=f'the upstream data sample is not at {SAMPLE}')

LOADING_CHECKS = {'RT001', 'RT002', 'RT003', 'RT004', 'RT005', 'RT006', 'RT007'}


@pytest.fixture(scope='module')
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, Any]]:
    """``validate --all --format json`` over the whole sample, once for the module."""
    cache = tmp_path_factory.mktemp('cache')
    out = io.StringIO()
    code = main(['validate', '--all', '--offline', '--cache-dir', str(cache), '--format', 'json',
                 '--root', str(SAMPLE)], out=out)
    return code, json.loads(out.getvalue())


def findings_of(report: dict[str, Any], path: str) -> list[tuple[str, int]]:
    return sorted((f['check'], f['line']) for f in report['findings'] if f['file'] == path)


def test_validate_all_runs_to_the_end(sample_run: tuple[int, dict[str, Any]]) -> None:
    code, report = sample_run
    assert code in (0, 1)
    files = sorted(SAMPLE.glob('deliverables/*/*.yaml'))
    assert len(files) > 900
    assert report['checked'] == len(files)


def test_every_file_loads(sample_run: tuple[int, dict[str, Any]]) -> None:
    _, report = sample_run
    assert [f for f in report['findings'] if f['check'] in LOADING_CHECKS] == []


def test_series_table(sample_run: tuple[int, dict[str, Any]]) -> None:
    table, findings = load_series(SAMPLE)
    assert findings == []
    assert table.names[:3] == ('indri', 'hibiscus', 'gazpacho')
    assert table.current is not None and table.current.name == 'hibiscus'
    assert table.get('hibiscus').release_id == '2026.2'  # type: ignore[union-attr]
    assert table.names.index('zed') == table.names.index('antelope') + 1  # names wrap round the alphabet


def test_non_canonical_versions_in_gnocchi(sample_run: tuple[int, dict[str, Any]]) -> None:
    _, report = sample_run
    path = 'deliverables/_independent/gnocchi.yaml'
    assert findings_of(report, path) == [('RT201', 14), ('RT201', 18), ('RT201', 22)]
    hints = [f['hint'] for f in report['findings'] if f['file'] == path]
    assert hints == ["write '1.0.0.0a1'", "write '1.0.0.0rc1'", "write '1.0.0.0rc2'"]


def test_flags_written_as_a_string_in_pylockfile(sample_run: tuple[int, dict[str, Any]]) -> None:
    """``flags:\\n  -retired`` (no blank after the dash) is the string '-retired', not a list."""
    _, report = sample_run
    path = 'deliverables/_independent/pylockfile.yaml'
    assert ('RT102', 20) in findings_of(report, path)


def test_old_branch_prefix_in_mitaka(sample_run: tuple[int, dict[str, Any]]) -> None:
    """``driverfixes/mitaka``: a prefix the team accepted then, valid history of a closed series."""
    _, report = sample_run
    assert findings_of(report, 'deliverables/mitaka/manila.yaml') == []


@pytest.mark.parametrize('series', ['hibiscus', 'gazpacho', 'antelope'])
def test_recent_series_have_no_findings(sample_run: tuple[int, dict[str, Any]], series: str) -> None:
    """The data the release team accepted recently is clean: any finding here is a false positive."""
    _, report = sample_run
    assert [f for f in report['findings'] if f['file'].startswith(f'deliverables/{series}/')] == []


@pytest.mark.parametrize('series', ['hibiscus', 'gazpacho', 'antelope', 'bobcat', 'stein', 'mitaka', 'liberty'])
def test_no_step_finding_from_the_date_era(sample_run: tuple[int, dict[str, Any]], series: str) -> None:
    """Versions of the date era (2015.1.4 ...) are never newer than a later series' semantic versions."""
    _, report = sample_run
    dated = [f for f in report['findings'] if f['file'].startswith(f'deliverables/{series}/')
             and f['check'] == 'RT203' and re.search(r'\b20[01][0-9]\.[0-9]+\.[0-9]+', f['message'])]
    assert dated == []


def test_nova_liberty_restarts_the_numbering(sample_run: tuple[int, dict[str, Any]]) -> None:
    _, report = sample_run
    assert findings_of(report, 'deliverables/liberty/nova.yaml') == []
    assert findings_of(report, 'deliverables/mitaka/nova.yaml') == []
    # kilo's 2015.1.0 after juno's 2014.2.4 opens a new year of the date era.
    assert findings_of(report, 'deliverables/kilo/nova.yaml') == []


def test_nova_hibiscus_has_no_errors(sample_run: tuple[int, dict[str, Any]]) -> None:
    _, report = sample_run
    assert [f for f in report['findings']
            if f['file'] == 'deliverables/hibiscus/nova.yaml' and f['severity'] == 'error'] == []


def test_comparisons_with_missing_series_are_reported_as_skipped(sample_run: tuple[int, dict[str, Any]]) -> None:
    """The sample has 19 of 35 series: a first release after a missing series is skipped, never passed.

    rocky (before stein), zed (before antelope) and flamingo (before gazpacho)
    are missing; mitaka follows liberty and liberty kilo, which are there.
    """
    _, report = sample_run
    missing = {re.search(r'series (\w+),? (?:which )?is not in this tree', s['reason']).group(1)  # type: ignore[union-attr]
               for s in report['skipped'] if s['check'] in ('RT203', 'RT207')}
    assert missing == {'flamingo', 'zed', 'rocky'}
    # A gap inside a file whose previous series is missing is a skip too: stein's puppet-cloudkitty goes
    # 3.2.0 -> 3.4.0, and 3.3.0 may be a (trailing) release of rocky, which is not in the sample.
    gaps = [s['reason'] for s in report['skipped'] if 'stein/puppet-cloudkitty.yaml: 3.4.0 may follow' in s['reason']]
    assert gaps and 'series rocky' in gaps[0]
    # But a gap on a line the file opened is judged: stein's puppet-senlin and puppet-placement open the 1.x
    # line with 1.0.0, then release 1.2.0. rocky cannot hold a 1.1.0 of a line stein opened, so with rocky
    # in the tree or not, 1.1.0 is missing (the team's merged history, a finding the baseline accepts).
    stein = sorted((f['file'], f['message']) for f in report['findings']
                   if f['file'].startswith('deliverables/stein/') and f['check'] in ('RT203', 'RT207'))
    assert stein == [(f'deliverables/stein/puppet-{name}.yaml', '1.2.0 does not follow 1.0.0 by one semver step '
                      '(expected 1.1.0)') for name in ('placement', 'senlin')]


# -- a release request on real files ----------------------------------------------------------------

@pytest.fixture
def real_nova(tmp_path: Path) -> DataRepo:
    """A git data repository with the sample's series table and nova files of gazpacho and hibiscus."""
    data = DataRepo(tmp_path / 'data-repo')
    shutil.copy(SAMPLE / 'data' / 'series_status.yaml', data.root / 'data' / 'series_status.yaml')
    for series in ('gazpacho', 'hibiscus'):
        shutil.copy(SAMPLE / 'deliverables' / series / 'nova.yaml', data.root / 'deliverables' / series)
    data.init_git()
    data.commit('real data')
    return data


def append(data: DataRepo, series: str, text: str) -> None:
    """Put a ``releases:`` block before ``repository-settings:`` (line 6 of the hibiscus file)."""
    path = data.root / 'deliverables' / series / 'nova.yaml'
    original = path.read_text()
    assert 'releases:' not in original
    path.write_text(original.replace('repository-settings:', text + 'repository-settings:', 1))


HIBISCUS_RC1 = """releases:
  - version: 34.0.0.0rc1
    projects:
      - repo: openstack/nova
        hash: 0123456789abcdef0123456789abcdef01234567
"""


def test_real_release_request_for_the_current_series(real_nova: DataRepo) -> None:
    append(real_nova, 'hibiscus', HIBISCUS_RC1)
    assert real_nova.findings(base='HEAD') == []


def test_real_stable_release_after_the_next_series_started(real_nova: DataRepo) -> None:
    """gazpacho 33.0.3 on stable/2026.1 while hibiscus already has 34.0.0.0rc1."""
    append(real_nova, 'hibiscus', HIBISCUS_RC1)
    real_nova.commit('hibiscus rc1')
    gazpacho = real_nova.root / 'deliverables' / 'gazpacho' / 'nova.yaml'
    text = gazpacho.read_text()
    release = ('  - version: 33.0.3\n    projects:\n      - repo: openstack/nova\n'
               '        hash: 89abcdef0123456789abcdef0123456789abcdef\n')
    gazpacho.write_text(text.replace('branches:', release + 'branches:', 1))
    assert real_nova.findings(base='HEAD') == []


@pytest.mark.parametrize(('version', 'expected'), [
    ('36.0.0.0rc1', [('RT203', 7)]),  # skips 34 and 35
    ('33.0.3', [('RT207', 7), ('RT210', 7)]),  # a patch release cannot start a series, nor a final without rc
    ('33.0.2', [('RT202', 7)]),  # released in gazpacho already: reported once, by RT202
    ('1.0.0.0rc1', [('RT203', 7)]),  # a request cannot start a new era of versions
])
def test_real_release_request_with_mistakes(real_nova: DataRepo, version: str,
                                            expected: list[tuple[str, int]]) -> None:
    append(real_nova, 'hibiscus', HIBISCUS_RC1.replace('34.0.0.0rc1', version))
    assert real_nova.findings(base='HEAD') == expected
