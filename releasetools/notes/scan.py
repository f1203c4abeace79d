"""The release notes of exactly one release's range, found the way reno finds them.

reno's own ``Loader`` walks the whole history of a branch (a minute on a
repository the size of nova). A reviewer needs only the notes a release adds,
so this module finds them directly from the range ``previous..hash``:

* one ``git diff-tree`` between the two commits lists the note files added,
  changed or deleted under the notes directory;
* a note belongs to the release when its unique id (reno's rule: the last 16
  characters of the file name) did not exist at the previous release, and
  still exists at the new commit -- the same attribution reno makes ("a note
  belongs to the earliest version it appears in", deleted notes dropped);
* the contents are read at the new commit in one ``cat-file --batch`` and
  kept in a cache keyed by blob id (content-addressed, so never stale);
* the notes are then handed (``notes.render``) to reno's own parsing (``Loader.parse_note_file``)
  and formatter (``formatter.format_report``) through a loader that serves
  this data, so sections, their titles and the RST are reno's.

Known difference: a note whose unique id existed at the previous release under
another file that the range leaves untouched is treated as old (reno would too
unless the old file is deleted in the range, which the diff shows).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..data import atomic
from ..git import repo as gitrepo

__all__ = ['RENO_CONFIG', 'RENO_YAML', 'YAML_LOADER', 'NoteCache', 'NoteFile', 'notes_dir', 'range_note_files',
           'read_note_texts', 'reno_config']

#: Where a repository keeps its reno settings, read at the release's commit (the first one found wins).
RENO_CONFIG = 'releasenotes/config.yaml'
RENO_YAML = 'reno.yaml'

YAML_LOADER: Any = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class NoteFile:
    """One note file of the range: its path and its blob at the new commit."""

    path: str
    blob: str


def _uid(path: str) -> str:
    """reno's unique id of a note file (``scanner._get_unique_id``)."""
    root = os.path.splitext(os.path.basename(path))[0]
    uid = root[-16:]
    return root[:16] if '-' in uid else uid


def reno_config(config_blob: bytes | None, reno_yaml: bytes | None) -> Any:
    """A ``reno.config.Config`` with the repository's settings at the new commit.

    The settings come from git (``releasenotes/config.yaml``, else ``reno.yaml``),
    never from a working tree, which may be at another commit or absent (a mirror).
    """
    from reno import config as reno_config_mod

    with tempfile.TemporaryDirectory(prefix='rt-reno-') as empty:
        conf = reno_config_mod.Config(empty, 'releasenotes')
    for blob in (config_blob, reno_yaml):
        if blob is None:
            continue
        try:
            contents = yaml.load(blob, Loader=YAML_LOADER)
        except yaml.YAMLError:
            contents = None
        if isinstance(contents, dict):
            known = {k: v for k, v in contents.items() if k in conf._OPTS}
            conf.override(**known)
        break
    return conf


def notes_dir(conf: Any) -> str:
    return str(conf.notespath).strip('/')


def range_note_files(path: Path, previous: str, commit: str, notesdir: str) -> list[NoteFile]:
    """The note files ``previous..commit`` adds (reno's attribution), in one ``git diff-tree``."""
    out = gitrepo.run_git(['diff-tree', '-r', '-z', '--no-renames', '--no-commit-id', previous, commit,
                           '--', f'{notesdir}/'], path).stdout.decode('utf-8', 'surrogateescape')
    fields = out.split('\0')
    added: dict[str, NoteFile] = {}
    old_uids: set[str] = set()
    prefix = notesdir + '/'
    for meta, name in zip(fields[0::2], fields[1::2], strict=False):
        # ":100644 100644 <old blob> <new blob> <status>"
        parts = meta.split()
        if len(parts) != 5 or not name.startswith(prefix) or '/' in name[len(prefix):] or not name.endswith('.yaml'):
            continue
        _, _, _old_blob, new_blob, status = parts
        if status != 'A':
            old_uids.add(_uid(name))
        if status in ('A', 'M', 'T'):
            added[name] = NoteFile(name, new_blob)
    # Modified notes existed before; added notes whose id existed (a renamed file) did too.
    return sorted((f for f in added.values() if _uid(f.path) not in old_uids), key=lambda f: (_uid(f.path), f.path))


class NoteCache:
    """Note texts by blob id, and range scans by (previous, commit), in one JSON file per repository.

    Both keys name immutable git objects, so an entry never goes stale; a damaged
    file is ignored and rewritten.
    """

    def __init__(self, cache_dir: Path | None, repo: str) -> None:
        safe = ''.join(c if c.isalnum() or c in '.-' else '_' for c in repo)
        self.file = cache_dir / 'list-changes' / f'{safe}.json' if cache_dir is not None else None
        self.data: dict[str, dict[str, Any]] = {'blobs': {}, 'ranges': {}}
        self.dirty = False
        if self.file is not None and self.file.is_file():
            try:
                loaded = json.loads(self.file.read_text(encoding='utf-8'))
                if isinstance(loaded, dict) and loaded.get('format') == 1:
                    self.data = {'blobs': dict(loaded.get('blobs', {})), 'ranges': dict(loaded.get('ranges', {}))}
            except (OSError, ValueError):
                pass

    def blob(self, sha: str) -> str | None:
        return self.data['blobs'].get(sha)

    def put_blob(self, sha: str, text: str) -> None:
        self.data['blobs'][sha] = text
        self.dirty = True

    def range(self, key: str) -> Any:
        return self.data['ranges'].get(key)

    def put_range(self, key: str, value: Any) -> None:
        self.data['ranges'][key] = value
        self.dirty = True

    def save(self) -> None:
        """Write the cache atomically; a cache that cannot be written is only slower next time."""
        if self.file is None or not self.dirty:
            return
        try:
            atomic.write_text(self.file, json.dumps({'format': 1, **self.data}))
            self.dirty = False
        except OSError:
            pass


def read_note_texts(path: Path, commit: str, files: Sequence[NoteFile], cache: NoteCache) -> dict[str, str | None]:
    """Texts of the note files (by path): from the cache, else one ``cat-file --batch`` for the rest."""
    texts: dict[str, str | None] = {}
    missing = []
    for f in files:
        hit = cache.blob(f.blob)
        if hit is None:
            missing.append(f)
        texts[f.path] = hit
    if missing:
        blobs = gitrepo.read_blobs_spec(path, [f.blob for f in missing])
        for f in missing:
            content = blobs.get(f.blob)
            if content is not None:
                text = content.decode('utf-8', 'replace')
                cache.put_blob(f.blob, text)
                texts[f.path] = text
    return texts
