"""The release ledger: a journal of completed steps, and the lock that serialises runs.

Each completed step is one JSON line, written and fsynced before the next
step starts, so a run killed at any point leaves a ledger that tells the
truth: a re-run skips what it records and resumes at the first step not done.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import ReleaseToolsError

__all__ = ['Ledger', 'lock']


class Ledger:
    """Completed steps by key; ``record`` appends durably."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.done: dict[str, dict[str, Any]] = {}
        text = path.read_text(encoding='utf-8') if path.exists() else ''
        lines = text.split('\n')
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                # A record is complete once its newline is written: only a last line
                # without one can be torn (a crash while appending it), and it is no record.
                if number == len(lines):
                    break
                raise ReleaseToolsError(f'{path}:{number}: the release ledger is corrupt',
                                        'inspect it by hand; never delete it blindly') from None
            self.done[entry['key']] = entry

    def get(self, key: str) -> dict[str, Any] | None:
        return self.done.get(key)

    def record(self, key: str, **detail: Any) -> None:
        entry = {'key': key, 'at': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()), **detail}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            _drop_torn_tail(fd)
            os.write(fd, (json.dumps(entry, sort_keys=True) + '\n').encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        self.done[key] = entry


def _drop_torn_tail(fd: int) -> None:
    """Cut a partial last line (a crash while appending) so the next record starts a line."""
    size = os.fstat(fd).st_size
    if size == 0 or os.pread(fd, 1, size - 1) == b'\n':
        return
    start = max(0, size - 65536)
    tail = os.pread(fd, size - start, start)
    os.ftruncate(fd, start + tail.rfind(b'\n') + 1 if b'\n' in tail else start)


@contextlib.contextmanager
def lock(path: Path, wait: float = 0.0) -> Iterator[None]:
    """Hold an exclusive lock on ``path``; wait up to ``wait`` seconds, then refuse."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, 'a+') as fh:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    fh.seek(0)
                    holder = fh.read().strip() or 'another process'
                    raise ReleaseToolsError(f'another release run holds {path} ({holder})',
                                            'wait for it to finish (or pass --wait SECONDS)') from None
                time.sleep(0.2)
        fh.seek(0)
        fh.truncate()
        fh.write(f'pid {os.getpid()}\n')
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)
