"""The release team's weekly countdown: the week, its events and next week's, the release actions owed.

:func:`countdown` is pure: the actions are a function of the calendar, the
deliverable files of the series (and of the series before it, for the
cycle-trailing deadline) and the day. :func:`load_countdown` reads those
from a data repository; ``render_text`` is the mail body, ``render_json``
the same for programs. Sending the mail is the CLI's (``release.announce``).

An action is owed for each event of this week and of next week:

============================  ===============================================================
event                         deliverables named
============================  ===============================================================
``<l>-1``, ``<l>-2`` …        cycle-with-rc (and legacy cycle-with-milestones) deliverables
                              without beta N (or later) in the series; cycle-with-intermediary
                              deliverables without any release in the series yet
``<l>-rc1``, ``<l>-finalrc``  cycle-with-rc deliverables without a release candidate (at
                              ``finalrc`` also the intermediary ones still without a release)
``<l>-final``                 cycle-with-rc deliverables without their final
``<l>-final-lib``             libraries (``type: library``) without a final release in the series
``<l>-final-clientlib``       client libraries without a final release in the series
``<l>-cycle-trail``           cycle-trailing deliverables (``type: trailing``) of the previous
                              series without its final
============================  ===============================================================

and from the week after a library freeze to the end of the cycle, the
libraries (client libraries after theirs) released in the series but
without its stable branch. Deliverables that are untagged, abandoned or
independent owe nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.calendar import Schedule, Week
from ..core.errors import UsageError
from ..core.model import Deliverable, SeriesTable
from ..core.versions import SemVer
from ..data.calendar import load_schedule
from ..data.load import list_deliverable_files, load_deliverable_file, load_series

__all__ = ['Action', 'Countdown', 'CountdownOptions', 'Owner', 'countdown', 'load_countdown', 'render_json',
           'render_text', 'subject']

_MILESTONE_RE = re.compile(r'^[a-z]-(\d+)$')
_RC_MODELS = ('cycle-with-rc',)
_MILESTONE_MODELS = ('cycle-with-rc', 'cycle-with-milestones')
_INTERMEDIARY = 'cycle-with-intermediary'
_NOT_RELEASED = ('untagged', 'abandoned', 'independent', None)


@dataclass(frozen=True, slots=True)
class Owner:
    """A deliverable an action names: its name, team, and where it stands (its last release)."""

    name: str
    team: str
    series: str
    last: str | None

    def as_json(self) -> dict[str, Any]:
        return {'name': self.name, 'team': self.team, 'series': self.series, 'last': self.last}


@dataclass(frozen=True, slots=True)
class Action:
    """Something the data says is owed: the event it is owed for, what, by when, by whom."""

    event: str
    title: str
    what: str
    due: dt.date | None  # None: owed now (a standing action)
    deliverables: tuple[Owner, ...]

    def as_json(self) -> dict[str, Any]:
        return {'event': self.event, 'title': self.title, 'what': self.what,
                'due': self.due.isoformat() if self.due else None,
                'deliverables': [o.as_json() for o in self.deliverables]}


@dataclass(frozen=True, slots=True)
class Countdown:
    """The countdown of one day: its week, this week's and next week's events (name, title), the actions."""

    series: str
    day: dt.date
    week: Week | None
    next_week: Week | None
    this_events: tuple[tuple[str, str], ...]
    next_events: tuple[tuple[str, str], ...]
    actions: tuple[Action, ...]


@dataclass(frozen=True, slots=True)
class CountdownOptions:
    """What ``releasetools countdown`` was asked to do (see ``--help``)."""

    root: Path
    day: dt.date
    series: str | None = None
    send: bool = False
    smtp: str | None = None
    mail_from: str = 'release-bot@localhost'
    mail_to: tuple[str, ...] = ()


# --- what a deliverable has released in the series --------------------------------------------

def _versions(d: Deliverable) -> tuple[SemVer, ...]:
    return d.semvers


def _has_final(d: Deliverable) -> bool:
    return any(not v.is_prerelease for v in _versions(d))


def _has_rc(d: Deliverable) -> bool:
    return any(v.pre_rank >= 2 for v in _versions(d))


def _has_beta(d: Deliverable, number: int) -> bool:
    return any(v.pre_rank > 1 or (v.pre_rank == 1 and v.pre_num >= number) for v in _versions(d))


def _has_stable_branch(d: Deliverable, names: frozenset[str]) -> bool:
    return any(b.name in names for b in d.branches)


def _owner(d: Deliverable) -> Owner:
    last = next((r.version for r in reversed(d.releases) if r.version), None)
    return Owner(d.name, d.team or '(no team)', d.series, last)


def _released(files: Iterable[Deliverable]) -> list[Deliverable]:
    return [d for d in files if d.model not in _NOT_RELEASED]


def _in_cycle(files: Iterable[Deliverable]) -> list[Deliverable]:
    """The deliverables that follow the series' own deadlines: the cycle-trailing ones trail them."""
    return [d for d in files if not _is_trailing(d)]


