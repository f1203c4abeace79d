"""The Sphinx extension that renders the releases site from a data repository.

Use it from ``releasetools site`` (which runs Sphinx with it), or from a
``conf.py`` of a *dedicated* source directory::

    extensions = ['releasetools.site.ext']
    releasetools_root = '/path/to/data-repository'

At ``builder-inited`` it reads the data (through a parse cache kept with the
doctrees) and writes the page sources into the source directory, each only
when its text changed. The ``rt-page`` directive renders a page and notes the
data files it shows as dependencies, so Sphinx re-reads exactly the pages
whose files changed. The JSON export and the Atom feed are written when the
build finishes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import posixpath
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, switch_source_input

from ..core.textsafety import UNTRUSTED_RST_SETTINGS, remote_url, safe_link
from ..data import atomic
from ..data.load import SERIES_STATUS
from .calendar import Calendar, build_today, current_week, find_event, ics_bytes, ics_path, week_id, weeks_html
from .data import TEMPLATE_FIELDS, SiteConfig, SiteData, load_site_data, template_problem
from .feeds import atom_feed, json_export
from .pages import SiteMap, plan_pages, site_map, sync_sources
from .render import Ctx, link_html, render_page

__all__ = ['RtPage', 'SafeLinks', 'ScheduleIcs', 'ScheduleTable', 'defuse', 'setup']

logger = logging.getLogger(__name__)

THEME_DIR = Path(__file__).parent / 'theme'

#: Config values of the extension and the SiteConfig field each one sets.
_CONFIG = {f'releasetools_{name}': name for name in SiteConfig.__dataclass_fields__}


@dataclass
class _State:
    """The data of the build in progress; forked parallel readers inherit it."""

    data: SiteData
    smap: SiteMap
    sources_written: list[str]
    read: list[str] = field(default_factory=list)
    marks: dict[str, str] = field(default_factory=dict)  # schedule page -> id of the week it marks ('' none)
    today: dt.date = field(default_factory=dt.date.today)  # the build's date (calendar.build_today)


class _Current:
    """Holds the state of the build in progress (one Sphinx build at a time per process)."""

    state: _State | None = None

#: Fewer pages to read than this are read (and written) in one process.
SERIAL_BELOW = 40


def current_state() -> _State | None:
    """The state of the last build in this process (for the command's report)."""
    return _Current.state


class RtPage(SphinxDirective):
    """``.. rt-page:: KIND [KEY]`` with the data files the page shows as content."""

    required_arguments = 1
    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True

    def run(self) -> list[nodes.Node]:
        state = _Current.state
        assert state is not None, 'rt-page runs only in a build set up by releasetools.site.ext'
        kind = self.arguments[0]
        key = self.arguments[1] if len(self.arguments) > 1 else ''
        root = state.data.root
        files = [line.strip() for line in self.content if line.strip()]
        for rel in files:
            self.env.note_dependency(root / rel)
        if kind in ('home', 'series', 'keys'):
            self.env.note_dependency(root / SERIES_STATUS)
        delivs = [state.data.deliverables[rel] for rel in files if rel in state.data.deliverables]
        if kind == 'highlights':
            return self._highlights(state, delivs)
        html = render_page(Ctx(state.data, state.smap, self.env.docname), kind, key, delivs)
        return [nodes.raw('', html, format='html')]

    def _highlights(self, state: _State, delivs: list[Any]) -> list[nodes.Node]:
        """Highlights are reStructuredText written by the teams: parse them, under a heading per team."""
        ctx = Ctx(state.data, state.smap, self.env.docname)
        out: list[nodes.Node] = []
        team = None
        for d in delivs:
            if d.team != team:
                team = d.team
                out.append(nodes.raw('', f'<h2><a href="{escape(ctx.url(state.smap.teams[team]))}">'
                                         f'{escape(team)}</a></h2>', format='html'))
            lines = StringList()
            starts = d.highlight_lines or (1,) * len(d.highlights)
            for text, start in zip(d.highlights, starts, strict=False):
                # Each line carries its place in the data file: warnings name the file and line.
                stripped = text.strip()
                first = start - 1 + text[:text.find(stripped)].count('\n') if stripped else start - 1
                body = stripped.splitlines() or ['']
                lines.append(f'* {body[0]}', d.path, first)
                for n, extra in enumerate(body[1:], 1):
                    lines.append(f'  {extra}', d.path, first + n)
                lines.append('', d.path, first + len(body))
            box = nodes.container(classes=['rt-hl'])
            href = escape(ctx.url(state.smap.deliverables[d.name]))
            box += nodes.raw('', f'<h3><a href="{href}">{escape(d.name)}</a></h3>', format='html')
            box.extend(self._parse_untrusted(lines).children)
            out.append(box)
        return out

    def _parse_untrusted(self, lines: StringList) -> nodes.Element:
        """Contributor RST, parsed with raw HTML and file insertion off.

        A nested parse runs with the settings of the page's document, so they
        are set on the document itself (the builder sets them for every page
        too: the page sources need neither). Whatever raw HTML still came out
        is dropped; links, images and downloads are defused by :class:`SafeLinks`.
        """
        settings = self.state.document.settings
        for key, value in UNTRUSTED_RST_SETTINGS.items():
            setattr(settings, key, value)
        parsed = nodes.container()
        with switch_source_input(self.state, lines):  # messages name the data file and line
            self.state.nested_parse(lines, 0, parsed)
        for raw in list(parsed.findall(nodes.raw)):
            raw.parent.remove(raw)
        return parsed


class _ScheduleDirective(SphinxDirective):
    """A directive of schedule.rst: only on a series' schedule page, only on that series' own calendar."""

    has_content = False
    option_spec = {'source': directives.unchanged, 'template': directives.unchanged, 'name': directives.unchanged}

    def _calendar(self) -> tuple[_State, Calendar] | None:
        state = _Current.state
        series = next((s for s, doc in state.smap.schedules.items() if doc == self.env.docname), None) \
            if state is not None else None
        source = self.options.get('source', 'schedule.yaml')
        if state is None or series is None or source != 'schedule.yaml':
            logger.warning('%s: only a series\' schedule.rst may use it, with :source: schedule.yaml',
                           self.name, location=self.get_location(), type='releasetools', subtype='calendar')
            return None
        cal = state.data.calendars[series]
        self.env.note_dependency(cal.yaml_path)
        return state, cal

    def run(self) -> list[nodes.Node]:
        found = self._calendar()
        if found is None:
            return []
        state, cal = found
        return self.render(state, cal, Ctx(state.data, state.smap, self.env.docname))

    def render(self, state: _State, cal: Calendar, ctx: Ctx) -> list[nodes.Node]:
        raise NotImplementedError


class ScheduleTable(_ScheduleDirective):
    """``.. datatemplate::`` of schedule.rst: the table of the weeks and their events."""

    def render(self, state: _State, cal: Calendar, ctx: Ctx) -> list[nodes.Node]:
        for event in {e for _, e in cal.occurrences()}:
            where = find_event(state.data.calendars, cal.series, event)
            if where is not None and where[0] != cal.series:  # the previous series' final, say
                self.env.note_dependency(state.data.calendars[where[0]].rst_path)
        current = state.data.current
        marked = current_week(cal, current.name if current else None, state.today)
        urls = {s: ctx.url(doc) for s, doc in state.smap.schedules.items()}
        return [nodes.raw('', weeks_html(state.data.calendars, cal.series, marked, urls), format='html')]


class ScheduleIcs(_ScheduleDirective):
    """``.. ics::`` of schedule.rst: the series' ``schedule.ics`` (written when the build ends), linked."""

    def render(self, state: _State, cal: Calendar, ctx: Ctx) -> list[nodes.Node]:
        links = [link_html('schedule.ics', 'schedule.ics', 'rt-ics'),
                 f'{len(cal.occurrences())} events',
                 link_html(ctx.url(state.smap.series[cal.series]), f'{cal.series.capitalize()} series')]
        return [nodes.raw('', f'<p class="rt-facts">iCalendar: {" · ".join(links)}</p>', format='html')]


def _marks(data: SiteData, smap: SiteMap, today: dt.date) -> dict[str, str]:
    current = data.current
    out = {}
    for series, doc in smap.schedules.items():
        week = current_week(data.calendars[series], current.name if current else None, today)
        out[doc] = week_id(week) if week else ''
    return out


def _marks_file(app: Sphinx) -> Path:
    return Path(app.doctreedir) / 'releasetools-marks.json'


def _outdated(app: Sphinx, env: Any, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    """Schedule pages whose current week moved since the last build (the clock, not a file, changed)."""
    state = _Current.state
    if state is None:
        return []
    try:
        old = json.loads(_marks_file(app).read_text(encoding='utf-8'))
    except (OSError, ValueError):
        old = {}
    return [doc for doc, mark in state.marks.items()
            if doc in env.all_docs and doc not in added | changed and old.get(doc) != mark]


def _orphan_schedule(app: Sphinx, doctree: nodes.document) -> None:
    """schedule.rst is published unchanged: it is in no toctree, and says so here, not in its text."""
    state = _Current.state
    if state is not None and app.env.docname in state.smap.schedules.values():
        app.env.metadata[app.env.docname]['orphan'] = True


def _write_calendars(app: Sphinx, state: _State, out: Path) -> None:
    base = state.data.config.base_url.rstrip('/')
    for series, doc in state.smap.schedules.items():
        def page_url(where: str, doc: str = doc) -> str:
            target = state.smap.schedules[where]
            return f'{base}/{target}.html' if base else posixpath.relpath(f'{target}.html', posixpath.dirname(doc))

        s = next(x for x in state.data.series if x.name == series)
        title = f'{s.release_id or ""} {series.capitalize()}'.strip()
        path = out / ics_path(doc)
        text = ics_bytes(state.data.calendars, series, title, page_url)
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            if path.read_bytes() == text:
                continue
        path.write_bytes(text)
    atomic.write_bytes(_marks_file(app), json.dumps(state.marks, sort_keys=True).encode())


def defuse(doctree: nodes.Node) -> None:
    """Links and files no page may carry, made text: a live link only to http(s), mailto or relative.

    * a reference to any other scheme (``javascript:``, ``data:``) becomes its text;
    * an image that is not an http(s) URL becomes its alternative text, before
      Sphinx would copy the file it names into the site;
    * a download (Sphinx copies the file) becomes its text;
    * ``meta`` elements (a refresh to anywhere) are dropped.
    """
    from sphinx import addnodes

    for ref in list(doctree.findall(nodes.reference)):
        uri = ref.get('refuri')
        if isinstance(uri, str) and not safe_link(uri):
            ref.replace_self(nodes.inline(ref.rawsource, '', *ref.children, classes=['rt-unsafe-link']))
    for image in list(doctree.findall(nodes.image)):
        uri = image.get('uri', '')
        if not remote_url(uri):
            image.replace_self(nodes.inline('', str(image.get('alt', uri)), classes=['rt-unsafe-link']))
    for download in list(doctree.findall(addnodes.download_reference)):
        download.replace_self(nodes.inline(download.rawsource, '', *download.children, classes=['rt-unsafe-link']))
    for meta in list(doctree.findall(nodes.meta)):
        meta.parent.remove(meta)


class SafeLinks(SphinxTransform):
    """Runs :func:`defuse` once references are resolved and before images are collected."""

    # After docutils resolves named and anonymous targets (ExternalTargets, 640);
    # Sphinx collects images and downloads at doctree-read, after every transform.
    default_priority = 700

    def apply(self, **kwargs: Any) -> None:
        defuse(self.document)


def _doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    # Again after Sphinx resolved its cross-references at write time.
    defuse(doctree)


def code_digest() -> str:
    """A digest of the site's code and theme: a new releasetools renders every page again."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    # textsafety decides what of the data's text a page may carry: a change there re-renders too.
    # core/calendar.py and data/calendar.py read the calendars the schedule pages show.
    for path in sorted([*here.glob('*.py'), here.parent / 'core' / 'textsafety.py',
                        here.parent / 'core' / 'calendar.py', here.parent / 'data' / 'calendar.py',
                        *THEME_DIR.rglob('*.*')]):
        digest.update(path.name.encode() + b'\0' + path.read_bytes())
    return digest.hexdigest()[:16]


def _config_inited(app: Sphinx, config: Config) -> None:
    # Compared with the environment's like any setting: code changes re-read everything.
    config.releasetools_code = code_digest()
    # The site's own look: one small stylesheet, no sidebars (a sidebar listing
    # every page makes big builds quadratic), no search index, no source copies.
    config.html_theme = 'releasetools'
    config.html_sidebars = {'**': []}
    config.html_use_index = False
    config.html_domain_indices = False
    config.html_copy_source = False
    config.html_show_sourcelink = False
    config.html_permalinks = False
    config.html_title = config.releasetools_title
    config.html_short_title = config.releasetools_title
    config.project = config.releasetools_title


def _builder_inited(app: Sphinx) -> None:
    if app.builder.format == 'html':
        app.builder.search = False  # type: ignore[attr-defined]
    # Every page of the site is generated; only contributor text is parsed as
    # RST, and it may neither insert raw HTML nor read a file.
    app.env.settings.update(UNTRUSTED_RST_SETTINGS)
    root = Path(app.config.releasetools_root or '.').resolve()
    site_config = SiteConfig(**{field: getattr(app.config, name) for name, field in _CONFIG.items()})
    for name, field_name in _CONFIG.items():
        if field_name.endswith('_url') and field_name != 'base_url':
            problem = template_problem(getattr(site_config, field_name))
            if problem is not None:  # set in a conf.py: data/site.yaml was checked when read
                raise ConfigError(f'{name}: {problem} (placeholders: {", ".join(TEMPLATE_FIELDS)})')
    data = load_site_data(root, Path(app.doctreedir) / 'releasetools-data.pickle', site_config,
                          cache_tag=app.config.releasetools_code)
    for problem in data.problems:
        logger.warning('left out of the site: %s', problem, type='releasetools', subtype='data')
    smap = site_map(data)
    written, removed = sync_sources(Path(app.srcdir), plan_pages(data, smap))
    # Sphinx forgets a removed document but leaves its page: a stale page must not be published.
    for docname in removed:
        Path(app.outdir, f'{docname}.html').unlink(missing_ok=True)
        Path(app.outdir, ics_path(docname)).unlink(missing_ok=True)
    today = build_today()
    _Current.state = _State(data, smap, written, marks=_marks(data, smap, today), today=today)


def _before_read(app: Sphinx, env: Any, docnames: list[str]) -> None:
    if _Current.state is not None:
        _Current.state.read = sorted(docnames)
    # A parallel read pickles the whole environment back from each worker:
    # for the few pages a one-file change touches, that costs more than it saves.
    if len(docnames) < SERIAL_BELOW:
        app.parallel = 1


def _write_if_changed(path: Path, text: str) -> None:
    try:
        if path.read_text(encoding='utf-8') == text:
            return
    except OSError:
        pass
    path.write_text(text, encoding='utf-8')


def _build_finished(app: Sphinx, exception: Exception | None) -> None:
    state = _Current.state
    if exception is not None or state is None or app.builder.format != 'html':
        return
    out = Path(app.outdir)
    with contextlib.suppress(OSError):  # Sphinx makes it even with html_copy_source off
        (out / '_sources').rmdir()
    _write_if_changed(out / 'releases.json', json_export(state.data, state.smap))
    _write_if_changed(out / 'atom.xml', atom_feed(state.data, state.smap))
    _write_calendars(app, state, out)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive, the theme, the settings and the hooks."""
    defaults = SiteConfig()
    app.add_config_value('releasetools_root', '', 'env', types=frozenset({str}))
    app.add_config_value('releasetools_code', '', 'env', types=frozenset({str}))
    for name, field_name in _CONFIG.items():
        app.add_config_value(name, getattr(defaults, field_name), 'env', types=frozenset({str}))
    app.add_html_theme('releasetools', str(THEME_DIR))
    app.add_directive('rt-page', RtPage)
    app.add_directive('datatemplate', ScheduleTable)
    app.add_directive('ics', ScheduleIcs)
    app.connect('env-get-outdated', _outdated)
    app.connect('doctree-read', _orphan_schedule, priority=900)
    app.add_transform(SafeLinks)
    app.connect('doctree-resolved', _doctree_resolved)
    app.connect('config-inited', _config_inited)
    app.connect('builder-inited', _builder_inited)
    app.connect('env-before-read-docs', _before_read)
    app.connect('build-finished', _build_finished)
    return {'version': '1', 'parallel_read_safe': True, 'parallel_write_safe': True}
