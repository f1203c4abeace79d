"""Reading a series calendar: ``doc/source/<series>/schedule.yaml`` and the titles in its ``schedule.rst``.

The one reader of the calendar files (``core.calendar`` holds the values):
``list-changes`` hints, ``validate``'s calendar rules and ``countdown`` all
start here. A calendar that is absent or unreadable is None: the hints and
the rules are optional; ``countdown``, which cannot work without one, says so.
"""

from __future__ import annotations

from pathlib import Path

from ..core.calendar import Schedule, event_titles, schedule_from_data
from .loadchecks import YamlProblem
from .yamlio import read_yaml_file

__all__ = ['calendar_dir', 'load_schedule']


def calendar_dir(root: Path, series: str) -> Path:
    """Where the series' calendar files are: ``doc/source/<series>``."""
    return root / 'doc' / 'source' / series


def _titles(folder: Path) -> dict[str, str]:
    try:
        text = (folder / 'schedule.rst').read_text(encoding='utf-8', errors='replace')
    except OSError:
        return {}
    return event_titles(text)


def load_schedule(root: Path, series: str) -> Schedule | None:
    """The series calendar with its events' titles, or None when there is none (or it cannot be read)."""
    if not series or '/' in series or series.startswith('.'):
        return None
    folder = calendar_dir(root, series)
    try:
        data = read_yaml_file(folder / 'schedule.yaml')
    except YamlProblem:
        return None
    return schedule_from_data(series, data, _titles(folder))
