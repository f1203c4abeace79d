"""data.atomic: the one way releasetools replaces a file in place."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from releasetools.data import atomic


def test_replaces_the_content_and_keeps_the_mode(tmp_path: Path) -> None:
    dest = tmp_path / 'notes.rst'
    dest.write_text('old')
    dest.chmod(0o640)
    atomic.write_text(dest, 'new\n')
    assert dest.read_text() == 'new\n'
    assert stat.S_IMODE(dest.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ['notes.rst']


def test_a_new_file_gets_the_umask_not_a_private_mode(tmp_path: Path) -> None:
    mask = os.umask(0o027)
    os.umask(mask)
    dest = tmp_path / 'sub' / 'new.json'
    atomic.write_bytes(dest, b'{}')
    assert dest.read_bytes() == b'{}'
    assert stat.S_IMODE(dest.stat().st_mode) == 0o666 & ~mask


def test_a_link_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / 'real.yaml'
    real.write_text('old')
    link = tmp_path / 'link.yaml'
    link.symlink_to(real)
    atomic.write_text(link, 'new')
    assert link.is_symlink()
    assert real.read_text() == 'new'


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    dest = tmp_path / 'announce.eml'
    dest.write_text('old')

    def half_then_fail(tmp: Path) -> None:
        tmp.write_text('half')
        raise OSError(errno.ENOSPC, 'No space left on device', str(tmp))

    with pytest.raises(OSError) as caught:
        atomic.replace_atomically(dest, half_then_fail)
    assert caught.value.filename == str(dest)
    assert caught.value.errno == errno.ENOSPC
    assert dest.read_text() == 'old'
    assert sorted(p.name for p in tmp_path.iterdir()) == ['announce.eml']


def test_an_interrupted_write_cleans_up_too(tmp_path: Path) -> None:
    dest = tmp_path / 'cache.pickle'

    def interrupted(tmp: Path) -> None:
        tmp.write_bytes(b'x')
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic.replace_atomically(dest, interrupted)
    assert list(tmp_path.iterdir()) == []
