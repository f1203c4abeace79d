"""The series calendars on the site: schedule pages, ``schedule.ics`` and the signing keys.

A series with ``doc/source/<series>/schedule.yaml`` (read by
:func:`releasetools.review.schedule.load_schedule`, the one reader of it) and
``schedule.rst`` gets a page: the rst file itself, rendered unchanged. Its two
directives are the site's: ``datatemplate`` inserts the table of weeks
(:func:`weeks_html`) and ``ics`` the iCalendar file (:func:`ics_bytes`).

The events that schedule.yaml names are the ``.. _name:`` anchors of
schedule.rst, each followed by the section that gives the event its title and
text (:func:`event_texts`). Everything here is pure: no Sphinx, and the
contributor's text is only ever escaped or written to the calendar as text.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path

from ..core.calendar import Schedule, Week
from ..data.calendar import load_schedule

__all__ = [
    'TODAY_ENV',
    'Calendar',
    'EventText',
    'anchor_id',
    'build_today',
    'current_week',
    'default_rst',
    'event_texts',
    'find_event',
    'ics_bytes',
    'ics_path',
    'load_calendars',
    'plain_text',
    'schedule_docname',
    'week_id',
    'weeks_html',
]

#: Set to an ISO date (``2026-08-26``) to build the site as on that day (tests, previews).
TODAY_ENV = 'RELEASETOOLS_TODAY'

_ANCHOR = re.compile(r'^\.\. _([^:`]+):\s*$')
_ANY_TARGET = re.compile(r'^\.\. _')
_UNDERLINE = re.compile(r'^([=\-^~"\'`#*+.:_])\1+\s*$')


@dataclass(frozen=True)
class EventText:
    """An event's section of schedule.rst: its title and the text under it (RST source)."""

    anchor: str
    title: str
    text: str


@dataclass(frozen=True)
class Calendar:
    """One series' calendar: the weeks, the events' texts, and its two files."""

    series: str
    schedule: Schedule
    events: Mapping[str, EventText]  # by anchor name
    rst: str  # schedule.rst, unchanged
    yaml_path: Path
    rst_path: Path
    stamp: dt.datetime  # schedule.yaml's modification time, UTC: the calendar's DTSTAMP

    def occurrences(self) -> list[tuple[Week, str]]:
        """Every scheduled event: (week, event name), in calendar order."""
        return [(w, e) for w in self.schedule.weeks for e in w.all_events]


def schedule_docname(series: str) -> str:
    """The page of a series' schedule; ``schedule.ics`` sits beside it, as schedule.rst links it."""
    return f'calendar/{series}/schedule'


def ics_path(docname: str) -> str:
    """The site path of the iCalendar file beside the schedule page ``docname``."""
    return f'{docname.rsplit("/", 1)[0]}/schedule.ics'


def anchor_id(name: str) -> str:
    """The HTML id docutils gives the target ``.. _name:``."""
    from docutils.nodes import make_id

    return make_id(name)


def _is_title(lines: list[str], i: int) -> bool:
    return (i + 1 < len(lines) and bool(lines[i].strip()) and not lines[i].startswith((' ', '..'))
            and bool(_UNDERLINE.match(lines[i + 1])) and len(lines[i + 1].rstrip()) >= len(lines[i].rstrip()))


def event_texts(rst: str) -> dict[str, EventText]:
    """Each ``.. _name:`` anchor that stands before a section title, with the title and its text.

    The text runs to the next target or section title.
    """
    lines = rst.splitlines()
    out: dict[str, EventText] = {}
    i = 0
    while i < len(lines):
        match = _ANCHOR.match(lines[i])
        i += 1
        if not match:
            continue
        j = i
        while j < len(lines) and not lines[j].strip():
            j += 1
        if not _is_title(lines, j):
            continue
        k = j + 2
        body: list[str] = []
        while k < len(lines) and not _ANY_TARGET.match(lines[k]) and not _is_title(lines, k):
            body.append(lines[k])
            k += 1
        out.setdefault(match.group(1), EventText(match.group(1), lines[j].strip(), '\n'.join(body).strip()))
        i = k
    return out


_NAMED_LINK = re.compile(r'`([^`<]+?)\s*<([^>`]+)>`__?')
_REF = re.compile(r'`([^`]+)`_{1,2}')
_LITERAL = re.compile(r'``([^`]+)``')


def plain_text(rst: str) -> str:
    """RST text as plain text for a calendar: ``text <url>`_`` is ``text (url)``, one paragraph a line."""
    text = _LITERAL.sub(r'\1', _REF.sub(r'\1', _NAMED_LINK.sub(r'\1 (\2)', rst)))
    paragraphs = [' '.join(p.split()) for p in re.split(r'\n\s*\n', text)]
    return '\n\n'.join(p for p in paragraphs if p)


def build_today() -> dt.date:
    """The build's date: :data:`TODAY_ENV` when set, else today (UTC)."""
    value = os.environ.get(TODAY_ENV, '').strip()
    if value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            from ..core.errors import UsageError

            raise UsageError(f'{TODAY_ENV}={value!r} is not a date', f'e.g. {TODAY_ENV}=2026-08-26') from None
    return dt.datetime.now(dt.UTC).date()


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


def default_rst(series: str) -> str:
    """The page of a calendar without schedule.rst (a new series' skeleton): the table and the .ics."""
    title = f'{series.capitalize()} Release Schedule'
    return (f'{"=" * len(title)}\n{title}\n{"=" * len(title)}\n\n'
            '.. datatemplate::\n   :source: schedule.yaml\n\n.. ics::\n   :source: schedule.yaml\n')


