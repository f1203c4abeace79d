"""The series calendars on the site, from the sample's four real calendars: pages, schedule.ics, keys."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import icalendar
import pytest
import yaml

from releasetools.core.errors import UsageError
from releasetools.review.schedule import load_schedule
from releasetools.site import BuildResult, build_site
from releasetools.site.calendar import TODAY_ENV, anchor_id, build_today, event_texts, plain_text
from tests.site.sitedata import CALENDAR_SERIES, SAMPLE, read, write_calendar_tree, write_small_tree

pytestmark = pytest.mark.skipif(not (SAMPLE / 'doc' / 'source' / 'hibiscus' / 'schedule.yaml').is_file(),
                                reason=f'the upstream data sample is not at {SAMPLE}')

TODAY = '2026-08-26'  # a Wednesday of hibiscus (the sample's current series), week R-5


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(TODAY_ENV, TODAY)
    yield


@pytest.fixture(scope='module')
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuildResult]:
    tmp = tmp_path_factory.mktemp('calendar')
    old = os.environ.get(TODAY_ENV)
    os.environ[TODAY_ENV] = TODAY
    try:
        yield build_site(write_calendar_tree(tmp / 'data').root, tmp / 'out', 1)
    finally:
        if old is None:
            del os.environ[TODAY_ENV]
        else:
            os.environ[TODAY_ENV] = old


def _raw(series: str) -> dict[str, object]:
    data = yaml.safe_load((SAMPLE / 'doc' / 'source' / series / 'schedule.yaml').read_text())
    assert isinstance(data, dict)
    return data


def _occurrences(series: str) -> list[tuple[str, str, str]]:
    """(week start, event, kind) of every event of the real schedule.yaml, read here independently."""
    out = []
    for week in _raw(series)['cycle']:  # type: ignore[attr-defined]
        for kind in ('x-project', 'project-specific'):
            out.extend((str(week['start']), event, kind) for event in week.get(kind) or [])
    return out


def _texts() -> dict[str, tuple[str, str]]:
    """Every anchor of the four schedule.rst files: (series, title)."""
    out = {}
    for series in CALENDAR_SERIES:
        for anchor, text in event_texts((SAMPLE / 'doc' / 'source' / series / 'schedule.rst').read_text()).items():
            out[anchor] = (series, text.title)
    return out


class _Rows(HTMLParser):
    """The calendar table: for each row id, its cells' text and the events (data-ev, href, text) in each cell."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: dict[str, dict[str, object]] = {}
        self.ids: set[str] = set()
        self._row: dict[str, object] | None = None
        self._cell = -1
        self._ev: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get('id'):
            self.ids.add(a['id'] or '')
        if tag == 'tr' and (a.get('id') or '').startswith('w-'):
            self._row = {'class': a.get('class') or '', 'cells': [], 'events': []}
            self.rows[a['id'] or ''] = self._row
            self._cell = -1
        elif tag == 'td' and self._row is not None:
            self._cell += 1
            self._row['cells'].append('')  # type: ignore[attr-defined]
        elif tag == 'li' and self._row is not None:
            self._ev = [a.get('data-ev') or '', '', '', str(self._cell)]
            self._row['events'].append(self._ev)  # type: ignore[attr-defined]
        elif tag == 'a' and self._ev is not None:
            self._ev[1] = a.get('href') or ''

    def handle_data(self, data: str) -> None:
        if self._row is not None and self._cell >= 0:
            self._row['cells'][-1] += data  # type: ignore[index]
        if self._ev is not None:
            self._ev[2] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == 'li':
            self._ev = None
        elif tag in ('table', 'tr'):
            self._row = None


def _rows(html: str) -> _Rows:
    parser = _Rows()
    parser.feed(html)
    return parser


def _page_text(html: str) -> str:
    text = unescape(re.sub(r'<[^>]+>', ' ', html))
    return ' '.join(text.replace('\u2019', "'").replace('\u201c', '"').replace('\u201d', '"').split())  # smartquotes


