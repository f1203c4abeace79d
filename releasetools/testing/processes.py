"""Watching processes from a test: is one still running, does it end in time."""

from __future__ import annotations

import os
import time
from pathlib import Path

__all__ = ['alive', 'gone']


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie runs nothing)."""
    try:
        state = Path(f'/proc/{pid}/stat').read_text().rsplit(')', 1)[1].split()[0]
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return state not in ('Z', 'X')


def gone(pid: int, within: float = 10.0) -> bool:
    """Whether ``pid`` has ended, waiting up to ``within`` seconds for it."""
    deadline = time.monotonic() + within
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
