"""What every command shares about its output: the exit statuses, the streams, progress and colour.

Progress is one line per step of long work, on stderr, in one shape:
``releasetools: WHAT N/TOTAL: ITEM[: DETAIL]`` (library code builds the text and
calls the writer it was given; it never prints). Nothing releasetools prints
carries ANSI colour codes; :func:`colour_wanted` says whether a stream may have
them, for the tools whose output is passed through (Sphinx).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable
from typing import TextIO

__all__ = ['EXIT_FINDINGS', 'EXIT_OK', 'EXIT_USAGE', 'colour_wanted', 'progress_writer', 'tolerant']

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


def colour_wanted(stream: TextIO) -> bool:
    """Whether ``stream`` may carry ANSI colour: a terminal, and $NO_COLOR unset (https://no-color.org)."""
    if os.environ.get('NO_COLOR'):
        return False
    isatty = getattr(stream, 'isatty', None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):  # a closed or detached stream
        return False


def progress_writer(wanted: bool | None) -> Callable[[str], None] | None:
    """The progress line writer on stderr, thread-safe, or None for no progress.

    ``wanted`` is --progress (True), --no-progress (False) or neither (None:
    progress when stderr is a terminal). The lines are plain text, never coloured.
    """
    if not (wanted or (wanted is None and sys.stderr.isatty())):
        return None
    stream = tolerant(sys.stderr)
    lock = threading.Lock()

    def show(line: str) -> None:
        with lock:  # builds and mirrors report from several threads: one whole line at a time
            stream.write(f'releasetools: {line}\n')
            stream.flush()

    return show