@pytest.mark.parametrize('series', CALENDAR_SERIES)
def test_every_week_and_event_rendered(site: BuildResult, series: str) -> None:
    html = read(site.html, f'calendar/{series}/schedule.html')
    rows = _rows(html)
    weeks = _raw(series)['cycle']
    assert len(rows.rows) == len(weeks)  # type: ignore[arg-type]
    texts = _texts()
    own = event_texts((SAMPLE / 'doc' / 'source' / series / 'schedule.rst').read_text())
    for week in weeks:  # type: ignore[attr-defined]
        row = rows.rows[f'w-{week["start"]}']
        name, dates = row['cells'][:2]  # type: ignore[index]
        assert name.split(' this week')[0] == (week.get('name') or '')
        start, end = dt.date.fromisoformat(str(week['start'])), dt.date.fromisoformat(str(week['end']))
        assert f'{start:%b %d}' in dates and f'{end:%b %d, %Y}' in dates
        expected = [(e, '2') for e in week.get('x-project') or []] + \
            [(e, '3') for e in week.get('project-specific') or []]
        assert [(e[0], e[3]) for e in row['events']] == expected  # type: ignore[attr-defined]
        for event, href, title, _ in row['events']:  # type: ignore[attr-defined]
            if event not in texts:  # z-final: zed's final, described on no page of the sample
                assert (href, title) == ('', event)
                continue
            where, real_title = texts[event]
            assert title == real_title
            if where == series:
                assert href == f'#{anchor_id(event)}' and anchor_id(event) in rows.ids
            else:  # the previous series' final: its own page says what it is
                assert href == f'../{where}/schedule.html#{anchor_id(event)}'
    # schedule.rst itself is the page: every event's section, title and text, is on it.
    text = _page_text(html)
    for event in own.values():
        assert event.title in text
        first = next((p for p in event.text.split('\n\n') if '`' not in p and '<' not in p), '')
        assert ' '.join(first.split()[:8]) in text, event.anchor


@pytest.mark.parametrize('series', CALENDAR_SERIES)
def test_ics_has_one_event_per_scheduled_event(site: BuildResult, series: str) -> None:
    cal = icalendar.Calendar.from_ical((site.html / 'calendar' / series / 'schedule.ics').read_bytes())
    events = list(cal.walk('VEVENT'))
    expected = _occurrences(series)
    assert len(events) == len(expected) > 20
    texts = _texts()
    assert len({str(e['uid']) for e in events}) == len(events)
    for vevent, (start, event, kind) in zip(events, expected, strict=True):
        assert vevent.decoded('dtstart') == dt.date.fromisoformat(start)
        assert vevent.decoded('dtend') > vevent.decoded('dtstart')
        where, title = texts.get(event, (series, event))  # z-final: no page has it, its name is its title
        assert str(vevent['summary']) == title
        assert str(vevent['url']).endswith(f'{where}/schedule.html#{anchor_id(event)}' if where != series
                                           else f'schedule.html#{anchor_id(event)}')
        assert str(vevent['url']) in str(vevent['description'])
        assert vevent['categories'].to_ical() == (b'cross-project' if kind == 'x-project' else b'project-specific')


def test_current_week_marked_on_the_current_series_only(site: BuildResult) -> None:
    marked = {s: [i for i, r in _rows(read(site.html, f'calendar/{s}/schedule.html')).rows.items()
                  if 'rt-current-week' in str(r['class'])] for s in CALENDAR_SERIES}
    assert marked == {'antelope': [], 'bobcat': [], 'gazpacho': [], 'hibiscus': ['w-2026-08-24']}
    row = _rows(read(site.html, 'calendar/hibiscus/schedule.html')).rows['w-2026-08-24']
    assert row['cells'][0] == 'R-5 this week'  # type: ignore[index]


