"""OS errors are errors: one line naming the path, exit 2, no traceback, nothing half-published.

The tracebacks of issue 11 §4, each through the real CLI: ``site --output FILE``,
``release --ledger DIR``, a corrupt or non-UTF-8 ledger, a read-only ``--tarballs``
(a real read-only tmpfs: root passes every permission bit), an unwritable workdir,
and a full ``--tarballs`` (a real tiny tmpfs) that leaves no partial file behind.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from releasetools.cli import main
from releasetools.testing.datarepo import DataRepo
from tests.release.servers import Index, Mailer
from tests.release.test_job import Run, statuses
from tests.release.tinyfs import fill, mounted


def _fails_cleanly(capsys: pytest.CaptureFixture[str], code: int, path: Path, *words: str) -> str:
    err = capsys.readouterr().err
    assert code == 2, err
    assert 'Traceback' not in err
    first = err.splitlines()[0]
    assert first.startswith('releasetools: error: ') and str(path) in first, err
    for word in words:
        assert word in first, err
    return first


def test_site_output_naming_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = DataRepo(tmp_path / 'data')
    target = tmp_path / 'site.html'
    target.write_text('not a directory\n')
    code = main(['site', '--root', str(data.root), '--output', str(target)])
    _fails_cleanly(capsys, code, target, 'is a file')
    assert target.read_text() == 'not a directory\n'
    code = main(['site', '--root', str(data.root), '--output', str(target / 'below')])
    _fails_cleanly(capsys, code, target, 'is a file')


def test_release_ledger_naming_a_directory(world: Run, capsys: pytest.CaptureFixture[str]) -> None:
    folder = world.top / 'ledgers'
    folder.mkdir()
    code, _ = world('--ledger', str(folder))
    _fails_cleanly(capsys, code, folder, 'is a directory')
    assert world.project.remote_tags() == {}
    assert sorted(p.name for p in world.top.iterdir() if p.name.startswith('ledgers')) == ['ledgers']


@pytest.mark.parametrize(('content', 'line'), [
    (b'{"key": "a", "action": "build"}\n["not", "a", "record"]\n', 2),
    (b'{"action": "build"}\n{"key": "b"}\n', 1),
    (b'{"key": "a"}\n{"key": "\xff\xfe"}\n{"key": "b"}\n', 2),
], ids=['array', 'no-key', 'not-utf8'])
def test_release_with_a_corrupt_ledger(world: Run, capsys: pytest.CaptureFixture[str], content: bytes,
                                       line: int) -> None:
    ledger = world.top / 'ledger.jsonl'
    ledger.write_bytes(content)
    code, _ = world('--ledger', str(ledger))
    _fails_cleanly(capsys, code, ledger, f'{ledger}:{line}: the release ledger is corrupt')
    assert ledger.read_bytes() == content
    assert world.project.remote_tags() == {}


def test_read_only_tarballs(world: Run, capsys: pytest.CaptureFixture[str]) -> None:
    with mounted(world.top / 'ro', read_only=True) as ro:
        code, _ = world('--tarballs', str(ro))
        _fails_cleanly(capsys, code, ro, '--tarballs is not writable', 'Read-only file system')
        assert world.project.remote_tags() == {}  # checked before the first tag


def test_unwritable_workdir(world: Run, capsys: pytest.CaptureFixture[str]) -> None:
    with mounted(world.top / 'ro', read_only=True) as ro:
        world.work = ro / 'work'
        code, _ = world()
        _fails_cleanly(capsys, code, world.work, 'the work directory is not writable')
    world.work = world.top / 'a-file'
    world.work.write_text('')
    code, _ = world()
    _fails_cleanly(capsys, code, world.work, 'is a file, not a directory')


def test_full_tarballs_leaves_no_partial_file(world: Run, index: Index, mailer: Mailer, credentials: None) -> None:
    with mounted(world.top / 'tiny') as tiny:
        fill(tiny)
        code, out = world('--tarballs', str(tiny), index=index, mailer=mailer)
        assert code == 1
        assert statuses(out)[-1] == ('failed', 'tarballs')
        assert f'{tiny}/' in out and 'No space left on device' in out, out
        assert 'Traceback' not in out
        assert sorted(p.name for p in tiny.iterdir()) == ['filler']  # no partial or temporary file
        (tiny / 'filler').unlink()
        code, out = world('--tarballs', str(tiny), index=index, mailer=mailer)
        assert code == 0, out
        assert sorted(p.name for p in tiny.iterdir()) == [
            'widget-1.0.0-py3-none-any.whl', 'widget-1.0.0-py3-none-any.whl.sha256',
            'widget-1.0.0.tar.gz', 'widget-1.0.0.tar.gz.sha256']


def test_full_notes_dir_leaves_no_half_file(world: Run, mailer: Mailer) -> None:
    with mounted(world.top / 'tiny') as tiny:
        fill(tiny)
        code, out = world('--notes-dir', str(tiny), mailer=mailer)
        assert code == 1
        assert statuses(out)[-1] == ('failed', 'notes')
        assert f'{tiny}/widget/1.0.0.rst: cannot write: No space left on device' in out, out
        assert not (tiny / 'widget' / '1.0.0.rst').exists()
        assert [p.name for p in (tiny / 'widget').iterdir()] == []
        assert mailer.messages == []


def _loop(where: Path) -> Path:
    """``where`` as a symbolic link loop (``where`` -> ``where.other`` -> ``where``)."""
    other = where.with_name(where.name + '.other')
    other.symlink_to(where.name)
    where.symlink_to(other.name)
    return where


def test_site_output_that_is_a_symlink_loop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = DataRepo(tmp_path / 'data')
    loop = _loop(tmp_path / 'site')
    code = main(['site', '--root', str(data.root), '--output', str(loop)])  # was a RuntimeError traceback
    _fails_cleanly(capsys, code, loop, '--output cannot be used')


@pytest.mark.parametrize('option', ['--tarballs', '--notes-dir', '--announce-dir'])
@pytest.mark.parametrize('dry', [True, False], ids=['dry-run', 'run'])
def test_output_directory_that_is_a_symlink_loop_or_dangling(world: Run, capsys: pytest.CaptureFixture[str],
                                                             option: str, dry: bool) -> None:
    # A dry run used to pass these (the nearest existing parent was writable) and report "planned".
    loop = _loop(world.top / 'looped')
    args = world.args(*(['--dry-run'] if dry else []))
    if option in args:
        args[args.index(option) + 1] = str(loop)
    else:
        args += [option, str(loop)]
    _fails_cleanly(capsys, main(args), loop, f'{option} cannot be used')
    dangling = world.top / 'dangling'
    dangling.symlink_to(world.top / 'nowhere')
    args[args.index(option) + 1] = str(dangling)
    _fails_cleanly(capsys, main(args), dangling, f'{option} is a symbolic link to nothing')
    assert world.project.remote_tags() == {}


@pytest.mark.parametrize('how', ['run', 'dry-run', 'check'])
def test_ledger_that_is_a_symlink_loop_is_no_empty_ledger(world: Run, capsys: pytest.CaptureFixture[str],
                                                          how: str) -> None:
    # path.exists() is False for a loop: the ledger was read as empty (a --check then reported drift).
    loop = _loop(world.top / 'ledger.jsonl')
    code, _ = world('--ledger', str(loop), *([] if how == 'run' else [f'--{how}']))
    _fails_cleanly(capsys, code, loop, 'cannot read the release ledger: Too many levels of symbolic links')
    assert world.project.remote_tags() == {}
