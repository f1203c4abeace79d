"""The one series table of the tests, the benchmarks and adopters' own tests.

:data:`REAL_SERIES` is the upstream ``data/series_status.yaml`` (December 2026):
its names, release ids, statuses and dates, newest first. Every table a test
writes is a choice of rows from it, made with :func:`table`; a test that needs a
series in another status says so by name (``table('flamingo', flamingo='end of
life')``), so that no copy of the table can drift from the real one.

Two choices are named because many tests share them:

* :data:`LIFECYCLE_SERIES`, the five newest series with one in each status the
  series rules tell apart (future, development, maintained, unmaintained, end of
  life): flamingo and epoxy, both maintained upstream, are moved on to
  unmaintained and end of life.
* :data:`OPEN_SERIES`, the three newest released series as they are upstream
  (development, then two maintained ones), for the tests of the git checks.
* :data:`EXAMPLE_SERIES`, the same three with the oldest closed (flamingo at end
  of life): the current series, an open stable one and a closed one, for the
  examples of the rules reference and new-release's refusals.

Every series in them has a release id and an initial release date, so that tag
prefixes and the site's pages have what the real data has.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..core.errors import UsageError
from ..core.model import Series, SeriesTable

__all__ = [
    'EXAMPLE_SERIES',
    'LIFECYCLE_SERIES',
    'OPEN_SERIES',
    'REAL_SERIES',
    'series_yaml',
    'table',
    'write_series_table',
]

#: The upstream table, newest first (never alphabetical: names wrap round the alphabet).
REAL_SERIES: tuple[Series, ...] = (
    Series('indri', '2027.1', 'future', '2027-03-24', slurp=True),
    Series('hibiscus', '2026.2', 'development', '2026-09-30'),
    Series('gazpacho', '2026.1', 'maintained', '2026-04-01', slurp=True),
    Series('flamingo', '2025.2', 'maintained', '2025-10-01'),
    Series('epoxy', '2025.1', 'maintained', '2025-04-02', slurp=True),
    Series('dalmatian', '2024.2', 'end of life', '2024-10-02', eol_date='2026-04-29'),
    Series('caracal', '2024.1', 'unmaintained', '2024-04-03', slurp=True),
    Series('bobcat', '2023.2', 'end of life', '2023-10-04', eol_date='2025-04-30'),
    Series('antelope', '2023.1', 'unmaintained', '2023-03-22', slurp=True),
    Series('zed', None, 'unmaintained', '2022-10-05'),
    Series('yoga', None, 'unmaintained', '2022-03-30'),
    Series('xena', None, 'end of life', '2021-10-06', eol_date='2025-12-19'),
    Series('wallaby', None, 'end of life', '2021-04-14', eol_date='2025-12-19'),
    Series('victoria', None, 'end of life', '2020-10-14', eol_date='2025-12-19'),
    Series('ussuri', None, 'end of life', '2020-05-13', eol_date='2024-02-20'),
    Series('train', None, 'end of life', '2019-10-16', eol_date='2024-02-20'),
    Series('stein', None, 'end of life', '2019-04-10', eol_date='2024-01-04'),
    Series('rocky', None, 'end of life', '2018-08-30', eol_date='2023-08-16'),
    Series('queens', None, 'end of life', '2018-02-28', eol_date='2023-01-18'),
    Series('pike', None, 'end of life', '2017-08-30', eol_date='2022-10-13'),
    Series('ocata', None, 'end of life', '2017-02-22', eol_date='2021-06-15'),
    Series('newton', None, 'end of life', '2016-10-06', eol_date='2017-10-25'),
    Series('mitaka', None, 'end of life', '2016-04-07', eol_date='2017-04-10'),
    Series('liberty', None, 'end of life', '2015-10-15', eol_date='2016-11-17'),
    Series('kilo', None, 'end of life', '2015-04-30', eol_date='2016-05-02'),
    Series('juno', None, 'end of life', '2014-10-16', eol_date='2015-12-07'),
    Series('icehouse', None, 'end of life', '2014-04-17', eol_date='2015-07-02'),
    Series('havana', None, 'end of life', '2013-10-17', eol_date='2014-09-30'),
    Series('grizzly', None, 'end of life', '2013-04-04', eol_date='2014-03-29'),
    Series('folsom', None, 'end of life', '2012-09-27', eol_date='2013-11-19'),
    Series('essex', None, 'end of life', '2012-04-05', eol_date='2013-05-06'),
    Series('diablo', None, 'end of life', '2011-09-22', eol_date='2013-05-06'),
    Series('cactus', None, 'end of life', '2011-04-15'),
    Series('bexar', None, 'end of life', '2011-02-03'),
    Series('austin', None, 'end of life', '2010-10-21'),
)

_BY_NAME = {s.name: s for s in REAL_SERIES}


def table(*names: str, **status: str) -> SeriesTable:
    """The rows ``names`` of the real table, in the order given; ``status`` overrides statuses by series name.

    ``table('hibiscus', 'gazpacho', gazpacho='end of life')`` is the current series
    and a closed one. An unknown name (in either) is a :class:`UsageError`.
    """
    unknown = sorted({*names, *status} - _BY_NAME.keys())
    if unknown:
        raise UsageError(f'no series {", ".join(unknown)} in the real table',
                         hint=f'choose among {", ".join(_BY_NAME)}')
    strays = sorted(status.keys() - set(names))
    if strays:
        raise UsageError(f'status given for {", ".join(strays)}, which the table does not hold')
    return SeriesTable(tuple(_with_status(_BY_NAME[n], status.get(n)) for n in names))


def _with_status(series: Series, status: str | None) -> Series:
    if status is None or status == series.status:
        return series
    # A series moved on in its life has no end-of-life date unless it reached end of life.
    return Series(series.name, series.release_id, status, series.initial_release, series.slurp,
                  series.eol_date if status == 'end of life' else None)


#: One series in each status the series rules tell apart (see the module docstring).
LIFECYCLE_SERIES = table('indri', 'hibiscus', 'gazpacho', 'flamingo', 'epoxy',
                         flamingo='unmaintained', epoxy='end of life')

#: The three newest released series, as they are upstream.
OPEN_SERIES = table('hibiscus', 'gazpacho', 'flamingo')

#: The current series, an open stable one and a closed one.
EXAMPLE_SERIES = table('hibiscus', 'gazpacho', 'flamingo', flamingo='end of life')


def series_yaml(series: Iterable[Series]) -> str:
    """``data/series_status.yaml`` for ``series``, newest first as given.

    Keys in the upstream order (name, release-id, status, slurp, initial-release,
    eol-date); release ids quoted, so that YAML does not read 2026.1 as a number.
    No ``---`` line (upstream has one): the first series is on line 1, and the
    tests that assert the lines of the table count from there.
    """
    lines: list[str] = []
    for s in series:
        lines.append(f'- name: {s.name}')
        if s.release_id:
            lines.append(f"  release-id: '{s.release_id}'")
        lines.append(f'  status: {s.status}')
        if s.slurp:
            lines.append('  slurp: yes')
        if s.initial_release:
            lines.append(f'  initial-release: {s.initial_release}')
        if s.eol_date:
            lines.append(f'  eol-date: {s.eol_date}')
    return '\n'.join(lines) + '\n'


def write_series_table(root: Path, series: Iterable[Series]) -> Path:
    """Write ``root/data/series_status.yaml``; return its path."""
    path = root / 'data' / 'series_status.yaml'
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(series_yaml(series))
    return path
