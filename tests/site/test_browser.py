"""The generated pages in a real browser: headless Chromium, the DOM after the page's script ran.

Chromium is Debian's ``chromium`` package (``.ci/run`` installs it). Without it
the tests are skipped here, and fail under CI (``CI=true``), where a skip
would hide that the browser tests never ran.
"""

from __future__ import annotations

import os
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from releasetools.site import BuildResult, build_site
from releasetools.site.calendar import TODAY_ENV
from tests.site.sitedata import SAMPLE, write_calendar_tree, write_small_tree


@pytest.fixture(scope='module')
def site(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    tmp = tmp_path_factory.mktemp('browser')
    return build_site(write_small_tree(tmp / 'data').root, tmp / 'out', 1)


def _run(chromium: str, profile: Path, *args: str) -> str:
    cmd = [chromium, '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync',
           '--disable-dev-shm-usage', f'--user-data-dir={profile}', *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=90, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


class _Dom(HTMLParser):
    """Rows of the page (their data-k and whether hidden), links, h1 and the filter count."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: dict[str, bool] = {}
        self.links: dict[str, str] = {}
        self.h1 = ''
        self.count = ''
        self._in: str | None = None
        self._href = ''

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == 'tr' and a.get('data-k'):
            self.rows[a['data-k'] or ''] = 'hidden' in a
        elif tag == 'a' and a.get('href'):
            self._in, self._href = 'a', a['href'] or ''
        elif tag == 'h1':
            self._in = 'h1'
        elif tag == 'span' and a.get('id') == 'rt-n':
            self._in = 'count'

    def handle_data(self, data: str) -> None:
        if self._in == 'a':
            self.links.setdefault(data, self._href)
        elif self._in == 'h1':
            self.h1 += data
        elif self._in == 'count':
            self.count += data

    def handle_endtag(self, tag: str) -> None:
        self._in = None


def _dom(chromium: str, profile: Path, url: str) -> _Dom:
    dom = _Dom()
    dom.feed(_run(chromium, profile, '--dump-dom', url))
    return dom


def test_filter_box_hides_rows(chromium: str, site: BuildResult, tmp_path: Path) -> None:
    url = (site.html / 'series' / 'hibiscus.html').as_uri()
    everything = _dom(chromium, tmp_path / 'p1', url)
    assert everything.h1 == 'Hibiscus series'
    assert everything.rows == {'horizon dashboard team service hibiscus': False,
                               'nova nova service hibiscus': False,
                               'python-novaclient nova client-library hibiscus': False}
    assert everything.count == ''

    filtered = _dom(chromium, tmp_path / 'p2', url + '?q=client')
    assert filtered.rows == {'horizon dashboard team service hibiscus': True,
                             'nova nova service hibiscus': True,
                             'python-novaclient nova client-library hibiscus': False}
    assert filtered.count == '1 shown'


def test_version_in_table_and_link_to_the_right_page(chromium: str, site: BuildResult, tmp_path: Path) -> None:
    page = site.html / 'team' / 'nova.html'
    dom_text = _run(chromium, tmp_path / 'p1', '--dump-dom', page.as_uri())
    row = re.search(r'<tr data-k="nova nova service hibiscus">(.*?)</tr>', dom_text)
    assert row and '<td>33.0.0, 33.0.0.0rc1</td>' in row.group(1)
    dom = _Dom()
    dom.feed(dom_text)
    target = urljoin(page.as_uri(), dom.links['python-novaclient'])
    assert Path(urlsplit(target).path) == site.html / 'deliverable' / 'python-novaclient.html'
    landed = _dom(chromium, tmp_path / 'p2', target)
    assert landed.h1 == 'python-novaclient'
    assert 'all series' not in landed.links  # on its own page, no link to itself


def test_screenshot(chromium: str, site: BuildResult, tmp_path: Path) -> None:
    shot = Path(os.environ.get('RELEASETOOLS_SCREENSHOT', tmp_path / 'hibiscus.png'))
    url = (site.html / 'series' / 'hibiscus.html').as_uri() + '?q=nova'
    _run(chromium, tmp_path / 'p', f'--screenshot={shot}', '--window-size=1280,900', '--hide-scrollbars', url)
    data = shot.read_bytes()
    assert data[:8] == b'\x89PNG\r\n\x1a\n'
    assert len(data) > 10_000  # a blank page is a few hundred bytes


@pytest.fixture(scope='module')
def calendar_site(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    if not (SAMPLE / 'doc' / 'source' / 'hibiscus' / 'schedule.yaml').is_file():
        pytest.skip(f'the upstream data sample is not at {SAMPLE}')
    tmp = tmp_path_factory.mktemp('browser-calendar')
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(TODAY_ENV, '2026-08-26')  # hibiscus (the sample's current series), week R-5
        return build_site(write_calendar_tree(tmp / 'data').root, tmp / 'out', 1)


def test_schedule_page_marks_the_current_week(chromium: str, calendar_site: BuildResult, tmp_path: Path) -> None:
    page = calendar_site.html / 'calendar' / 'hibiscus' / 'schedule.html'
    dom_text = _run(chromium, tmp_path / 'p1', '--dump-dom', page.as_uri())
    dom = _Dom()
    dom.feed(dom_text)
    assert dom.h1 == '2026.2 Hibiscus Release Schedule'
    marked = re.findall(r'<tr id="(w-[0-9-]+)" class="rt-current-week" aria-current="date">(.*?)</tr>', dom_text)
    assert [(ident, re.sub(r'<[^>]+>', '', cells)[:13]) for ident, cells in marked] == \
        [('w-2026-08-24', 'R-5 this week')]
    assert len(re.findall(r'<tr id="w-', dom_text)) == 27  # every week of the calendar
    # The previous series' final is described on its own schedule page: the link lands on that section.
    target = urljoin(page.as_uri(), dom.links['2026.1 Gazpacho release'])
    assert target.endswith('/calendar/gazpacho/schedule.html#g-final')
    landed = _run(chromium, tmp_path / 'p2', '--dump-dom', target)
    assert re.search(r'<span id="g-final"></span><h3>2026.1 Gazpacho release</h3>', landed)
    assert 'rt-current-week' not in landed  # gazpacho is not the current series
    ics = urljoin(page.as_uri(), dom.links['schedule.ics'])
    assert Path(urlsplit(ics).path).read_bytes().startswith(b'BEGIN:VCALENDAR')
    shot = tmp_path / 'schedule.png'
    _run(chromium, tmp_path / 'p3', f'--screenshot={shot}', '--window-size=1280,900', '--hide-scrollbars',
         page.as_uri())
    assert len(shot.read_bytes()) > 10_000
