"""The release notes file of exactly one release, with reno, scanning only its range."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from ..git import repo as gitrepo
from .render import render_notes
from .scan import RENO_CONFIG, RENO_YAML, NoteCache, notes_dir, range_note_files, read_note_texts, reno_config

__all__ = ['EMPTY_TREE', 'release_notes']

#: git's empty tree: the "previous release" of a first release, so every note counts.
EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904'


class _Target(Protocol):
    """One repository of the release (``artifacts.plan.Target``)."""

    @property
    def repo(self) -> str: ...
    @property
    def hash(self) -> str: ...
    @property
    def previous_hash(self) -> str | None: ...


class _Release(Protocol):
    """The release whose notes are written (``artifacts.plan.Item``)."""

    @property
    def deliverable(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def targets(self) -> Sequence[_Target]: ...


def release_notes(item: _Release, space: Callable[[str], Any], cache_dir: Path | None) -> str:
    """RST release notes of ``item``: reno's rendering of the notes each repository's range adds.

    ``space(repo)`` is the repository's workspace (its ``path`` is a git checkout or mirror).
    """
    parts = []
    for t in item.targets:
        ws = space(t.repo)
        specs = {name: f'{t.hash}:{name}' for name in (RENO_CONFIG, RENO_YAML)}
        blobs = gitrepo.read_blobs_spec(ws.path, list(specs.values()))
        conf = reno_config(blobs.get(specs[RENO_CONFIG]), blobs.get(specs[RENO_YAML]))
        files = range_note_files(ws.path, t.previous_hash or EMPTY_TREE, t.hash, notes_dir(conf))
        if not files:
            continue
        cache = NoteCache(cache_dir, t.repo)
        texts = read_note_texts(ws.path, t.hash, files, cache)
        parts.append(render_notes(conf, item.version, files, texts).preview)
    title = f'{item.deliverable} {item.version}'
    body = '\n'.join(parts) if parts else 'No release notes.\n'
    return f'{"=" * len(title)}\n{title}\n{"=" * len(title)}\n\n{body}'
