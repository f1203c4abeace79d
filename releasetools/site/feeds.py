"""The machine-readable outputs: a JSON export of every release and an Atom feed.

Both are plain files written next to the pages, not Sphinx documents: they
are rebuilt from the data on each build in a fraction of a second.
"""

from __future__ import annotations

import datetime
import json
from xml.sax.saxutils import escape as xml_escape

from ..core.model import INDEPENDENT
from .data import SiteData, SiteDeliverable
from .pages import SiteMap
from .render import link_html, release_links

__all__ = ['FEED_ENTRIES', 'atom_feed', 'json_export']

#: How many releases the Atom feed lists.
FEED_ENTRIES = 50


def _ordered(data: SiteData) -> list[SiteDeliverable]:
    order = data.series_order()
    return sorted(data.deliverables.values(), key=lambda d: (order.get(d.series, 1 << 30), d.name))


def json_export(data: SiteData, smap: SiteMap) -> str:
    """Every series and every release of every deliverable, with its links, as JSON."""
    delivs = []
    for d in _ordered(data):
        delivs.append({
            'name': d.name, 'series': d.series, 'team': d.team, 'type': d.type, 'model': d.model,
            'page': smap.deliverables[d.name] + '.html',
            'release-notes': [url for _, url in d.release_notes],
            'releases': [{
                'version': r.version,
                'projects': [{'repo': repo, 'hash': sha} for repo, sha, _ in r.projects],
                'links': dict(release_links(data.config, d, r)),  # label -> URL
            } for r in d.releases],
        })
    doc = {
        'series': [{'name': s.name, 'release-id': s.release_id, 'status': s.status,
                    'initial-release': s.initial_release} for s in data.series],
        'deliverables': delivs,
    }
    # Compact: the C encoder is used only without indentation (5x faster on 6,000 files).
    return json.dumps(doc, separators=(',', ':')) + '\n'


def _attr(value: str) -> str:
    """``value`` escaped once for a double-quoted XML attribute."""
    return xml_escape(value, {'"': '&quot;'})


def _stamp(ns: int) -> str:
    return datetime.datetime.fromtimestamp(ns / 1e9, datetime.UTC).strftime('%Y-%m-%dT%H:%M:%SZ')


def atom_feed(data: SiteData, smap: SiteMap) -> str:
    """The latest release of the most recently changed deliverable files, as Atom.

    The data holds no release dates, so recency is the file's modification
    time (in a checkout updated after each release, the files just released
    are the newest), ties broken by series order, newest series first.
    """
    order = data.series_order()
    delivs = [d for d in data.deliverables.values() if d.releases]
    delivs.sort(key=lambda d: (-d.mtime_ns, order.get(d.series, 1 << 30), d.name))
    base = data.config.base_url.rstrip('/') + '/' if data.config.base_url else ''
    entries = []
    for d in delivs[:FEED_ENTRIES]:
        r = d.releases[-1]
        where = 'independent' if d.series == INDEPENDENT else d.series
        anchor = f'#s-{d.series}'
        # The content is HTML carried as text: HTML-escaped once here, XML-escaped once below.
        links = ''.join(f'<li>{link_html(u, t)}</li>' for t, u in release_links(data.config, d, r))
        entries.append(
            '<entry>'
            f'<title>{xml_escape(d.name)} {xml_escape(r.version)} ({xml_escape(where)})</title>'
            f'<id>tag:releasetools,2026:{xml_escape(d.series)}/{xml_escape(d.name)}/{xml_escape(r.version)}</id>'
            f'<updated>{_stamp(d.mtime_ns)}</updated>'
            f'<link href="{_attr(base + smap.deliverables[d.name] + ".html" + anchor)}"/>'
            f'<content type="html">{xml_escape("<ul>" + links + "</ul>")}</content>'
            '</entry>')
    updated = _stamp(max((d.mtime_ns for d in delivs), default=0))
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<feed xmlns="http://www.w3.org/2005/Atom">'
            f'<title>{xml_escape(data.config.title)}: latest releases</title>'
            f'<id>tag:releasetools,2026:{xml_escape(data.config.base_url or "releases")}</id>'
            f'<updated>{updated}</updated><author><name>{xml_escape(data.config.title)}</name></author>'
            f'<link rel="self" href="{_attr(base + "atom.xml")}"/>'
            + '\n'.join(entries) + '</feed>\n')
