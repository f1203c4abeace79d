"""A series calendar as values: its weeks, their events, the events' titles (pure, no I/O).

``doc/source/<series>/schedule.yaml`` lists the weeks of a cycle (``cycle:``:
``start``, ``end``, ``name`` R-N, and event names under ``x-project`` and
``project-specific``); the series' ``schedule.rst`` titles each event under
an anchor of the same name (``.. _h-2:``). ``data.calendar`` reads both
files; this module turns what they hold into a :class:`Schedule` and answers
the questions the commands and rules ask of it (which week is this day in,
when is the ``<l>-final-lib`` event, what does the next week hold).

Event names begin with the first letter of the series they belong to
(``h-ff`` is hibiscus' feature freeze); a calendar also lists events of the
next series (``i-election-nominations``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

__all__ = ['Schedule', 'Week', 'event_titles', 'schedule_from_data']

_FREEZE_RE = re.compile(r'^[a-z]-(ff|rf|soft-sf|hard-sf|mf|final-lib|final-clientlib|rc1|finalrc|final)$|freeze')


@dataclass(frozen=True, slots=True)
class Week:
    """One week of the cycle: its dates, its name (``R-12``; None before the cycle) and its events."""

    start: dt.date
    end: dt.date
    name: str | None
    events: tuple[str, ...]  # x-project events
    project_events: tuple[str, ...] = ()  # project-specific events

    @property
    def all_events(self) -> tuple[str, ...]:
        """Cross-project events, then project-specific ones, as the calendar lists them."""
        return self.events + self.project_events

    @property
    def freezes(self) -> tuple[str, ...]:
        """The cross-project events of the week that freeze something (or are a deadline release)."""
        return tuple(e for e in self.events if _FREEZE_RE.search(e))

    @property
    def label(self) -> str:
        """``R-12 (2026-07-06..2026-07-10)``, or just the dates for an unnamed week."""
        dates = f'{self.start.isoformat()}..{self.end.isoformat()}'
        return f'{self.name} ({dates})' if self.name else dates


@dataclass(frozen=True)
class Schedule:
    """A series' calendar: its weeks in date order and the titles of its events (event -> title)."""

    series: str
    weeks: tuple[Week, ...]
    titles: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def week_of(self, day: dt.date) -> Week | None:
        """The week ``day`` falls in (None: outside the calendar, or a weekend between two weeks)."""
        return next((w for w in self.weeks if w.start <= day <= w.end), None)

    def week_around(self, day: dt.date) -> Week | None:
        """The week ``day`` is in, counting a week's weekend as its own (the countdown of a Saturday)."""
        return self.week_of(day) or next(
            (w for w in self.weeks if w.start <= day < w.start + dt.timedelta(days=7)), None)

    def week_after(self, week: Week) -> Week | None:
        """The week that follows ``week`` in the calendar."""
        later = [w for w in self.weeks if w.start > week.start]
        return min(later, key=lambda w: w.start) if later else None

    def event_name(self, event: str) -> str:
        """The full name of this series' event ``event`` (``ff`` is ``<first letter>-ff``)."""
        return f'{self.series[:1]}-{event}'

    def week_of_event(self, event: str) -> Week | None:
        """The week of this series' event ``event`` (``ff`` is ``<first letter>-ff``)."""
        name = self.event_name(event)
        return next((w for w in self.weeks if name in w.events or name in w.project_events), None)

    def title(self, event: str) -> str:
        """The event's title from the series page, else its name."""
        return self.titles.get(event, event)


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _names(value: object) -> tuple[str, ...]:
    return tuple(str(e) for e in value if isinstance(e, (str, int))) if isinstance(value, list) else ()


def schedule_from_data(series: str, data: Any, titles: Mapping[str, str] | None = None) -> Schedule | None:
    """The calendar in ``data`` (schedule.yaml, parsed), None when it has no ``cycle`` list.

    Entries without a readable start and end are left out; the weeks are sorted by date.
    """
    if not isinstance(data, Mapping) or not isinstance(data.get('cycle'), list):
        return None
    weeks = []
    for entry in data['cycle']:
        if not isinstance(entry, Mapping):
            continue
        start, end = _date(entry.get('start')), _date(entry.get('end'))
        if start is None or end is None:
            continue
        name = entry.get('name')
        weeks.append(Week(start, end, str(name) if name is not None else None,
                          _names(entry.get('x-project')), _names(entry.get('project-specific'))))
    weeks.sort(key=lambda w: w.start)
    return Schedule(series, tuple(weeks), MappingProxyType(dict(titles or {})))


_ANCHOR_RE = re.compile(r'^\.\. _([A-Za-z0-9][\w.+-]*):\s*$')
_UNDERLINE_RE = re.compile(r'^([=\-~^"\'`#*+<>_:.])\1{2,}\s*$')


def event_titles(rst: str) -> dict[str, str]:
    """Event name -> title, from a ``schedule.rst``: the section title right after each ``.. _name:`` anchor.

    An anchor followed by anything but a title (a link target such as
    ``.. _release:cycle-with-rc: URL`` is not even an anchor here) names no event.
    """
    lines = rst.splitlines()
    titles: dict[str, str] = {}
    for i, line in enumerate(lines):
        match = _ANCHOR_RE.match(line)
        if match is None:
            continue
        rest = list(lines[i + 1:i + 5])
        while rest and not rest[0].strip():
            rest.pop(0)
        if len(rest) >= 2 and rest[0].strip() and _UNDERLINE_RE.match(rest[1]):
            titles[match.group(1)] = rest[0].strip()
    return titles
