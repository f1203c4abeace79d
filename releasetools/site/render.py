"""HTML fragments of the pages, from the site data: pure functions, no Sphinx.

The directive hands these fragments to Sphinx as raw HTML. Building the
tables as docutils nodes would cost most of the build time (docutils walks
every node of every table when writing) for the same output.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from ..core.model import INDEPENDENT
from ..core.textsafety import safe_link
from ..core.versions import parse_special
from .calendar import ics_path
from .data import SiteConfig, SiteData, SiteDeliverable, SiteRelease, fill_template
from .pages import SiteMap

__all__ = ['Ctx', 'link_html', 'release_links', 'render_page']

_TYPE_TITLES = {
    'service': 'Services', 'library': 'Libraries', 'client-library': 'Client libraries',
    'horizon-plugin': 'Horizon plugins', 'tempest-plugin': 'Tempest plugins', 'trailing': 'Trailing deliverables',
    'other': 'Other deliverables',
}


@dataclass(frozen=True)
class Ctx:
    """What a fragment needs: the data, where pages are, and which page it is for."""

    data: SiteData
    smap: SiteMap
    docname: str

    def file_url(self, path: str) -> str:
        """A relative link from this page to the file ``path`` of the site."""
        return posixpath.relpath(path, posixpath.dirname(self.docname) or '.')

    def url(self, target: str, anchor: str = '') -> str:
        """A relative link from this page to the page ``target`` (a docname)."""
        if target == self.docname:
            return f'#{anchor}' if anchor else '#'
        href = posixpath.relpath(f'{target}.html', posixpath.dirname(self.docname) or '.')
        return f'{href}#{anchor}' if anchor else href


def link_html(href: str, text: str, cls: str = '') -> str:
    """A link to ``href``; text only when the URL is not http(s), mailto or relative (data can say anything)."""
    if not safe_link(href):
        return f'<span class="rt-unsafe-link">{escape(text)}</span>'
    c = f' class="{cls}"' if cls else ''
    return f'<a{c} href="{escape(href)}">{escape(text)}</a>'


_a = link_html


def _tarball_base(d: SiteDeliverable, repo: str, explicit: str | None) -> str:
    settings = d.repo(repo)
    return explicit or (settings.tarball_base if settings else None) or repo.rsplit('/', 1)[-1]


def release_links(cfg: SiteConfig, d: SiteDeliverable, r: SiteRelease) -> list[tuple[str, str]]:
    """(label, url) of each link of a release: tarball, signature, PyPI, commit, per repository."""
    links = []
    special = parse_special(r.version) is not None
    many = len(r.projects) > 1
    for repo, sha, tarball in r.projects:
        short = repo.rsplit('/', 1)[-1]
        prefix = f'{short} ' if many else ''
        settings = d.repo(repo)
        base = _tarball_base(d, repo, tarball)
        fmt = {'repo': repo, 'tarball': base, 'version': r.version, 'hash': sha,
               'name': (settings.pypi_name if settings and settings.pypi_name else base)}
        if not special and d.artifacts and not (settings and settings.no_artifacts):
            links.append((f'{prefix}tar.gz', fill_template(cfg.tarball_url, fmt)))
            if r.signed:
                links.append((f'{prefix}sig', fill_template(cfg.signature_url, fmt)))
            if d.include_pypi_link:
                links.append((f'{prefix}PyPI', fill_template(cfg.pypi_url, fmt)))
        links.append((f'{prefix}{sha[:10]}', fill_template(cfg.commit_url, fmt)))
    return links


def _versions(ctx: Ctx, d: SiteDeliverable) -> str:
    if not d.releases:
        return '<p class="rt-none">No releases.</p>'
    rows = []
    cfg = ctx.data.config
    for r in reversed(d.releases):
        links = ' '.join(_a(u, t) for t, u in release_links(cfg, d, r))
        rows.append(f'<tr><td>{escape(r.version)}</td><td>{links}</td></tr>')
    return '<table class="rt-v"><tr><th>Version</th><th>Links</th></tr>' + ''.join(rows) + '</table>'


def _keys(d: SiteDeliverable) -> str:
    return escape(f'{d.name} {d.team} {d.type} {d.series}'.lower())


def _filter_box(what: str) -> str:
    return (f'<p class="rt-filter"><input id="rt-q" type="search" placeholder="Filter {escape(what)}" '
            'aria-label="Filter"> <span id="rt-n"></span></p>')


def _notes(d: SiteDeliverable) -> str:
    return ' '.join(_a(url, label) for label, url in d.release_notes)


def _series_label(ctx: Ctx, series: str) -> str:
    if series == INDEPENDENT:
        return _a(ctx.url('independent'), 'independent')
    return _a(ctx.url(ctx.smap.series[series]), series)


def _summary(ctx: Ctx, delivs: Sequence[SiteDeliverable], *, series_col: bool = False, anchors: bool = True) -> str:
    head = '<th>Series</th>' if series_col else ''
    rows = []
    for d in delivs:
        name = _a(ctx.url(ctx.docname, f'd-{d.name}') if anchors else ctx.url(ctx.smap.deliverables[d.name]), d.name)
        ser = f'<td>{_series_label(ctx, d.series)}</td>' if series_col else ''
        rows.append(f'<tr data-k="{_keys(d)}">{ser}<td>{name}</td><td>{_a(ctx.url(ctx.smap.teams[d.team]), d.team)}'
                    f'</td><td>{escape(d.latest or "")}</td><td>{_notes(d)}</td></tr>')
    return (f'<table class="rt-s rt-t">{"<tr>" + head}<th>Deliverable</th><th>Team</th><th>Latest version</th>'
            f'<th>Release notes</th></tr>' + ''.join(rows) + '</table>')


def _block(ctx: Ctx, d: SiteDeliverable, title: str, level: int = 3) -> str:
    """One deliverable's section: a heading, facts and every version with its links."""
    facts = [f'team {_a(ctx.url(ctx.smap.teams[d.team]), d.team)}', f'type {escape(d.type)}',
             f'model {escape(d.model)}']
    if ctx.docname != ctx.smap.deliverables[d.name]:
        facts.append(_a(ctx.url(ctx.smap.deliverables[d.name]), 'all series'))
    notes = _notes(d)
    if notes:
        facts.append(notes)
    return (f'<section class="rt-d" id="d-{escape(d.name)}" data-k="{_keys(d)}">'
            f'<h{level}>{escape(title)}</h{level}><p class="rt-facts">{" · ".join(facts)}</p>'
            f'{_versions(ctx, d)}</section>')


