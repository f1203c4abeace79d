"""Which pages the site has, and the short reStructuredText source of each.

A page source is a title and one ``rt-page`` directive listing the data files
the page shows; the directive renders them and notes them as dependencies.
The source also carries, in a comment, everything about the *set* of things
the page lists (which deliverables, which teams). So:

* a change inside one data file re-reads the pages that list that file (the
  dependency's modification time), and no others;
* a change of membership (a new deliverable, a deliverable moving to another
  team) changes the text of the page sources concerned, and only those.

Sources are written only when their text changes, so Sphinx's own
modification-time check sees nothing else.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..core.model import INDEPENDENT
from .calendar import schedule_docname
from .data import SiteData, SiteDeliverable

__all__ = ['Page', 'SiteMap', 'page_source', 'plan_pages', 'site_map', 'sync_sources']


@dataclass(frozen=True)
class Page:
    """One Sphinx document of the site."""

    docname: str
    title: str
    kind: str  # home, series, schedule, keys, highlights, independent, teams, team, deliverables, deliverable
    key: str
    files: tuple[str, ...] = ()  # data files shown, relative to the data repository
    members: tuple[str, ...] = ()  # what the page lists, so membership changes change the source
    source: str | None = None  # a page whose source is a data file's RST, unchanged (schedule.rst)


@dataclass(frozen=True)
class SiteMap:
    """Where each thing has its page (docnames, without ``.html``)."""

    series: dict[str, str]
    highlights: dict[str, str]
    teams: dict[str, str]
    deliverables: dict[str, str]
    schedules: dict[str, str] = field(default_factory=dict)  # series with a calendar -> its schedule page
    keys: str = 'signing-keys'


def _slug(text: str, taken: set[str]) -> str:
    base = re.sub(r'[^a-z0-9._-]+', '-', text.lower()).strip('-.') or 'x'
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f'{base}-{n}'
    taken.add(slug)
    return slug


def site_map(data: SiteData) -> SiteMap:
    """Docnames for every series, team and deliverable; stable for the same data."""
    delivs = data.deliverables.values()
    teams: dict[str, str] = {}
    taken: set[str] = set()
    for team in sorted({d.team for d in delivs}):
        teams[team] = 'team/' + _slug(team, taken)
    names: dict[str, str] = {}
    taken = set()
    for name in sorted({d.name for d in delivs}):
        names[name] = 'deliverable/' + _slug(name, taken)
    with_highlights = {d.series for d in delivs if d.highlights}
    return SiteMap(
        series={s.name: f'series/{s.name}' for s in data.series},
        highlights={s.name: f'highlights/{s.name}' for s in data.series if s.name in with_highlights},
        teams=teams,
        deliverables=names,
        schedules={s.name: schedule_docname(s.name) for s in data.series if s.name in data.calendars},
    )


def _by_series(data: SiteData, delivs: Iterable[SiteDeliverable]) -> list[SiteDeliverable]:
    order = data.series_order()
    return sorted(delivs, key=lambda d: (order.get(d.series, 1 << 30), d.name))


def plan_pages(data: SiteData, smap: SiteMap) -> list[Page]:
    """Every page of the site, from the data alone."""
    all_delivs = list(data.deliverables.values())
    by_series: dict[str, list[SiteDeliverable]] = defaultdict(list)
    by_team: dict[str, list[SiteDeliverable]] = defaultdict(list)
    by_name: dict[str, list[SiteDeliverable]] = defaultdict(list)
    for d in all_delivs:
        by_series[d.series].append(d)
        by_team[d.team].append(d)
        by_name[d.name].append(d)
    pages = [Page('index', data.config.title, 'home', '',
                  members=tuple(f'{s.name} {len(by_series[s.name])}' for s in data.series))]
    for s in data.series:
        delivs = sorted(by_series[s.name], key=lambda d: d.name)
        pages.append(Page(smap.series[s.name], f'{s.name.capitalize()} series', 'series', s.name,
                          tuple(d.path for d in delivs), ('schedule',) if s.name in smap.schedules else ()))
        if s.name in smap.schedules:
            pages.append(Page(smap.schedules[s.name], f'{s.name.capitalize()} schedule', 'schedule', s.name,
                              source=data.calendars[s.name].rst))
        if s.name in smap.highlights:
            hl = [d for d in delivs if d.highlights]
            pages.append(Page(smap.highlights[s.name], f'{s.name.capitalize()} series highlights', 'highlights',
                              s.name, tuple(d.path for d in sorted(hl, key=lambda d: (d.team, d.name)))))
    pages.append(Page(smap.keys, 'Signing keys', 'keys', '',
                      members=tuple(' '.join((s.name, *(s.signing_key or ()))) for s in data.series)))
    independent = sorted(by_series[INDEPENDENT], key=lambda d: d.name)
    pages.append(Page('independent', 'Independent deliverables', 'independent', '',
                      tuple(d.path for d in independent)))
    pages.append(Page('teams', 'Teams', 'teams', '',
                      members=tuple(f'{t}: {" ".join(sorted({d.name for d in by_team[t]}))}' for t in smap.teams)))
    for team, doc in smap.teams.items():
        pages.append(Page(doc, f'Team {team}', 'team', team, tuple(d.path for d in _by_series(data, by_team[team]))))
    pages.append(Page('deliverables', 'All deliverables', 'deliverables', '',
                      members=tuple(f'{n}: {" ".join(d.series for d in _by_series(data, by_name[n]))}'
                                    for n in smap.deliverables)))
    for name, doc in smap.deliverables.items():
        pages.append(Page(doc, name, 'deliverable', name, tuple(d.path for d in _by_series(data, by_name[name]))))
    return pages


def _one_line(text: str) -> str:
    """``text`` with every run of whitespace (line breaks too) made one space.

    Team names and the like come from data files: a line break in one would
    end the title or the comment it sits in, and the next line would be
    reStructuredText of the contributor's choosing (``.. title::``).
    """
    return ' '.join(text.split())


def _title(text: str) -> str:
    escaped = re.sub(r'([\\`*_|:<>\[\]])', r'\\\1', _one_line(text))
    return f'{escaped}\n{"=" * len(escaped)}\n'


def page_source(page: Page) -> str:
    """The reStructuredText of one page."""
    if page.source is not None:
        return page.source
    lines = [':orphan:', '']
    if page.members:
        # Only here so that a change of what the page lists changes this text.
        lines += ['..', *(f'   {_one_line(m)}' for m in page.members), '']
    lines += [_title(page.title), f'.. rt-page:: {page.kind} {_one_line(page.key)}'.rstrip()]
    if page.files:
        lines += ['', *(f'   {f}' for f in page.files)]
    return '\n'.join(lines) + '\n'


def sync_sources(srcdir: Path, pages: Iterable[Page]) -> tuple[list[str], list[str]]:
    """Write each page source whose text changed, delete sources of pages gone.

    Returns the docnames written and the docnames removed.
    """
    written, removed = [], []
    wanted = set()
    for page in pages:
        path = srcdir / f'{page.docname}.rst'
        wanted.add(path)
        text = page_source(page)
        try:
            if path.read_text(encoding='utf-8') == text:
                continue
        except OSError:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding='utf-8')
        written.append(page.docname)
    for path in srcdir.rglob('*.rst'):
        if path not in wanted:
            path.unlink()
            removed.append(path.relative_to(srcdir).with_suffix('').as_posix())
    return written, sorted(removed)
