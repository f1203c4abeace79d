"""What every command shares about its output: the exit statuses, the streams, progress and colour.

Progress is one line per step of long work, on stderr, in one shape:
``releasetools: WHAT N/TOTAL: ITEM[: DETAIL]`` (library code builds the text and
calls the writer it was given; it never prints). Nothing releasetools prints
carries ANSI colour codes: the streams of :func:`terminal_safe` write control
characters (ESC, CR, C1...), which text from a data file may hold, as visible
escapes; :func:`colour_wanted` says whether a stream may have colour, for the
tools whose output is passed through.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import threading
from collections.abc import Callable
from typing import TextIO, cast

__all__ = ['EXIT_FINDINGS', 'EXIT_OK', 'EXIT_USAGE', 'colour_wanted', 'plain', 'progress_writer', 'terminal_safe',
           'tolerant']

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


#: What a terminal acts on instead of showing: C0 controls but tab and newline, DEL, and C1 (8-bit CSI...).
_CONTROLS = re.compile('[\x00-\x08\x0b-\x1f\x7f-\x9f]')


def plain(text: str) -> str:
    """``text`` with every terminal control character written as a visible escape (ESC as ``\\x1b``)."""
    return _CONTROLS.sub(lambda m: f'\\x{ord(m.group()):02x}', text)


class _TerminalSafe(io.TextIOBase):
    """A text stream that writes through :func:`plain`: a data file cannot colour or move the terminal."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(plain(text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()


def terminal_safe(stream: TextIO) -> TextIO:
    """``stream`` (made :func:`tolerant`) writing control characters as visible escapes."""
    if isinstance(stream, _TerminalSafe):
        return cast(TextIO, stream)
    return cast(TextIO, _TerminalSafe(tolerant(stream)))


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
    stream = terminal_safe(sys.stderr)  # repository names come from data files
    lock = threading.Lock()

    def show(line: str) -> None:
        with lock:  # builds and mirrors report from several threads: one whole line at a time
            stream.write(f'releasetools: {line}\n')
            stream.flush()

    return show
