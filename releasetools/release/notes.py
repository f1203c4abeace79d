"""Release notes of exactly one release, with reno, scanning only its range."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..git import repo as gitrepo
from ..review.notes import NoteCache, range_note_files, read_note_texts, render_notes, reno_config
from ..review.notes import notes_dir as reno_notes_dir
from .plan import Item

__all__ = ['release_notes']

#: git's empty tree: the "previous release" of a first release, so every note counts.
EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904'


def release_notes(item: Item, space: Callable[[str], Any], cache_dir: Path | None) -> str:
    """RST release notes of ``item``: reno's rendering of the notes each repository's range adds."""
    parts = []
    for t in item.targets:
        ws = space(t.repo)
        blobs = gitrepo.read_blobs_spec(ws.path, [f'{t.hash}:releasenotes/config.yaml', f'{t.hash}:reno.yaml'])
        conf = reno_config(blobs.get(f'{t.hash}:releasenotes/config.yaml'), blobs.get(f'{t.hash}:reno.yaml'))
        files = range_note_files(ws.path, t.previous_hash or EMPTY_TREE, t.hash, reno_notes_dir(conf))
        if not files:
            continue
        cache = NoteCache(cache_dir, t.repo)
        texts = read_note_texts(ws.path, t.hash, files, cache)
        parts.append(render_notes(conf, item.version, files, texts).preview)
    title = f'{item.deliverable} {item.version}'
    body = '\n'.join(parts) if parts else 'No release notes.\n'
    return f'{"=" * len(title)}\n{title}\n{"=" * len(title)}\n\n{body}'
