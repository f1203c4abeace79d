"""Contributor text stays text: which links may be live, and what RST may do.

Deliverable files carry text written by anyone who proposes a release:
``cycle-highlights`` (reStructuredText) and URLs (``release-notes``). The site
publishes them and ``validate`` gates them, and both must agree, so the policy
is defined here once:

* a link is live only when it is relative or its scheme is http, https or
  mailto (:func:`safe_link`), judged the way a browser reads the URL;
* contributor RST is parsed with raw HTML and file insertion off
  (:data:`UNTRUSTED_RST_SETTINGS`), and :func:`scan_rst` lists what in it
  would insert HTML, read a file, act on the whole page, or link elsewhere.

docutils is imported only when a string could hold markup at all
(:func:`may_have_markup`): ``validate --all`` over thousands of files stays fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = [
    'ALLOWED_SCHEMES',
    'PAGE_DIRECTIVES',
    'RAW_DIRECTIVES',
    'READING_DIRECTIVES',
    'READING_ROLES',
    'UNTRUSTED_RST_SETTINGS',
    'RstIssue',
    'link_scheme',
    'may_have_markup',
    'remote_url',
    'safe_link',
    'scan_rst',
    'text_start_line',
]

#: Schemes a published link may have; anything else is shown as text.
ALLOWED_SCHEMES = frozenset({'http', 'https', 'mailto'})

#: docutils settings for text that the site did not write.
UNTRUSTED_RST_SETTINGS: dict[str, Any] = {'raw_enabled': False, 'file_insertion_enabled': False}

#: Directives that put HTML of the author's choosing on the page.
RAW_DIRECTIVES = frozenset({'raw'})
#: Directives that read a file (or a URL) of the build machine into the page.
READING_DIRECTIVES = frozenset({'include', 'literalinclude'})
#: Directives that act on the whole page, not on the highlight that holds them.
PAGE_DIRECTIVES = frozenset({'meta', 'title', 'header', 'footer', 'toctree', 'sectnum', 'contents'})
#: Roles that copy a local file into the site (Sphinx) or insert raw HTML.
READING_ROLES = frozenset({'download'})
_RAW_ROLES = frozenset({'raw'})
#: Directives whose content is literal text, not RST to look into.
_LITERAL_DIRECTIVES = frozenset({'code', 'code-block', 'sourcecode', 'math', 'highlight', 'parsed-literal',
                                 *RAW_DIRECTIVES, *READING_DIRECTIVES})
_IMAGE_DIRECTIVES = frozenset({'image', 'figure'})

# WHATWG URL parsing: leading/trailing C0 controls and spaces are stripped and
# tabs and newlines removed anywhere, so "java\tscript:" is javascript: to a browser.
_C0_EDGES = ''.join(map(chr, range(0x21)))
_TAB_NEWLINE = re.compile(r'[\t\n\r]')
_SCHEME = re.compile(r'([A-Za-z][A-Za-z0-9+.\-]*):')
_CONTROL = re.compile(r'[\x00-\x1f\x7f]')


def link_scheme(url: str) -> str | None:
    """The scheme a browser would see in ``url``, lowercased (None: a relative URL)."""
    cleaned = _TAB_NEWLINE.sub('', url.strip(_C0_EDGES))
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def safe_link(url: str) -> bool:
    """Whether ``url`` may be a live link: relative, or http, https or mailto.

    Control characters (other than the tabs and newlines a browser drops) make
    a URL unsafe whatever its scheme: browsers and docutils read them differently.
    """
    if _CONTROL.search(_TAB_NEWLINE.sub('', url.strip(_C0_EDGES))):
        return False
    scheme = link_scheme(url)
    return scheme is None or scheme in ALLOWED_SCHEMES


def remote_url(url: str) -> bool:
    """Whether ``url`` is an absolute http or https URL (an image the site does not copy)."""
    return safe_link(url) and link_scheme(url) in ('http', 'https')


# What a construct that could do harm cannot be written without: a directive,
# explicit target or substitution (".."), an anonymous target ("__"), an
# embedded URI ("<", docutils drops the spaces in it: "<java script :x>"), a
# role (":raw:`"), a standalone URI ("javascript:x"): any colon before a
# non-space. Backquotes alone make links to URIs that come with one of these,
# or to nothing: ``literal`` text needs no parsing.
_MARKUP = re.compile(r'\.\.|__|<|:\S')


def text_start_line(item_line: int, text: str) -> int:
    """The file line of a YAML string's first line, given the line its list item starts on.

    A string with line breaks comes from a block scalar (``- |``), whose text
    starts on the line after the item's; a single-line string starts on it
    (a folded plain scalar may span lines: its first line is the one given).
    """
    if '\n' in text.rstrip('\n') or text.endswith('\n'):
        return item_line + 1
    return item_line


def may_have_markup(text: str) -> bool:
    """Whether ``text`` could hold a directive, a role or a link target: else it needs no parsing."""
    return _MARKUP.search(text) is not None


@dataclass(frozen=True, slots=True)
class RstIssue:
    """Something in contributor RST the site will not publish as written.

    ``kind``: ``raw`` (inserts HTML), ``file`` (reads a local file or a URL),
    ``page`` (acts on the whole page), ``link`` (a link with another scheme).
    ``line`` counts from 1 within the text.
    """

    kind: str
    line: int
    message: str


class _Recorder:
    """What a scan found; kept on the document being scanned."""

    def __init__(self) -> None:
        self.issues: list[RstIssue] = []


def _recorder(document: Any) -> _Recorder:
    recorder: _Recorder = vars(document)['rt_recorder']
    return recorder


@lru_cache(maxsize=1)
def _machinery() -> tuple[Any, Any, Any]:
    """docutils' parser, settings and a recording directive, built once per process."""
    from docutils import nodes
    from docutils.frontend import get_default_settings
    from docutils.parsers.rst import Directive, Parser, directives, states

    class AnyOptions(dict[str, Any]):
        """An option spec that accepts every option (its value kept as text)."""

        def __missing__(self, key: str) -> Any:
            return directives.unchanged

    class Recorded(Directive):
        """Stands for every directive while scanning: records it, looks into its content."""

        required_arguments = 0
        optional_arguments = 50
        final_argument_whitespace = True
        has_content = True
        option_spec = AnyOptions(_='')

        def run(self) -> list[Any]:
            recorder = _recorder(self.state.document)
            name = self.name.lower()
            line = self.lineno
            argument = ' '.join(self.arguments)
            if name in RAW_DIRECTIVES:
                recorder.issues.append(RstIssue('raw', line, f'".. {name}::" inserts raw HTML'))
            elif name == 'role' and '(raw)' in argument.replace(' ', ''):
                recorder.issues.append(RstIssue('raw', line, f'".. role:: {argument}" makes a raw HTML role'))
            if name in READING_DIRECTIVES:
                recorder.issues.append(RstIssue('file', line, f'".. {name}:: {argument}" reads a local file'))
            for option in ('file', 'url'):
                if option in self.options:
                    recorder.issues.append(RstIssue(
                        'file', line, f'":{option}:" of ".. {name}::" reads {self.options[option]!r}'))
            if name in _IMAGE_DIRECTIVES and not remote_url(argument.replace(' ', '')):
                recorder.issues.append(RstIssue(
                    'file', line, f'".. {name}:: {argument}" names a local file (only http(s) images are shown)'))
            if name in _IMAGE_DIRECTIVES and 'target' in self.options:
                target = str(self.options['target']).replace(' ', '')
                if not safe_link(target):
                    recorder.issues.append(RstIssue('link', line, f'link target {target!r} is not '
                                                    'http, https, mailto or relative'))
            if name in PAGE_DIRECTIVES:
                recorder.issues.append(RstIssue('page', line, f'".. {name}::" acts on the whole page'))
            if name in _LITERAL_DIRECTIVES:
                return []
            box = nodes.container()
            if argument and name not in _IMAGE_DIRECTIVES and name != 'role':
                # An argument is inline text in many directives (an admonition's title).
                inline, _ = self.state.inline_text(argument, line)
                box += nodes.paragraph('', '', *inline)
            if self.content:
                self.state.nested_parse(self.content, self.content_offset, box)
            return [box]

    def recording_inliner() -> Any:
        """An inliner that records every interpreted-text role used.

        The method is wrapped on the instance: docutils builds its patterns
        from the class's own attributes, so a subclass would not parse.
        """
        inliner = states.Inliner()
        interpreted = inliner.interpreted

        def record(rawsource: str, text: str, role: str, lineno: int) -> Any:
            recorder = _recorder(inliner.document)
            name = role.lower()
            if name in _RAW_ROLES:
                recorder.issues.append(RstIssue('raw', lineno, f'":{name}:" inserts raw HTML'))
            if name in READING_ROLES:
                recorder.issues.append(RstIssue('file', lineno, f'":{name}:`{text}`" copies a local file'))
            return interpreted(rawsource, text, role, lineno)

        inliner.interpreted = record  # type: ignore[method-assign]
        return inliner

    settings = get_default_settings(Parser)
    for key, value in UNTRUSTED_RST_SETTINGS.items():
        setattr(settings, key, value)
    settings.report_level = 5  # nothing printed: problems are collected, not reported
    settings.halt_level = 5
    settings.warning_stream = False
    return recording_inliner, settings, Recorded