def _grouped(ctx: Ctx, delivs: Sequence[SiteDeliverable]) -> str:
    groups: dict[str, list[SiteDeliverable]] = {}
    for d in delivs:
        groups.setdefault(d.type, []).append(d)
    order = [t for t in _TYPE_TITLES if t in groups] + sorted(t for t in groups if t not in _TYPE_TITLES)
    out = []
    for t in order:
        out.append(f'<h2 id="t-{escape(t)}">{escape(_TYPE_TITLES.get(t, t))}</h2>')
        out.extend(_block(ctx, d, d.name) for d in groups[t])
    return ''.join(out)


def _home(ctx: Ctx) -> str:
    data = ctx.data
    current = data.current
    counts: dict[str, int] = {}
    for d in data.deliverables.values():
        counts[d.series] = counts.get(d.series, 0) + 1
    ordered = ([current] if current else []) + [s for s in data.series if s is not current]
    rows = []
    for s in ordered:
        phase = ''
        if s.next_phase:
            phase = escape(s.next_phase[0]) + (f' from {escape(s.next_phase[1])}' if s.next_phase[1] else '')
        cls = ' class="rt-current"' if s is current else ''
        rows.append(f'<tr{cls}><td>{_a(ctx.url(ctx.smap.series[s.name]), s.name)}</td>'
                    f'<td>{escape(s.release_id or "")}</td><td>{escape(s.status)}</td>'
                    f'<td>{escape(s.initial_release or "")}</td><td>{phase}</td><td>{counts.get(s.name, 0)}</td></tr>')
    links = [_a(ctx.url('independent'), 'Independent deliverables'), _a(ctx.url('teams'), 'Teams'),
             _a(ctx.url('deliverables'), 'All deliverables'), _a('releases.json', 'JSON export'),
             _a('atom.xml', 'Atom feed'), _a(ctx.url(ctx.smap.keys), 'Signing keys')]
    return ('<p class="rt-links">' + ' · '.join(links) + '</p>'
            '<table class="rt-t"><tr><th>Series</th><th>Release</th><th>Status</th><th>Initial release</th>'
            '<th>Next phase</th><th>Deliverables</th></tr>' + ''.join(rows) + '</table>')


def _series(ctx: Ctx, name: str, delivs: Sequence[SiteDeliverable]) -> str:
    s = next(x for x in ctx.data.series if x.name == name)
    facts = [f'release {escape(s.release_id or "?")}', f'status {escape(s.status)}']
    if s.initial_release:
        facts.append(f'initial release {escape(s.initial_release)}')
    if name in ctx.smap.highlights:
        facts.append(_a(ctx.url(ctx.smap.highlights[name]), 'highlights'))
    if name in ctx.smap.schedules:
        facts.append(_a(ctx.url(ctx.smap.schedules[name]), 'schedule'))
        facts.append(_a(ctx.file_url(ics_path(ctx.smap.schedules[name])), 'schedule.ics'))
    if s.signing_key:
        facts.append('signed with key ' + _a(ctx.url(ctx.smap.keys, f'k-{s.name}'), s.signing_key[0], 'rt-key'))
    if not delivs:
        return f'<p class="rt-facts">{" · ".join(facts)}</p><p class="rt-none">No deliverables.</p>'
    return (f'<p class="rt-facts">{" · ".join(facts)}</p>{_filter_box("deliverables")}'
            + _summary(ctx, delivs) + _grouped(ctx, delivs))


