"""The guard of a child run with ``process.run(..., guard=True)``: ``python -I _guard.py PARENT -- CMD...``.

Started as the leader of a new process group (see ``process.py``), it runs
CMD in that group and ends the whole group when its parent ends it (SIGTERM,
SIGINT, SIGHUP) or when its parent dies: the kernel signals it (Linux
``prctl(PR_SET_PDEATHSIG)``) and, on any system, it notices its parent id
change within a second. When CMD exits, anything CMD left in the group is
ended too. Standard library only: it must start whatever the child's
environment is.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys

_PR_SET_PDEATHSIG = 1


def _ask_for_parent_death_signal() -> None:
    if not sys.platform.startswith('linux'):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - no prctl: the polling below still works
        pass


def _end_group(*_: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(os.getpgrp(), signal.SIGKILL)  # the guard too: nothing of the group is left


def guard(parent: int, cmd: list[str]) -> int:
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(signum, _end_group)
    _ask_for_parent_death_signal()
    if os.getppid() != parent:  # the parent died before the kernel was asked to tell us
        _end_group()
    try:
        child = subprocess.Popen(cmd)
    except OSError as exc:
        sys.stderr.write(f'cannot run {cmd[0]}: {exc.strerror}\n')
        return 127
    while True:
        try:
            code = child.wait(1.0)
            break
        except subprocess.TimeoutExpired:
            if os.getppid() != parent:
                _end_group()
    # CMD is done; whatever it left running in the group goes with it.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(os.getpgrp(), signal.SIGTERM)
    return code if code >= 0 else 128 - code


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != '--':
        sys.stderr.write('usage: _guard.py PARENT_PID -- CMD...\n')
        return 2
    return guard(int(argv[0]), argv[2:])


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
