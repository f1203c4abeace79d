"""The deliverables the cycle-wide reports read (``unreleased``, ``audit``), and their repositories, batched.

Both read every deliverable file of one series (or of all) and then ask each
repository a few questions at once; repositories are read several at a time,
in threads (the work is in git processes), as ``git.facts`` does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from ..core.errors import ReleaseToolsError, UsageError
from ..core.hints import did_you_mean
from ..core.model import INDEPENDENT, Deliverable, SeriesTable
from ..data.load import list_deliverable_files, load_deliverable_file, load_series
from ..git.facts import per_repository
from ..git.mirrors import RepoLocator

__all__ = ['Loaded', 'for_each_repo', 'load_deliverables']

T = TypeVar('T')
W = TypeVar('W')


class Loaded:
    """The series table and the deliverable files read, by series; the files that could not be read."""

    def __init__(self, table: SeriesTable, files: dict[str, list[Deliverable]], problems: list[str]) -> None:
        self.table = table
        self.files = files
        self.problems = problems


def load_deliverables(root: Path, series: str | None) -> tuple[Loaded, str | None]:
    """Every deliverable of ``series`` (None: every series), and the series chosen.

    An unknown series is a usage error.
    """
    table, _ = load_series(root)
    if series in ('independent', INDEPENDENT):
        series = INDEPENDENT
    elif series is not None and series not in table:
        raise UsageError(f'unknown series {series!r}', did_you_mean(series, table.names) or
                         'see data/series_status.yaml')
    paths, _ = list_deliverable_files(root, None if series is None else [series])
    files: dict[str, list[Deliverable]] = {}
    problems: list[str] = []
    for path in paths:
        loaded = load_deliverable_file(root, path)
        if loaded.deliverable is None:
            line = loaded.problem.line if loaded.problem else 0
            problems.append(f'{path}:{line}: {loaded.problem.message if loaded.problem else "unreadable"}')
            continue
        files.setdefault(loaded.deliverable.series, []).append(loaded.deliverable)
    return Loaded(table, files, problems), series


def for_each_repo(locator: RepoLocator, work: Mapping[str, W], read: Callable[[str, Path, W], T],
                  unavailable: Callable[[str, str, W], T], workers: int = 4) -> dict[str, T]:
    """``read(repo, path, work)`` for every repository that can be read, ``unavailable(repo, why, work)`` else.

    A ``ReleaseToolsError`` (git failed) while reading one repository is that
    repository's ``unavailable``, never the run's end.
    """
    def one(repo: str) -> T:
        located = locator.locate(repo)
        if located.path is None:
            return unavailable(repo, located.reason or 'unavailable', work[repo])
        try:
            return read(repo, located.path, work[repo])
        except ReleaseToolsError as exc:
            return unavailable(repo, f'cannot read {located.path}: {exc.message}', work[repo])

    return per_repository(locator, list(work), one, workers)
