"""Timing hints from a series calendar (``doc/source/<series>/schedule.yaml``, read by ``data.calendar``).

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

from ..core.calendar import Schedule, Week
from ..data.calendar import load_schedule

__all__ = ['Schedule', 'Week', 'load_schedule', 'timing_hints']

_LIBRARY_TYPES = ('library', 'client-library')


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
