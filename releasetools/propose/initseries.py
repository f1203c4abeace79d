"""``init-series``: open the next series in the data, as one reviewable request.

Three things are written, or none of them:

* a new first row of ``data/series_status.yaml`` (the table is newest first),
  inserted as text in the indentation of the rows already there, so that the
  diff is that row and nothing else; the edited text must parse to the old
  table with the new row in front, or nothing is written;
* the directory ``deliverables/<name>/``;
* ``doc/source/<name>/schedule.yaml``, a calendar skeleton in the sample's
  format: the weeks from the one after the previous series' release to the
  release week, named ``R-N`` .. ``R+0``, without events (the release team
  adds those).

Everything is checked before anything is written (a name or release id
already there, a date not after the previous series' initial release, a
directory already there); a failure while writing removes what was written.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import ReleaseToolsError, UsageError
from ..data import atomic
from ..data.load import DELIVERABLES, SERIES_STATUS
from ..data.yamledit import locked_file, write_atomically
from ..data.yamlio import YamlProblem, YList, YMap, date_to_str, parse_yaml

__all__ = ['InitSeriesOptions', 'InitSeriesResult', 'init_series', 'schedule_skeleton', 'series_row']

_NAME_RE = re.compile(r'^[a-z][a-z0-9]*$')
_RELEASE_ID_RE = re.compile(r'^[0-9]{4}\.[0-9]+$')
#: Weeks of a calendar when the previous series has no date to count from (R-25 .. R+0).
DEFAULT_WEEKS = 26


@dataclass(frozen=True)
class InitSeriesOptions:
    root: Path
    name: str
    release_id: str
    initial_release: dt.date


@dataclass(frozen=True)
class InitSeriesResult:
    """What was written (paths relative to the root), and the series it follows."""

    name: str
    follows: str | None
    written: tuple[str, ...]
    weeks: int


def series_row(name: str, release_id: str, initial_release: dt.date, indent: int = 0) -> list[str]:
    """The lines of the new row; the release id quoted, so that YAML never reads it as a number."""
    pad, key = ' ' * indent, ' ' * (indent + 2)
    return [f'{pad}- name: {name}', f"{key}release-id: '{release_id}'", f'{key}status: future',
            f'{key}initial-release: {initial_release.isoformat()}']


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def schedule_skeleton(initial_release: dt.date, previous: dt.date | None) -> tuple[str, int]:
    """The text of a ``schedule.yaml`` skeleton and its number of weeks.

    The release week is the week (Monday to Friday) of ``initial_release``; the
    cycle starts the week after the week of ``previous`` (the previous series'
    release), else :data:`DEFAULT_WEEKS` weeks before the release week.
    """
    release_week = _monday(initial_release)
    if previous is not None and _monday(previous) < release_week:
        weeks = (release_week - _monday(previous)).days // 7
    else:
        weeks = DEFAULT_WEEKS
    start = release_week - dt.timedelta(weeks=weeks - 1)
    lines = ['---', f"start-week: '{start.isoformat()}'", f"release-week: '{release_week.isoformat()}'", 'cycle:']
    for i in range(weeks):
        monday = start + dt.timedelta(weeks=i)
        left = weeks - 1 - i
        lines += [f"  - start: '{monday.isoformat()}'", f"    end: '{(monday + dt.timedelta(days=4)).isoformat()}'",
                  f'    name: R{"-" if left else "+"}{left}']
    return '\n'.join(lines) + '\n', weeks


def _check_args(opts: InitSeriesOptions) -> None:
    if not _NAME_RE.match(opts.name):
        raise UsageError(f'{opts.name!r} is not a series name', 'a lower-case word, e.g. "indri"')
    if not _RELEASE_ID_RE.match(opts.release_id):
        raise UsageError(f'{opts.release_id!r} is not a release id', 'YEAR.N, e.g. 2027.1')


def _table(text: str) -> YList:
    try:
        data = parse_yaml(text)
    except YamlProblem as problem:
        raise ReleaseToolsError(f'{SERIES_STATUS}:{problem.line}: {problem.message}',
                                'fix the series table first') from None
    if not isinstance(data, YList) or not data or not all(isinstance(row, YMap) for row in data):
        raise ReleaseToolsError(f'{SERIES_STATUS} is not a list of series', 'see FORMAT.md, "Series"')
    return data


def _check_new(table: YList, opts: InitSeriesOptions) -> dt.date | None:
    """Refuse a name or release id already in ``table`` or a date not after the newest series'; that date."""
    for i, row in enumerate(table):
        line = table.item_lines[i]
        if row.get('name') == opts.name:
            raise ReleaseToolsError(f'{SERIES_STATUS}:{line}: series {opts.name!r} is already there',
                                    'choose the next name')
        if row.get('release-id') is not None and str(row.get('release-id')) == opts.release_id:
            raise ReleaseToolsError(f'{SERIES_STATUS}:{line}: release id {opts.release_id} is already '
                                    f'{row.get("name")!r}\'s', 'choose the next release id')
    newest = table[0]
    previous = date_to_str(newest.get('initial-release'))
    if previous is None:
        return None
    before = dt.date.fromisoformat(previous)
    if opts.initial_release <= before:
        raise ReleaseToolsError(f'{opts.initial_release.isoformat()} is not after {newest.get("name")}\'s initial '
                                f'release ({previous}), the newest series', 'a new series is released later')
    return before