def load_calendars(root: Path, series: list[str]) -> tuple[dict[str, Calendar], list[str]]:
    """The calendar of each series that has schedule.yaml, and the problems met.

    A calendar without schedule.rst gets :func:`default_rst` as its page: its
    events are then shown by name.
    """
    out: dict[str, Calendar] = {}
    problems: list[str] = []
    for name in series:
        folder = root / 'doc' / 'source' / name
        yaml_path, rst_path = folder / 'schedule.yaml', folder / 'schedule.rst'
        if not yaml_path.is_file():
            continue
        outside = [p for p in (yaml_path, rst_path) if p.exists() and not _inside(p, root)]
        if outside:  # a link out of the repository: the site publishes no file of the build machine
            problems.append(f'{outside[0].relative_to(root).as_posix()}: a link out of the data repository; '
                            'no schedule page')
            continue
        schedule = load_schedule(root, name)
        rel = yaml_path.relative_to(root).as_posix()
        if schedule is None:
            problems.append(f'{rel}: not a calendar (a mapping with a cycle: list of weeks)')
            continue
        try:
            rst = rst_path.read_text(encoding='utf-8') if rst_path.exists() else default_rst(name)
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f'{rst_path.relative_to(root).as_posix()}: cannot be read: {exc}; no schedule page')
            continue
        stamp = dt.datetime.fromtimestamp(int(yaml_path.stat().st_mtime), dt.UTC)
        out[name] = Calendar(name, schedule, event_texts(rst), rst, yaml_path, rst_path, stamp)
    return out, problems


def find_event(calendars: Mapping[str, Calendar], series: str, event: str) -> tuple[str, EventText] | None:
    """The series whose schedule.rst has ``event`` (its own first: ``g-final`` is gazpacho's), and its text."""
    own = calendars.get(series)
    if own is not None and event in own.events:
        return series, own.events[event]
    for name, cal in calendars.items():
        if event in cal.events:
            return name, cal.events[event]
    return None


def _dates(week: Week) -> str:
    if week.start.year == week.end.year:
        return f'{week.start:%b %d} - {week.end:%b %d, %Y}'
    return f'{week.start:%b %d, %Y} - {week.end:%b %d, %Y}'


def week_id(week: Week) -> str:
    return f'w-{week.start.isoformat()}'


def current_week(calendar: Calendar, current_series: str | None, today: dt.date) -> Week | None:
    """The week to mark: today's week, on the current series only."""
    if calendar.series != current_series:
        return None
    return calendar.schedule.week_of(today)


def weeks_html(calendars: Mapping[str, Calendar], series: str, marked: Week | None,
               url_of: Mapping[str, str]) -> str:
    """The table of every week: name, dates, and its events linked to their sections.

    ``url_of`` maps a series to the relative URL of its schedule page (for an
    event another series' page describes, like the previous series' final).
    """
    cal = calendars[series]
    rows = []
    for week in cal.schedule.weeks:
        cells = []
        for names in (week.events, week.project_events):
            items = []
            for event in names:
                found = find_event(calendars, series, event)
                if found is None:
                    items.append(f'<li class="rt-ev" data-ev="{escape(event)}">{escape(event)}</li>')
                    continue
                where, text = found
                href = ('' if where == series else url_of.get(where, '')) + '#' + anchor_id(event)
                items.append(f'<li class="rt-ev" data-ev="{escape(event)}"><a href="{escape(href)}" '
                             f'title="{escape(plain_text(text.text))}">{escape(text.title)}</a></li>')
            cells.append(f'<td><ul>{"".join(items)}</ul></td>' if items else '<td></td>')
        name = escape(week.name or '')
        attrs = f' id="{week_id(week)}"'
        if marked is not None and week == marked:
            attrs += ' class="rt-current-week" aria-current="date"'
            name += ' <strong class="rt-now">this week</strong>'
        rows.append(f'<tr{attrs}><td>{name}</td><td>{escape(_dates(week))}</td>{"".join(cells)}</tr>')
    return ('<table class="rt-t rt-cal"><tr><th>Week</th><th>Dates</th><th>Cross-project events</th>'
            '<th>Project-specific events</th></tr>' + ''.join(rows) + '</table>')


def ics_bytes(calendars: Mapping[str, Calendar], series: str, title: str,
              page_url: Callable[[str], str]) -> bytes:
    """``schedule.ics``: one all-day event per scheduled event, with its title, text and URL.

    ``page_url(series)`` is a series' schedule page URL (absolute when the
    site has a base URL); each event's URL is its anchor on the page that
    describes it. UIDs and the stamp come
    from the data, so an unchanged calendar gives the same bytes.
    """
    import icalendar

    cal = calendars[series]
    ical = icalendar.Calendar()
    ical.add('prodid', '-//releasetools//schedule//EN')
    ical.add('version', '2.0')
    ical.add('x-wr-calname', title)
    for week, event in cal.occurrences():
        found = find_event(calendars, series, event)
        summary, text, where = event, '', series
        if found is not None:
            where, found_text = found
            summary, text = found_text.title, plain_text(found_text.text)
        url = f'{page_url(where)}#{anchor_id(event)}'
        vevent = icalendar.Event()
        vevent.add('uid', f'{series}-{week.start.isoformat()}-{event}@releasetools')
        vevent.add('dtstamp', cal.stamp)
        vevent.add('summary', summary)
        vevent.add('dtstart', week.start)
        vevent.add('dtend', week.end + dt.timedelta(days=1))  # all-day: the end is exclusive
        vevent.add('url', url)
        vevent.add('description', f'{text}\n\n{url}' if text else url)
        vevent.add('categories', ['cross-project' if event in week.events else 'project-specific'])
        ical.add_component(vevent)
    return bytes(ical.to_ical())
