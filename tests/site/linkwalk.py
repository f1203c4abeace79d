"""Walk every generated HTML page and check every relative link and anchor."""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ('href', 'src'):
                self.links.append(value)
            elif name == 'id':
                self.ids.add(value)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding='utf-8'))
    return page


def broken_links(html: Path) -> list[str]:
    """Every relative link (and #anchor) of every page under ``html`` that leads nowhere."""
    pages = {p.relative_to(html).as_posix(): _parse(p) for p in sorted(html.rglob('*.html'))}
    broken = []
    for name, page in pages.items():
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                continue  # tarballs, PyPI, commits: outside the site
            target = name if not parts.path else posixpath.normpath(
                posixpath.join(posixpath.dirname(name), unquote(parts.path)))
            if target.startswith('../') or not (html / target).is_file():
                broken.append(f'{name}: {link} (no {target})')
                continue
            if parts.fragment and target in pages and unquote(parts.fragment) not in pages[target].ids:
                broken.append(f'{name}: {link} (no id {parts.fragment} in {target})')
    return broken


def count_links(html: Path) -> int:
    return sum(len(_parse(p).links) for p in html.rglob('*.html'))