def test_series_pages_link_schedule_ics_and_key(site: BuildResult) -> None:
    keys = read(site.html, 'signing-keys.html')
    status = yaml.safe_load((SAMPLE / 'data' / 'series_status.yaml').read_text())
    with_key = [s for s in status if 'signing-key' in s]
    assert len(with_key) >= 4
    for s in with_key:
        key = s['signing-key']
        row = re.search(rf'<tr id="k-{s["name"]}">(.*?)</tr>', keys)
        assert row, s['name']
        assert f'<code>{key["key"]}</code>' in row.group(1)
        assert f'<td>{key["start"]}</td><td>{key["end"]}</td>' in row.group(1)
        page = read(site.html, f'series/{s["name"]}.html')
        assert f'href="../signing-keys.html#k-{s["name"]}">{key["key"]}</a>' in page
    for series in ('gazpacho', 'hibiscus'):
        page = read(site.html, f'series/{series}.html')
        assert f'href="../calendar/{series}/schedule.html"' in page
        assert f'href="../calendar/{series}/schedule.ics"' in page
        schedule = read(site.html, f'calendar/{series}/schedule.html')
        assert 'href="schedule.ics"' in schedule and f'href="../../series/{series}.html"' in schedule
    assert 'schedule.html' not in read(site.html, 'series/flamingo.html')  # no calendar in the sample
    assert 'href="signing-keys.html"' in read(site.html, 'index.html')


def test_event_texts_and_plain_text() -> None:
    rst = (SAMPLE / 'doc' / 'source' / 'gazpacho' / 'schedule.rst').read_text()
    texts = event_texts(rst)
    assert texts['g-1'].title == 'Gazpacho-1 milestone'
    assert texts['g-1'].text.startswith('November 13, 2025 is the Gazpacho-1 milestone.')
    assert texts['g-nova-spec-freeze'].title == 'Nova Spec Freeze'  # a ^^^ subsection
    assert 'release:cycle-with-rc' not in texts  # an external link target, not an event
    assert plain_text('See `the site <https://x.example/>`_ and `Election site`_.\n\nNext ``lit``.') == \
        'See the site (https://x.example/) and Election site.\n\nNext lit.'
    schedule = load_schedule(SAMPLE, 'gazpacho')
    assert schedule is not None
    r17 = next(w for w in schedule.weeks if w.name == 'R-17')
    assert r17.events == ('g-cycle-trail',)
    assert r17.project_events == ('g-nova-spec-review-day', 'g-nova-spec-freeze')


def test_build_today_is_overridable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TODAY_ENV, '2026-01-02')
    assert build_today() == dt.date(2026, 1, 2)
    monkeypatch.setenv(TODAY_ENV, 'soon')
    with pytest.raises(UsageError, match='is not a date'):
        build_today()
    monkeypatch.delenv(TODAY_ENV)
    assert build_today() == dt.datetime.now(dt.UTC).date()


def test_rebuild_follows_the_clock_and_the_calendar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    today: None) -> None:
    root, out = write_calendar_tree(tmp_path / 'data').root, tmp_path / 'out'
    first = build_site(root, out, 1)
    assert first.warnings == ()
    assert build_site(root, out, 1).rebuilt == ()
    # Another week: only the current series' schedule page is read again, and it marks the new week.
    monkeypatch.setenv(TODAY_ENV, '2026-09-01')
    moved = build_site(root, out, 1)
    assert moved.rebuilt == ('calendar/hibiscus/schedule',)
    assert 'id="w-2026-08-31" class="rt-current-week"' in read(out / 'html', 'calendar/hibiscus/schedule.html')
    # A changed schedule.yaml re-reads its page, and the .ics follows.
    path = root / 'doc' / 'source' / 'gazpacho' / 'schedule.yaml'
    path.write_text(path.read_text().replace("name: R-24\n", "name: R-24\n    x-project:\n      - g-1\n", 1))
    changed = build_site(root, out, 1)
    assert changed.rebuilt == ('calendar/gazpacho/schedule',)
    ics = icalendar.Calendar.from_ical((out / 'html' / 'calendar' / 'gazpacho' / 'schedule.ics').read_bytes())
    assert len(list(ics.walk('VEVENT'))) == len(_occurrences('gazpacho')) + 1
    # A removed calendar takes its page and its .ics with it.
    path.unlink()
    gone = build_site(root, out, 1)
    assert 'series/gazpacho' in gone.rebuilt  # it links the schedule no more
    assert not (out / 'html' / 'calendar' / 'gazpacho' / 'schedule.html').exists()
    assert not (out / 'html' / 'calendar' / 'gazpacho' / 'schedule.ics').exists()
    assert 'schedule' not in read(out / 'html', 'series/gazpacho.html')


