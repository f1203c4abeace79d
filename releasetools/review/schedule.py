"""Timing hints from a series calendar (``doc/source/<series>/schedule.yaml``).

The calendar lists the weeks of a cycle (``cycle:``: ``start``, ``end``,
``name`` R-N, and event names under ``x-project``/``project-specific``).

A week counts as a *freeze week* when one of its ``x-project`` events names a
freeze or a deadline release: from the real calendars those are ``<l>-ff``
(feature freeze), ``<l>-rf`` (requirements freeze), ``<l>-soft-sf`` /
``<l>-hard-sf`` (string freezes), ``<l>-mf`` (membership freeze),
``<l>-final-lib`` / ``<l>-final-clientlib`` (last library releases), ``<l>-rc1``,
``<l>-finalrc`` and ``<l>-final``, plus any event containing ``freeze``.
Project-specific events (one team's spec freeze) are read too
(``Week.project_events``, shown by the site's schedule pages) but are not
cross-project: they make no freeze week. Between the feature freeze and the final release, features need an
exception: a release whose notes add features then gets a hint too.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

__all__ = ['Schedule', 'Week', 'load_schedule', 'timing_hints']

_FREEZE_RE = re.compile(r'^[a-z]-(ff|rf|soft-sf|hard-sf|mf|final-lib|final-clientlib|rc1|finalrc|final)$|freeze')
_LIBRARY_TYPES = ('library', 'client-library')


@dataclass(frozen=True, slots=True)
class Week:
    start: dt.date
    end: dt.date
    name: str | None
    events: tuple[str, ...]  # x-project events
    project_events: tuple[str, ...] = ()  # project-specific events (one team's)

    @property
    def all_events(self) -> tuple[str, ...]:
        """Cross-project events, then project-specific ones, as the calendar lists them."""
        return self.events + self.project_events

    @property
    def freezes(self) -> tuple[str, ...]:
        return tuple(e for e in self.events if _FREEZE_RE.search(e))


@dataclass(frozen=True)
class Schedule:
    series: str
    weeks: tuple[Week, ...]

    def week_of(self, day: dt.date) -> Week | None:
        return next((w for w in self.weeks if w.start <= day <= w.end), None)

    def week_of_event(self, event: str) -> Week | None:
        """The week of this series' event ``event`` (``ff`` is ``<first letter>-ff``)."""
        name = f'{self.series[:1]}-{event}'
        return next((w for w in self.weeks if name in w.events), None)


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _names(events: object) -> tuple[str, ...]:
    return tuple(str(e) for e in events) if isinstance(events, list) else ()


def load_schedule(root: Path, series: str) -> Schedule | None:
    """The series calendar, or None when there is none (or it cannot be read: hints are optional)."""
    path = root / 'doc' / 'source' / series / 'schedule.yaml'
    try:
        data = yaml.load(path.read_bytes(), Loader=getattr(yaml, 'CSafeLoader', yaml.SafeLoader))
    except (OSError, yaml.YAMLError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get('cycle'), list):
        return None
    weeks = []
    for entry in data['cycle']:
        if not isinstance(entry, dict):
            continue
        start, end = _date(entry.get('start')), _date(entry.get('end'))
        if start is None or end is None:
            continue
        name = entry.get('name')
        weeks.append(Week(start, end, str(name) if name is not None else None,
                          _names(entry.get('x-project')), _names(entry.get('project-specific'))))
    return Schedule(series, tuple(weeks))


def timing_hints(schedule: Schedule | None, day: dt.date, deliverable_type: str | None,
                 implied_step: str = 'none', cycle: bool = True) -> tuple[str, ...]:
    """Hints about releasing on ``day``: a freeze week, after the feature freeze, a library on a Friday."""
    hints: list[str] = []
    if cycle and schedule is not None:
        week = schedule.week_of(day)
        if week is not None and week.freezes:
            label = f'{week.name} ' if week.name else ''
            hints.append(f'{day.isoformat()} is in a freeze week of {schedule.series} '
                         f'({label}{week.start.isoformat()}..{week.end.isoformat()}: {", ".join(week.freezes)})')
        ff = schedule.week_of_event('ff')
        final = schedule.week_of_event('final')
        if (ff is not None and implied_step in ('minor', 'major') and ff.start <= day
                and (final is None or day <= final.end)):
            hints.append(f'after the {schedule.series} feature freeze ({ff.start.isoformat()}): '
                         f'the notes add features or upgrades, which need a freeze exception')
    if deliverable_type in _LIBRARY_TYPES and day.weekday() == 4:
        hints.append(f'{day.isoformat()} is a Friday: a library released now breaks its consumers\' gates '
                     'over the weekend; prefer Monday to Thursday')
    return tuple(hints)
