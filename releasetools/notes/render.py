"""reno's parsing and rendering of one range's notes, and the step they call for.

The notes found by ``notes.scan`` are handed to reno's own parsing
(``Loader.parse_note_file``) and formatter (``formatter.format_report``) through
a loader that serves them, so sections, their titles and the RST are reno's.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from .scan import YAML_LOADER, NoteFile

__all__ = ['STEP_RANK', 'RangeNotes', 'implied_step', 'plain_notes', 'render_notes']

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
