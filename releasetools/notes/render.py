"""reno's parsing and rendering of one range's notes, and the step they call for.

The notes found by ``notes.scan`` are handed to reno's own parsing
(``Loader.parse_note_file``) and formatter (``formatter.format_report``) through
a loader that serves them, so sections, their titles and the RST are reno's.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from .scan import YAML_LOADER, NoteFile

__all__ = ['STEP_RANK', 'TEXT_WIDTH', 'RangeNotes', 'implied_step', 'plain_notes', 'render_notes', 'text_notes']

#: Sections that call for a major step besides reno's ``semver_major``: the issue counts
#: deprecations as breaking for a reviewer's purposes.
EXTRA_MAJOR = ('deprecations',)
STEP_RANK = {'none': 0, 'patch': 1, 'minor': 2, 'major': 3}


@dataclass(frozen=True)
class RangeNotes:
    """The notes a release adds, parsed, and reno's RST rendering of them."""

    files: tuple[NoteFile, ...]
    sections: Mapping[str, tuple[str, ...]]  # section name -> entries, in reno's section order
    preview: str  # RST, as ``reno report --no-show-source --version V`` renders it
    problems: tuple[str, ...] = ()  # note files reno could not parse


class _RangeLoader:
    """What reno's formatter asks of a loader, served from the range's notes.

    ``parse_note_file`` is reno's own (its checks and clean-up), reading the
    contents this object holds, as reno's loader does when it reads its cache.
    """

    def __init__(self, conf: Any, version: str, files: Sequence[NoteFile], contents: Mapping[str, Any]) -> None:
        self._config = conf
        self._cache = {'file-contents': dict(contents)}
        self._version = version
        self._files = [(f.path, None) for f in files]

    def __getitem__(self, version: str) -> list[tuple[str, None]]:
        return self._files if version == self._version else []

    @property
    def versions(self) -> list[str]:
        return [self._version]

    def get_version_date(self, version: str) -> str:
        return 'Unknown'

    def parse_note_file(self, filename: str, sha: str | None) -> dict[str, Any]:
        from reno.loader import Loader

        parsed: dict[str, Any] = Loader.parse_note_file(self, filename, sha)
        return parsed


def render_notes(conf: Any, version: str, files: Sequence[NoteFile], texts: Mapping[str, str | None]) -> RangeNotes:
    """Parse the notes with reno and render them as ``reno report`` would for ``version``."""
    from reno import formatter

    problems: list[str] = []
    contents: dict[str, Any] = {}
    good: list[NoteFile] = []
    for f in files:
        text = texts.get(f.path)
        if text is None:
            problems.append(f'{f.path}: cannot be read')
            continue
        try:
            contents[f.path] = yaml.load(text, Loader=YAML_LOADER)
        except yaml.YAMLError as exc:
            problems.append(f'{f.path}: not valid YAML ({str(exc).splitlines()[0]})')
            continue
        good.append(f)
    loader = _RangeLoader(conf, version, good, contents)
    parsed: dict[str, dict[str, Any]] = {}
    logging.getLogger('reno').disabled = True  # reno logs its warnings; we report them ourselves
    try:
        for f in list(good):
            try:
                parsed[f.path] = loader.parse_note_file(f.path, None)
            except ValueError as exc:
                problems.append(str(exc))
                good.remove(f)
        loader = _RangeLoader(conf, version, good, parsed)
        preview = formatter.format_report(loader, conf, [version], title=None, show_source=False) if good else ''
    finally:
        logging.getLogger('reno').disabled = False
    sections: dict[str, tuple[str, ...]] = {}
    prelude = conf.prelude_section_name
    names = [prelude] + [s.name for s in conf.sections]
    for name in names:
        entries: list[str] = []
        for f in good:
            value = parsed[f.path].get(name)
            if isinstance(value, str):
                entries.append(value)
            elif isinstance(value, list):
                entries.extend(str(v) for v in value)
        if entries:
            sections[name] = tuple(entries)
    return RangeNotes(tuple(good), sections, preview, tuple(problems))


def implied_step(conf: Any, sections: Mapping[str, Sequence[str]]) -> tuple[str, tuple[str, ...]]:
    """The semver step the notes call for, and the sections that call for it.

    reno's ``semver_major``/``semver_minor``/``semver_patch`` settings decide,
    with deprecations also counted as major. ``none`` when no section asks for a step.
    """
    levels = (('major', [*conf.semver_major, *EXTRA_MAJOR]), ('minor', conf.semver_minor),
              ('patch', conf.semver_patch))
    for step, names in levels:
        hit = tuple(n for n in dict.fromkeys(names) if sections.get(n))
        if hit:
            return step, hit
    return 'none', ()


def plain_notes(rst: str) -> str:
    """reno's RST for a reader: no link targets (``.. _relnotes_...:``, for Sphinx), single blank lines.

    Lines lose their trailing white space; the text its leading and trailing blank lines.
    """
    lines: list[str] = []
    for line in rst.splitlines():
        if line.startswith('.. _') or (not line.strip() and (not lines or not lines[-1].strip())):
            continue
        lines.append(line.rstrip())
    return '\n'.join(lines).strip()


