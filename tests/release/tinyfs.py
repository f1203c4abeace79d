"""A real, tiny file system for disk-full and read-only tests: a tmpfs mounted in tmp_path.

Mounting needs root (or CAP_SYS_ADMIN); where it is refused the test is skipped
with the reason, never faked.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

PAGE = 4096  # tmpfs allocates whole pages


@contextlib.contextmanager
def mounted(path: Path, *, size: str = '64k', read_only: bool = False) -> Iterator[Path]:
    path.mkdir(parents=True, exist_ok=True)
    options = f'size={size}' + (',ro' if read_only else '')
    proc = subprocess.run(['mount', '-t', 'tmpfs', '-o', options, 'tmpfs', str(path)], capture_output=True,
                          text=True, check=False)
    if proc.returncode != 0:
        pytest.skip(f'cannot mount a tmpfs here (needs root): {proc.stderr.strip()}')
    try:
        yield path
    finally:
        subprocess.run(['umount', '-l', str(path)], capture_output=True, check=False)


def fill(directory: Path, *, spare_pages: int = 0) -> Path:
    """Write a filler file until the file system is full, then give back ``spare_pages`` pages."""
    filler = directory / 'filler'
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        block = b'\0' * PAGE
        while True:
            try:
                if os.write(fd, block) < PAGE:
                    break
            except OSError as exc:
                assert exc.errno == errno.ENOSPC, exc
                break
        size = os.fstat(fd).st_size // PAGE * PAGE
        os.ftruncate(fd, max(0, size - spare_pages * PAGE))
    finally:
        os.close(fd)
    return filler