def _team(ctx: Ctx, team: str, delivs: Sequence[SiteDeliverable]) -> str:
    rows = []
    for d in delivs:
        versions = ', '.join(escape(r.version) for r in reversed(d.releases)) or '<em>none</em>'
        rows.append(f'<tr data-k="{_keys(d)}"><td>{_series_label(ctx, d.series)}</td>'
                    f'<td>{_a(ctx.url(ctx.smap.deliverables[d.name]), d.name)}</td><td>{escape(d.type)}</td>'
                    f'<td>{versions}</td></tr>')
    return (_filter_box('deliverables') + '<table class="rt-t"><tr><th>Series</th><th>Deliverable</th><th>Type</th>'
            '<th>Versions</th></tr>' + ''.join(rows) + '</table>')


def _deliverable(ctx: Ctx, delivs: Sequence[SiteDeliverable]) -> str:
    out = []
    for d in delivs:
        label = 'Independent' if d.series == INDEPENDENT else f'{d.series.capitalize()} series'
        out.append(_block(ctx, d, label, level=2).replace(f'id="d-{escape(d.name)}"', f'id="s-{escape(d.series)}"', 1))
    return ''.join(out)


def _teams(ctx: Ctx) -> str:
    names: dict[str, set[str]] = {}
    for d in ctx.data.deliverables.values():
        names.setdefault(d.team, set()).add(d.name)
    rows = []
    for team, doc in ctx.smap.teams.items():
        delivs = ', '.join(_a(ctx.url(ctx.smap.deliverables[n]), n) for n in sorted(names[team]))
        rows.append(f'<tr data-k="{escape((team + " " + " ".join(names[team])).lower())}">'
                    f'<td>{_a(ctx.url(doc), team)}</td><td>{delivs}</td></tr>')
    return (_filter_box('teams') + '<table class="rt-t"><tr><th>Team</th><th>Deliverables</th></tr>'
            + ''.join(rows) + '</table>')


def _all(ctx: Ctx) -> str:
    series: dict[str, list[str]] = {}
    order = ctx.data.series_order()
    for d in ctx.data.deliverables.values():
        series.setdefault(d.name, []).append(d.series)
    rows = []
    for name, doc in ctx.smap.deliverables.items():
        where = ', '.join(_series_label(ctx, s) for s in sorted(series[name], key=lambda s: order.get(s, 0)))
        rows.append(f'<tr data-k="{escape(name.lower())}"><td>{_a(ctx.url(doc), name)}</td><td>{where}</td></tr>')
    return (_filter_box('deliverables') + '<table class="rt-t"><tr><th>Deliverable</th><th>Series</th></tr>'
            + ''.join(rows) + '</table>')


def _keys_page(ctx: Ctx) -> str:
    """Each series' signing key: the key id, and when it started and stopped signing."""
    rows = []
    for s in ctx.data.series:
        if s.signing_key is None:
            continue
        key, start, end = s.signing_key
        rows.append(f'<tr id="k-{escape(s.name)}"><td>{_a(ctx.url(ctx.smap.series[s.name]), s.name)}</td>'
                    f'<td><code>{escape(key)}</code></td><td>{escape(start)}</td><td>{escape(end)}</td></tr>')
    if not rows:
        return '<p class="rt-none">No series names a signing key.</p>'
    return ('<p>Releases of a series are signed with its key. Each key id is the key\'s fingerprint.</p>'
            '<table class="rt-t rt-keys"><tr><th>Series</th><th>Key id</th><th>Start</th><th>End</th></tr>'
            + ''.join(rows) + '</table>')


def render_page(ctx: Ctx, kind: str, key: str, delivs: Iterable[SiteDeliverable]) -> str:
    """The HTML of a page's body (below its title)."""
    delivs = list(delivs)
    if kind == 'home':
        return _home(ctx)
    if kind == 'series':
        return _series(ctx, key, delivs)
    if kind == 'independent':
        if not delivs:
            return '<p class="rt-none">No independent deliverables.</p>'
        return _filter_box('deliverables') + _summary(ctx, delivs) + _grouped(ctx, delivs)
    if kind == 'team':
        return _team(ctx, key, delivs)
    if kind == 'deliverable':
        return _deliverable(ctx, delivs)
    if kind == 'teams':
        return _teams(ctx)
    if kind == 'deliverables':
        return _all(ctx)
    if kind == 'keys':
        return _keys_page(ctx)
    raise ValueError(f'no such page kind: {kind}')