def test_contributor_text_stays_text(tmp_path: Path, today: None) -> None:
    data = write_small_tree(tmp_path / 'data')
    data.write_bytes('doc/source/hibiscus/schedule.yaml', b"""\
cycle:
  - start: '2026-08-24'
    end: '2026-08-28'
    name: R-5
    x-project: [h-evil, h-nothing]
""")
    data.write_bytes('doc/source/hibiscus/schedule.rst', b"""\
Evil schedule
=============

.. datatemplate::
   :source: ../../../data/series_status.yaml

.. datatemplate::
   :source: schedule.yaml

.. ics::
   :source: schedule.yaml

.. raw:: html

   <script>alert(1)</script>

.. include:: /etc/hostname

.. _h-evil:

<script>alert(2)</script>
-------------------------

Go to `here <javascript:alert(3)>`_.
""")
    result = build_site(data.root, tmp_path / 'out', 1)
    html = read(result.html, 'calendar/hibiscus/schedule.html')
    assert '<script>alert' not in html
    assert '&lt;script&gt;alert(2)&lt;/script&gt;' in html  # the event's title, in the table and as heading
    assert 'href="javascript:' not in html
    assert html.count('class="rt-t rt-cal"') == 1  # the other source is refused, with a warning
    assert any('datatemplate' in w and 'schedule.yaml' in w for w in result.warnings)
    assert any('raw' in w.lower() for w in result.warnings)
    rows = _rows(html).rows['w-2026-08-24']
    assert [e[0] for e in rows['events']] == ['h-evil', 'h-nothing']  # type: ignore[attr-defined]
    assert rows['events'][1][1] == ''  # type: ignore[index]  # no section: its name, not a link
    ics = icalendar.Calendar.from_ical((result.html / 'calendar' / 'hibiscus' / 'schedule.ics').read_bytes())
    assert [str(e['summary']) for e in ics.walk('VEVENT')] == ['<script>alert(2)</script>', 'h-nothing']


def test_a_calendar_without_its_rst_gets_a_page(tmp_path: Path, today: None) -> None:
    data = write_small_tree(tmp_path / 'data')
    data.write_bytes('doc/source/hibiscus/schedule.yaml', b"""\
cycle:
  - start: 2026-08-24
    end: 2026-08-28
    name: R-5
    x-project: [h-3]
    project-specific: [h-nova-freeze]
""")
    result = build_site(data.root, tmp_path / 'out', 1)
    assert result.warnings == ()
    html = read(result.html, 'calendar/hibiscus/schedule.html')
    row = _rows(html).rows['w-2026-08-24']
    assert row['events'] == [['h-3', '', 'h-3', '2'], ['h-nova-freeze', '', 'h-nova-freeze', '3']]
    assert 'rt-current-week' in str(row['class'])
    ics = icalendar.Calendar.from_ical((result.html / 'calendar' / 'hibiscus' / 'schedule.ics').read_bytes())
    assert [str(e['summary']) for e in ics.walk('VEVENT')] == ['h-3', 'h-nova-freeze']


def test_a_calendar_linked_out_of_the_repository_is_refused(tmp_path: Path, today: None) -> None:
    data = write_small_tree(tmp_path / 'data')
    data.write_bytes('doc/source/hibiscus/schedule.yaml', b"cycle:\n  - {start: 2026-08-24, end: 2026-08-28}\n")
    secret = tmp_path / 'secret.rst'
    secret.write_text('Secret\n======\n\nthe build machine\'s file\n')
    (data.root / 'doc' / 'source' / 'hibiscus' / 'schedule.rst').symlink_to(secret)
    result = build_site(data.root, tmp_path / 'out', 1)
    assert any('schedule.rst: a link out of the data repository' in w for w in result.warnings)
    assert not (result.html / 'calendar').exists()
    assert 'build machine' not in ''.join(p.read_text() for p in result.html.rglob('*.html'))
