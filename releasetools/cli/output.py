"""What every command shares about its output: the exit statuses and the streams."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from typing import TextIO

__all__ = ['EXIT_FINDINGS', 'EXIT_OK', 'EXIT_USAGE', 'progress_writer', 'tolerant']

#: 0 done (warnings allowed), 1 findings / not approved / a step failed, 2 the command could not run.
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def tolerant(stream: TextIO) -> TextIO:
    """stdout that prints undecodable file names escaped instead of failing.

    File names that are not UTF-8 reach us as surrogate escapes, which a
    strict UTF-8 stdout refuses with a traceback.
    """
    reconfigure = getattr(stream, 'reconfigure', None)
    if reconfigure is not None:
        with contextlib.suppress(ValueError, OSError):  # a detached or closed stream
            reconfigure(errors='backslashreplace')
    return stream


def progress_writer(wanted: bool | None) -> Callable[[str], None] | None:
    """A progress line writer on stderr: with --progress, or by default when stderr is a terminal."""
    if not (wanted or (wanted is None and sys.stderr.isatty())):
        return None
    stream = tolerant(sys.stderr)

    def show(line: str) -> None:
        stream.write(f'releasetools: {line}\n')
        stream.flush()

    return show
