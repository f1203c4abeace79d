"""releasetools.testing.series: the one series table of the tests stays the real one."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from releasetools.core.errors import UsageError
from releasetools.core.model import Series
from releasetools.data.load import load_series
from releasetools.testing.deliverables import Release
from releasetools.testing.series import LIFECYCLE_SERIES, REAL_SERIES, table, write_series_table

SAMPLE = Path(__file__).resolve().parents[3] / 'shared' / 'upstream-sample'


def _rows(series: tuple[Series, ...]) -> list[Series]:
    return [dataclasses.replace(s, line=0) for s in series]


@pytest.mark.skipif(not (SAMPLE / 'data' / 'series_status.yaml').is_file(),
                    reason='the upstream data sample is not checked out next to the project')
def test_real_series_is_the_upstream_table() -> None:
    """Names, release ids, statuses, dates and slurp, in order: a test table cannot drift from them."""
    upstream, findings = load_series(SAMPLE)
    assert findings == []
    assert _rows(REAL_SERIES) == _rows(upstream.series)


def test_written_table_reads_back(tmp_path: Path) -> None:
    """What the tests write is what the loader reads, overrides included."""
    write_series_table(tmp_path, LIFECYCLE_SERIES)
    loaded, findings = load_series(tmp_path)
    assert findings == []
    assert _rows(loaded.series) == _rows(LIFECYCLE_SERIES.series)
    assert [(s.name, s.status) for s in loaded] == [
        ('indri', 'future'), ('hibiscus', 'development'), ('gazpacho', 'maintained'),
        ('flamingo', 'unmaintained'), ('epoxy', 'end of life')]


@pytest.mark.parametrize(('names', 'status', 'message'), [
    (('hibiscus', 'alder'), {}, 'no series alder in the real table'),
    (('hibiscus',), {'gazpacho': 'end of life'}, 'status given for gazpacho, which the table does not hold'),
])
def test_table_refuses_series_it_does_not_hold(names: tuple[str, ...], status: dict[str, str],
                                               message: str) -> None:
    with pytest.raises(UsageError) as info:
        table(*names, **status)
    assert info.value.message == message


def test_release_spellings_say_the_same() -> None:
    """The flow and the block spelling of a release read as the same YAML."""
    release = Release.of('1.0.0', 'openstack/nova=$1,openstack/placement=$2')
    flow = yaml.safe_load(f'releases:\n  - {release.flow()}\n')
    block = yaml.safe_load('releases:\n' + release.block())
    assert flow == block == {'releases': [{'version': '1.0.0', 'projects': [
        {'repo': 'openstack/nova', 'hash': '$1'}, {'repo': 'openstack/placement', 'hash': '$2'}]}]}