def _is_library(d: Deliverable, kind: str) -> bool:
    return d.type == kind


def _is_trailing(d: Deliverable) -> bool:
    return d.type == 'trailing' or d.release_model == 'cycle-trailing'


# --- the actions ------------------------------------------------------------------------------

def _due(week: Week) -> dt.date:
    """Deadlines are the Thursday of their week (the calendars say so), or the week's last day."""
    return min(week.start + dt.timedelta(days=(3 - week.start.weekday()) % 7), week.end)


def _event_actions(schedule: Schedule, event: str, week: Week, files: Sequence[Deliverable], *,
                   previous: Sequence[Deliverable], previous_name: str | None) -> list[Action]:
    """The actions owed for one event of the series' calendar (none for an event that asks for no release)."""
    short = event[2:] if event[:2] == f'{schedule.series[:1]}-' else None
    if short is None:
        return []
    title, due = schedule.title(event), _due(week)
    wanted: list[tuple[str, list[Deliverable]]] = []
    milestone = _MILESTONE_RE.match(event)
    if milestone:
        number = int(milestone.group(1))
        wanted.append((f'propose beta {number} (milestone {number}): cycle-with-rc deliverables without it',
                       [d for d in files if d.model in _MILESTONE_MODELS and not _has_beta(d, number)]))
        wanted.append(('cycle-with-intermediary deliverables without a release in the series yet',
                       [d for d in files if d.model == _INTERMEDIARY and not d.semvers]))
    elif short in ('rc1', 'finalrc'):
        wanted.append(('propose a release candidate: cycle-with-rc deliverables without one',
                       [d for d in files if d.model in _RC_MODELS and not _has_rc(d)]))
        if short == 'finalrc':
            wanted.append(('cycle-with-intermediary deliverables without a release in the series: the last '
                           'chance before the final', [d for d in files if d.model == _INTERMEDIARY and not d.semvers]))
    elif short == 'final':
        wanted.append(('the final (the last candidate re-tagged): cycle-with-rc deliverables without it',
                       [d for d in files if d.model in _RC_MODELS and not _has_final(d)]))
    elif short in ('final-lib', 'final-clientlib'):
        kind = 'library' if short == 'final-lib' else 'client-library'
        wanted.append((f'the final release of each {kind} for the series: those without one',
                       [d for d in files if _is_library(d, kind) and not _has_final(d)]))
    elif short == 'cycle-trail' and previous_name:
        wanted.append((f'cycle-trailing deliverables still owing their {previous_name} release',
                       [d for d in previous if _is_trailing(d) and not _has_final(d)]))
    return [Action(event, title, what, due, tuple(_owner(d) for d in sorted(owing, key=_by_team)))
            for what, owing in wanted if owing]


def _by_team(d: Deliverable) -> tuple[str, str]:
    return (d.team or '', d.name)


def _branch_actions(schedule: Schedule, day: dt.date, files: Sequence[Deliverable],
                    branch_names: frozenset[str]) -> list[Action]:
    """After a library freeze (its week over) until the final: libraries released but without a stable branch."""
    final = schedule.week_of_event('final')
    out = []
    for event, kind in (('final-lib', 'library'), ('final-clientlib', 'client-library')):
        week = schedule.week_of_event(event)
        if week is None or day <= week.end or (final is not None and day > final.end):
            continue
        owing = [d for d in files if _is_library(d, kind) and d.semvers and not _has_stable_branch(d, branch_names)]
        if owing:
            name = schedule.event_name(event)
            out.append(Action(name, schedule.title(name),
                              f'create the stable branch: {kind} deliverables released in the series without one',
                              None, tuple(_owner(d) for d in sorted(owing, key=_by_team))))
    return out


def _events(schedule: Schedule, week: Week | None) -> tuple[tuple[str, str], ...]:
    if week is None:
        return ()
    return tuple((e, schedule.title(e)) for e in (*week.events, *week.project_events))


def countdown(schedule: Schedule, series: SeriesTable, files: Sequence[Deliverable],
              previous: Sequence[Deliverable], day: dt.date) -> Countdown:
    """The countdown for ``day``: ``files`` are the series' deliverable files, ``previous`` the previous series'."""
    week = schedule.week_around(day)
    if week is None and schedule.weeks and day < schedule.weeks[0].start:
        upcoming: Week | None = schedule.weeks[0]
    else:
        upcoming = schedule.week_after(week) if week is not None else None
    older = series.older_than(schedule.series) if schedule.series in series else ()
    previous_name = older[0].name if older else None
    info = series.get(schedule.series)
    branch_names = frozenset({f'stable/{schedule.series}'} | ({f'stable/{info.release_id}'}
                                                             if info and info.release_id else set()))
    mine, theirs = _in_cycle(_released(files)), _released(previous)
    actions: list[Action] = []
    for w in (week, upcoming):
        if w is not None:
            for event in w.events:
                actions.extend(_event_actions(schedule, event, w, mine, previous=theirs,
                                              previous_name=previous_name))
    actions.extend(_branch_actions(schedule, day, mine, branch_names))
    return Countdown(schedule.series, day, week, upcoming, _events(schedule, week), _events(schedule, upcoming),
                     tuple(actions))


