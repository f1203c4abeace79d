"""The release job's local directories, checked before the job touches anything.

A directory the job will write (the work directory, --tarballs, --notes-dir,
--announce-dir, the ledger's directory) that is a file, read-only or on a
read-only file system is a one-line error naming it, before the first tag is
made, rather than an OSError in the middle of a release. Writability is
probed by creating a file, not asked of ``os.access``: root passes any
permission check, and only a real write meets a read-only mount.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..core.errors import ReleaseToolsError
from ..data.atomic import write_text
from .options import ReleaseOptions

__all__ = ['atomic_write', 'check_local_paths', 'writable_dir']


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path('/')


def _broken_link(path: Path, what: str) -> None:
    """Raise when ``path`` is a symbolic link that leads nowhere (dangling, or a loop)."""
    try:
        os.stat(path)
    except FileNotFoundError:
        if path.is_symlink():
            raise ReleaseToolsError(f'{path}: {what} is a symbolic link to nothing ({os.readlink(path)})',
                                    f'point {what} at a real place') from None
    except OSError as exc:
        raise ReleaseToolsError(f'{path}: {what} cannot be used: {exc.strerror or exc}',
                                f'point {what} at a real place') from None


def writable_dir(path: Path, what: str, *, create: bool = True) -> None:
    """Raise unless ``path`` is (or, with ``create``, can be made) a directory this process can write."""
    _broken_link(path, what)
    existing = _nearest_existing(path)
    if not existing.is_dir():
        why = f'{what} is a file, not a directory' if existing == path else \
            f'{what} cannot be created: {existing} is a file'
        raise ReleaseToolsError(f'{path}: {why}', f'point {what} at a directory')
    if not create:  # a dry run creates nothing: the permission bits are all it can ask
        if not os.access(existing, os.W_OK | os.X_OK):
            raise ReleaseToolsError(f'{existing}: {what} is not writable')
        return
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=path, prefix='.releasetools-probe-')
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ReleaseToolsError(f'{exc.filename or path}: {what} is not writable: {exc.strerror or exc}',
                                'nothing was done; give it a writable directory') from None


def check_local_paths(opts: ReleaseOptions, ledger: Path) -> None:
    """Every local place the job of ``opts`` writes, and its ledger file."""
    if ledger.is_dir():
        raise ReleaseToolsError(f'{ledger}: the release ledger is a directory, not a file',
                                'pass --ledger a file name (it is created when missing)')
    create = not opts.dry_run
    writable_dir(opts.workdir, 'the work directory', create=create)
    writable_dir(ledger.parent, 'the ledger\'s directory', create=create)
    for option, value in (('--tarballs', opts.tarballs), ('--notes-dir', opts.notes_dir),
                          ('--announce-dir', opts.announce_dir)):
        if value is not None:
            writable_dir(Path(value), option, create=create)


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` atomically at ``path`` (``data.atomic``); ReleaseToolsError when it cannot."""
    try:
        write_text(path, text)
    except OSError as exc:
        raise ReleaseToolsError(f'{path}: cannot write: {exc.strerror or exc}') from None