def insert_row(text: str, table: YList, row: list[str], expected: Any) -> str:
    """``text`` with the lines ``row`` in front of the first row; it must parse to ``[expected, *table]``."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith('\n'):
        lines[-1] += '\n'
    first = table.item_lines[0] - 1
    new_text = ''.join(lines[:first]) + '\n'.join(row) + '\n' + ''.join(lines[first:])
    if _table(new_text) != [expected, *table]:
        raise ReleaseToolsError(f'adding the row to {SERIES_STATUS} would change more than the row; '
                                'nothing was written', 'add the series by hand')
    return new_text


def _indent(text: str, table: YList) -> int:
    line = text.splitlines()[table.item_lines[0] - 1]
    return len(line) - len(line.lstrip(' '))


def init_series(opts: InitSeriesOptions) -> InitSeriesResult:
    """Add the series to the table and create its directories (see the module docstring)."""
    _check_args(opts)
    root = opts.root
    table_path = root / SERIES_STATUS
    if not table_path.is_file():
        raise UsageError(f'{root} has no {SERIES_STATUS}: it is not a release data repository',
                         'pass --root with the top of a data repository')
    deliverables = root / DELIVERABLES / opts.name
    docs = root / 'doc' / 'source' / opts.name
    with locked_file(table_path):
        raw = table_path.read_bytes()
        try:
            text = raw.decode('utf-8').replace('\r\n', '\n')
        except UnicodeDecodeError:
            raise ReleaseToolsError(f'{SERIES_STATUS} is not UTF-8 text') from None
        table = _table(text)
        previous = _check_new(table, opts)
        for path in (deliverables, docs / 'schedule.yaml'):
            if path.exists() or path.is_symlink():
                raise ReleaseToolsError(f'{path.relative_to(root)} already exists; nothing was written',
                                        'remove it, or choose another name')
        row = series_row(opts.name, opts.release_id, opts.initial_release, _indent(text, table))
        expected = _table('\n'.join(line[_indent(text, table):] for line in row))[0]
        new_text = insert_row(text, table, row, expected)
        schedule, weeks = schedule_skeleton(opts.initial_release, previous)
        created: list[Path] = []
        try:
            deliverables.mkdir(parents=True)
            created.append(deliverables)
            if not docs.exists():
                docs.mkdir(parents=True)
                created.append(docs)
            atomic.write_text(docs / 'schedule.yaml', schedule)
            created.append(docs / 'schedule.yaml')
            write_atomically(table_path, new_text)
        except BaseException:
            _undo(created)
            raise
    written = (SERIES_STATUS, f'{DELIVERABLES}/{opts.name}/', f'doc/source/{opts.name}/schedule.yaml')
    return InitSeriesResult(opts.name, str(table[0].get('name')), written, weeks)


def _undo(created: list[Path]) -> None:
    """Remove what this run created, newest first (all or nothing)."""
    for path in reversed(created):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
