"""Replacing a file atomically: a reader sees the old file or the new one, never half of one.

Every file releasetools writes in place goes through :func:`replace_atomically`:
deliverable files, the baseline, release notes, tarballs, announcements and the
caches. The new content goes to a temporary file beside the destination, is
flushed to disk, gets the old file's permissions (or the umask's for a new
one), and is renamed over the destination. A full disk or a crash leaves the
old file and no temporary one; a symbolic link stays a link and the file it
points to is replaced.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ['replace_atomically', 'write_bytes', 'write_text']


def _umask() -> int:
    # Read once, at import: os.umask() can only be read by setting it.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()


def replace_atomically(dest: Path, write: Callable[[Path], object]) -> None:
    """Have ``write`` fill a temporary file beside ``dest``, then rename it over ``dest``.

    Missing parent directories are made. An OSError names ``dest``, not the
    temporary file (nor a file ``write`` copies from).
    """
    target = Path(os.path.realpath(dest))
    tmp: Path | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
        except FileNotFoundError:
            mode = 0o666 & ~_UMASK
        fd, name = tempfile.mkstemp(prefix=f'.{target.name}.', suffix='.tmp', dir=target.parent)
        os.close(fd)
        tmp = Path(name)
        write(tmp)
        with open(tmp, 'rb') as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()
        if isinstance(exc, OSError):
            raise OSError(exc.errno, exc.strerror, str(dest)) from None
        raise


def write_text(dest: Path, text: str, *, newline: str | None = None) -> None:
    """Replace ``dest`` with ``text`` (UTF-8; ``newline`` as :func:`open` takes it)."""
    def fill(tmp: Path) -> None:
        with open(tmp, 'w', encoding='utf-8', newline=newline) as fh:
            fh.write(text)

    replace_atomically(dest, fill)


def write_bytes(dest: Path, data: bytes) -> None:
    """Replace ``dest`` with ``data``."""
    replace_atomically(dest, lambda tmp: tmp.write_bytes(data))
