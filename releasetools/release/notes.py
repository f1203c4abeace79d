"""The notes step: release notes of exactly one release, with reno, scanning only its range."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..git import repo as gitrepo
from ..review.notes import NoteCache, range_note_files, read_note_texts, render_notes, reno_config
from ..review.notes import notes_dir as reno_notes_dir
from .gitops import Workspace
from .paths import atomic_write
from .plan import Item

__all__ = ['release_notes', 'write_notes']

#: git's empty tree: the "previous release" of a first release, so every note counts.
EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904'


def release_notes(item: Item, space: Callable[[str], Workspace], cache_dir: Path | None) -> str:
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


def write_notes(text: str, path: Path) -> list[Path]:
    """Write the notes' RST at ``path``, and their HTML beside it when docutils is there; the files written."""
    atomic_write(path, text)
    written = [path]
    html = _rst_to_html(text)
    if html is not None:
        atomic_write(path.with_suffix('.html'), html)
        written.append(path.with_suffix('.html'))
    return written


def _rst_to_html(text: str) -> str | None:
    try:
        from docutils.core import publish_string
        from docutils.writers.html5_polyglot import Writer
    except ImportError:  # pragma: no cover - docutils comes with reno and Sphinx
        return None
    out = publish_string(text, writer=Writer(), settings_overrides={'report_level': 5, 'halt_level': 5})
    return out.decode('utf-8') if isinstance(out, bytes) else str(out)