# --- reading it from a data repository -------------------------------------------------------

def _load_files(root: Path, series: str | None) -> list[Deliverable]:
    if series is None:
        return []
    paths, _ = list_deliverable_files(root, [series])
    return [d for d in (load_deliverable_file(root, p).deliverable for p in paths) if d is not None]


def load_countdown(root: Path, day: dt.date, series: str | None = None) -> Countdown:
    """The countdown of ``series`` (default: the one in development) in the data repository at ``root``."""
    table, _ = load_series(root)
    if series is None:
        current = table.current
        if current is None:
            raise UsageError('no series has status development in data/series_status.yaml', 'name one: --series S')
        series = current.name
    elif series not in table:
        raise UsageError(f'series {series!r} is not in data/series_status.yaml')
    schedule = load_schedule(root, series)
    if schedule is None:
        raise UsageError(f'{series} has no calendar: doc/source/{series}/schedule.yaml is missing or unreadable',
                         'write the series calendar first')
    older = table.older_than(series)
    return countdown(schedule, table, _load_files(root, series), _load_files(root, older[0].name if older else None),
                     day)


# --- output ------------------------------------------------------------------------------------

def subject(c: Countdown) -> str:
    """The mail's subject: ``Release countdown for week R-12, Jul 06-10`` (or the date out of the cycle)."""
    if c.week is None:
        return f'Release countdown for {c.series}, {c.day.isoformat()}'
    name = c.week.name or 'the week'
    return f'Release countdown for week {name}, {c.week.start:%b %d} - {c.week.end:%b %d}'


def _team_lines(owners: Sequence[Owner]) -> list[str]:
    teams: dict[str, list[str]] = {}
    for o in owners:
        teams.setdefault(o.team, []).append(o.name if o.last is None else f'{o.name} ({o.last})')
    return [line for team, names in teams.items() for line in _packed(f'      {team}: ', names)]


def _packed(first: str, items: Sequence[str], width: int = 78) -> list[str]:
    """``items`` comma-separated after ``first``, as many to a line as fit (an item is never split)."""
    lines: list[str] = []
    line = first.rstrip()
    for i, item in enumerate(items):
        text = item + (',' if i < len(items) - 1 else '')
        if len(line) + 1 + len(text) > width and not line.endswith(':'):
            lines.append(line)
            line = '        ' + text
        else:
            line += ' ' + text
    lines.append(line)
    return lines


def _event_lines(heading: str, week: Week | None, events: Sequence[tuple[str, str]]) -> list[str]:
    if week is None:
        return [f'{heading}: not in the calendar', '']
    lines = [f'{heading}: {week.label}']
    lines.extend(f'  - {title} ({name})' for name, title in events)
    if not events:
        lines.append('  (no events)')
    return [*lines, '']


def render_text(c: Countdown) -> str:
    """The mail body."""
    lines = [subject(c), '=' * len(subject(c)), '', f'Series {c.series}, {c.day.isoformat()}.', '']
    lines += _event_lines('This week', c.week, c.this_events)
    lines += _event_lines('Next week', c.next_week, c.next_events)
    lines.append('Release actions')
    if not c.actions:
        lines.append('  nothing is owed this week or next')
    for a in c.actions:
        when = f'by {a.due:%A %Y-%m-%d}' if a.due else 'now'
        lines.extend(textwrap.wrap(f'* {a.title} ({a.event}), {when}: {a.what} ({len(a.deliverables)})', 78,
                                   initial_indent='  ', subsequent_indent='    ', break_on_hyphens=False))
        lines.extend(_team_lines(a.deliverables))
    return '\n'.join(lines) + '\n'


def _week_json(week: Week | None) -> dict[str, Any] | None:
    return None if week is None else {'name': week.name, 'start': week.start.isoformat(),
                                      'end': week.end.isoformat()}


def render_json(c: Countdown) -> str:
    """The countdown for programs (the same facts as the text)."""
    data = {'series': c.series, 'date': c.day.isoformat(), 'subject': subject(c),
            'week': _week_json(c.week), 'next_week': _week_json(c.next_week),
            'events': {'this_week': [{'name': n, 'title': t} for n, t in c.this_events],
                       'next_week': [{'name': n, 'title': t} for n, t in c.next_events]},
            'actions': [a.as_json() for a in c.actions]}
    return json.dumps(data, indent=2) + '\n'