#: Width the text of an announcement is wrapped at.
TEXT_WIDTH = 72
_BULLETS = ('-', '*', '+')


def text_notes(rst: str, width: int = TEXT_WIDTH, *, untitled: Collection[str] = ()) -> str:
    """reno's RST rendered as plain text for a mail: titles underlined with ``-``, links written out as ``text <url>``.

    Link targets, comments and substitution definitions leave nothing; raw HTML and
    file insertion are off (:data:`~releasetools.core.textsafety.UNTRUSTED_RST_SETTINGS`),
    so a hostile directive is shown as the text it was, never run. Paragraphs and
    list items are wrapped at ``width``; literal blocks are kept as written. Sections titled
    one of ``untitled`` (the release's own name, which the mail already says) keep only their body.
    """
    if not rst.strip():
        return ''
    from docutils.core import publish_doctree

    from ..core.textsafety import UNTRUSTED_RST_SETTINGS

    # The standard transforms resolve `named`_ references to their targets' URLs; no title is
    # promoted to the document's (every section keeps its heading).
    settings = {**UNTRUSTED_RST_SETTINGS, 'report_level': 5, 'halt_level': 5, 'warning_stream': False,
                'doctitle_xform': False, 'sectsubtitle_xform': False, 'input_encoding': 'unicode'}
    document = publish_doctree(rst, settings_overrides=settings)
    lines = _blocks(document, width, frozenset(untitled))
    return '\n'.join(line.rstrip() for line in lines).strip('\n')


def _blocks(node: Any, width: int, untitled: frozenset[str]) -> list[str]:
    """The lines of ``node``'s block children, separated by blank lines."""
    out: list[str] = []
    for child in node.children:
        lines = _block(child, width, untitled)
        if lines:
            if out:
                out.append('')
            out.extend(lines)
    return out


def _block(node: Any, width: int, untitled: frozenset[str]) -> list[str]:
    from docutils import nodes

    if isinstance(node, (nodes.target, nodes.comment, nodes.substitution_definition, nodes.title)):
        return []  # targets and comments are for Sphinx; titles are rendered by their section
    if isinstance(node, nodes.system_message):
        # A directive docutils refused (raw, include): its own text, as a literal block.
        return [line for child in node.children if isinstance(child, nodes.literal_block)
                for line in _literal(child)]
    if isinstance(node, nodes.section):
        title = _inline(node[0]) if node.children and isinstance(node[0], nodes.title) else ''
        head = [title, '-' * len(title)] if title and title not in untitled else []
        body = _blocks(node, width, untitled)
        return head + ([''] if head and body else []) + body
    if isinstance(node, (nodes.paragraph, nodes.line_block, nodes.rubric)):
        return _wrap(_inline(node), width)
    if isinstance(node, nodes.literal_block):
        return _literal(node)
    if isinstance(node, (nodes.bullet_list, nodes.enumerated_list)):
        return _list(node, width, untitled)
    if isinstance(node, nodes.Admonition):
        name = type(node).__name__.capitalize()
        return [f'{name}:', *_indent(_blocks(node, width - 4, untitled), 4)]
    if isinstance(node, (nodes.block_quote, nodes.definition)):
        return _indent(_blocks(node, width - 4, untitled), 4)
    if isinstance(node, nodes.TextElement):
        return _wrap(_inline(node), width)
    if isinstance(node, nodes.Element):
        return _blocks(node, width, untitled)
    return _wrap(node.astext(), width)


def _list(node: Any, width: int, untitled: frozenset[str]) -> list[str]:
    from docutils import nodes

    out: list[str] = []
    numbered = isinstance(node, nodes.enumerated_list)
    for n, item in enumerate(node.children, 1):
        mark = f'{n}. ' if numbered else '- '
        body = _blocks(item, width - len(mark), untitled)
        if not body:
            continue
        if body[0].startswith(' '):  # a literal block first: under the mark, not beside it
            out.append(mark.rstrip())
            out.extend(_indent(body, len(mark)))
        else:
            out.append(mark + body[0])
            out.extend(_indent(body[1:], len(mark)))
    return out


def _inline(node: Any) -> str:
    """The text of an inline run, each link written out as ``text <url>`` (just the URL when they are one)."""
    from docutils import nodes

    parts: list[str] = []
    for child in node.children:
        if isinstance(child, nodes.Text):
            parts.append(child.astext())
        elif isinstance(child, (nodes.target, nodes.problematic, nodes.system_message)):
            parts.append(child.rawsource if isinstance(child, nodes.problematic) else '')
        elif isinstance(child, nodes.reference):
            text, url = _inline(child), child.get('refuri')
            parts.append(f'{text} <{url}>' if url and url != text else text)
        elif isinstance(child, nodes.Element):
            parts.append(_inline(child))
    return ''.join(parts)


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(' '.join(text.split()), max(width, 20), break_long_words=False,
                         break_on_hyphens=False) if text.strip() else []


def _literal(node: Any) -> list[str]:
    return ['    ' + line if line else '' for line in node.astext().splitlines()]


def _indent(lines: list[str], by: int) -> list[str]:
    return [' ' * by + line if line else '' for line in lines]
