"""Text rules: contributor text that the site would not publish as text.

``cycle-highlights`` are reStructuredText and ``release-notes`` are URLs, both
written by whoever proposes a release and both published on the site. The
site defuses what these rules report (see ``releasetools.textsafety``); the
rules make a request carrying it fail before it merges, with the line.

A highlight is parsed only when it could hold markup at all, once per file
for all four RST rules.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..core.textsafety import RstIssue, safe_link, scan_rst, text_start_line
from ..data.yamlio import YList, YMap
from . import DeliverableContext, Problem, rule

_HIGHLIGHTS = 'cycle-highlights'


def _scan(ctx: DeliverableContext) -> list[tuple[int, RstIssue]]:
    """(file line, issue) of every highlight of the file, computed once for the four rules."""
    cached: list[tuple[int, RstIssue]] | None = ctx.cache.get('text-scan')
    if cached is not None:
        return cached
    found: list[tuple[int, RstIssue]] = []
    raw: Any = ctx.deliverable.raw.get(_HIGHLIGHTS)
    if isinstance(raw, list):
        lines = raw.item_lines if isinstance(raw, YList) else []
        base = ctx.deliverable.line_of(_HIGHLIGHTS)
        for index, text in enumerate(raw):
            if not isinstance(text, str):
                continue  # the schema rule reports it
            item_line = lines[index] if index < len(lines) else base
            start = text_start_line(item_line, text)
            found.extend((start + issue.line - 1, issue) for issue in scan_rst(text))
    ctx.cache['text-scan'] = found
    return found


def _issues(ctx: DeliverableContext, kind: str, hint: str) -> Iterator[Problem]:
    for line, issue in _scan(ctx):
        if issue.kind == kind:
            yield Problem(line, f'cycle-highlights: {issue.message}', hint)


@rule('RT801')
def check_highlights_no_raw_html(ctx: DeliverableContext) -> Iterator[Problem]:
    """cycle-highlights insert no raw HTML.

    ``.. raw::``, a role made from ``raw`` and the ``:raw:`` role would put
    HTML of the author's choosing (a ``<script>``) on the highlights page.
    The site renders highlights with raw HTML disabled.
    """
    yield from _issues(ctx, 'raw', 'write the highlight as plain reStructuredText')


@rule('RT802')
def check_highlights_read_no_files(ctx: DeliverableContext) -> Iterator[Problem]:
    """cycle-highlights read no files.

    ``.. include::``, ``.. literalinclude::``, a table's ``:file:`` or
    ``:url:``, an image that is not an http(s) URL and the ``:download:``
    role would publish a file of the machine that builds the site (or fetch
    a URL while building). The site renders highlights with file insertion
    disabled.
    """
    yield from _issues(ctx, 'file', 'put the text itself in the highlight, or link to it with an https URL')


@rule('RT803')
def check_highlights_link_schemes(ctx: DeliverableContext) -> Iterator[Problem]:
    """Links in cycle-highlights are http, https, mailto or relative.

    A ``javascript:`` (or ``data:``, ``file:``, ...) link would run in the
    reader's browser. The site shows such a link as its text only.
    """
    yield from _issues(ctx, 'link', 'link to an https:// URL')


@rule('RT804')
def check_highlights_stay_in_place(ctx: DeliverableContext) -> Iterator[Problem]:
    """cycle-highlights act on their own text only.

    ``.. meta::`` (a refresh to anywhere), ``.. title::``, ``.. header::``,
    ``.. footer::``, ``.. toctree::``, ``.. contents::`` and ``.. sectnum::``
    act on the whole highlights page, which every team shares.
    """
    yield from _issues(ctx, 'page', 'remove the directive: a highlight is a paragraph or a short list')


@rule('RT805')
def check_release_notes_links(ctx: DeliverableContext) -> Iterator[Problem]:
    """release-notes URLs are http, https, mailto or relative links.

    The site links every release-notes URL; any other scheme (``javascript:``)
    would run in the reader's browser. The site shows it as text only.
    """
    raw: Any = ctx.deliverable.raw.get('release-notes')
    hint = 'give the https:// URL of the release notes'
    if isinstance(raw, str):
        if not safe_link(raw):
            yield Problem(ctx.deliverable.line_of('release-notes'),
                          f'release-notes {raw!r} is not an http, https, mailto or relative URL', hint)
    elif isinstance(raw, Mapping):
        for repo, url in raw.items():
            if isinstance(url, str) and not safe_link(url):
                line = raw.line_of(repo) if isinstance(raw, YMap) else ctx.deliverable.line_of('release-notes')
                yield Problem(line, f'release-notes of {repo}: {url!r} is not an http, https, mailto or '
                                    'relative URL', hint)