class _EveryDirective(dict[str, Any]):
    """docutils' directive table while scanning: every name is the recording directive."""

    def __init__(self, directive: Any) -> None:
        super().__init__()
        self._directive = directive

    def __contains__(self, key: object) -> bool:
        return True

    def __getitem__(self, key: str) -> Any:
        return self._directive


@contextmanager
def _recording_directives(directive: Any) -> Iterator[None]:
    # Like Sphinx's docutils_namespace: the table is swapped for the parse and restored.
    from docutils.parsers.rst import directives

    saved = directives._directives  # type: ignore[attr-defined]
    directives._directives = _EveryDirective(directive)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        directives._directives = saved  # type: ignore[attr-defined]


def _line_of(text_lines: list[str], needle: str, fallback: int) -> int:
    for number, line in enumerate(text_lines, 1):
        if needle and needle in line:
            return number
    return fallback


def scan_rst(text: str) -> list[RstIssue]:
    """What in ``text`` (reStructuredText) the site will not publish as written, by line.

    Nothing is read and no directive runs: every directive is recorded by name
    (its content is scanned in turn), every role by name, and every link
    target's scheme is checked, wherever the construct sits (lists, tables,
    substitutions).
    """
    if not may_have_markup(text):
        return []
    from docutils import nodes
    from docutils.parsers.rst import Parser
    from docutils.utils import new_document

    make_inliner, settings, recorded = _machinery()
    document = new_document('<cycle-highlights>', settings)
    recorder = _Recorder()
    vars(document)['rt_recorder'] = recorder
    parser = Parser(inliner=make_inliner())
    with _recording_directives(recorded):
        parser.parse(text, document)
    lines = text.splitlines()
    issues = list(recorder.issues)
    for node in document.findall(nodes.Element):
        uri = node.get('refuri')
        if isinstance(uri, str) and not safe_link(uri):
            line = _line_of(lines, uri, _node_line(node))
            issues.append(RstIssue('link', line, f'link target {uri!r} is not http, https, mailto or relative'))
    return sorted(set(issues), key=lambda i: (i.line, i.kind, i.message))


def _node_line(node: Any) -> int:
    while node is not None:
        if getattr(node, 'line', None):
            return int(node.line)
        node = node.parent
    return 1
