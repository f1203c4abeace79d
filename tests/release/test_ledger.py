"""The ledger survives a crash while appending, a full disk and damaged lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from releasetools.core.errors import ReleaseToolsError
from releasetools.release.ledger import LEDGER_ENV, Ledger, LedgerError, default_ledger, ledger_path, request_identity
from releasetools.release.options import ReleaseOptions
from tests.release.tinyfs import PAGE, fill, mounted


def test_torn_last_line_is_no_record_and_is_cut_before_the_next(tmp_path: Path) -> None:
    path = tmp_path / 'ledger.jsonl'
    Ledger(path).record('a/build', action='build')
    with open(path, 'a') as fh:
        fh.write('{"key": "a/tag", "act')  # the process died here
    ledger = Ledger(path)
    assert set(ledger.done) == {'a/build'}
    ledger.record('a/tag', action='tag')
    assert set(Ledger(path).done) == {'a/build', 'a/tag'}
    assert path.read_text().count('\n') == 2


def test_a_damaged_line_in_the_middle_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / 'ledger.jsonl'
    path.write_text('{"key": "a"}\nnot json\n{"key": "b"}\n')
    with pytest.raises(ReleaseToolsError, match=':2: the release ledger is corrupt'):
        Ledger(path)


def test_valid_json_that_is_no_record_is_corrupt_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / 'ledger.jsonl'
    path.write_text('{"key": "a"}\n["key", "b"]\n')
    with pytest.raises(LedgerError, match=r'ledger.jsonl:2: the release ledger is corrupt'):
        Ledger(path)
    path.write_text('{"key": "a"}\n{"action": "tag"}\n{"key": "c"}\n')
    with pytest.raises(LedgerError, match=r'ledger.jsonl:2: the release ledger is corrupt'):
        Ledger(path)


def test_a_line_that_is_not_utf8_is_corrupt_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / 'ledger.jsonl'
    path.write_bytes(b'{"key": "a"}\n{"key": "\xff\xfe"}\n{"key": "b"}\n')
    with pytest.raises(LedgerError, match=r'ledger.jsonl:2: the release ledger is corrupt'):
        Ledger(path)


def test_a_record_that_does_not_fit_is_cut_back_and_raises(tmp_path: Path) -> None:
    with mounted(tmp_path / 'tiny') as tiny:
        path = tiny / 'ledger.jsonl'
        ledger = Ledger(path)
        ledger.record('a/build', action='build')
        # Leave 100 bytes in the ledger's last page and no free page: the next record
        # (far longer) is a short write, then ENOSPC.
        with open(path, 'ab') as fh:
            fh.write(b' ' * (PAGE - path.stat().st_size - 101) + b'\n')
        fill(tiny)
        before = path.read_bytes()
        with pytest.raises(LedgerError, match=r'cannot record "a/tag".*No space left on device.*not done'):
            ledger.record('a/tag', action='tag', detail='x' * 600)
        assert path.read_bytes() == before
        assert 'a/tag' not in ledger.done
        assert set(Ledger(path).done) == {'a/build'}
        (tiny / 'filler').unlink()
        ledger.record('a/tag', action='tag', detail='x' * 600)
        assert set(Ledger(path).done) == {'a/build', 'a/tag'}


def test_the_ledger_lives_outside_the_workdir_keyed_by_the_request(tmp_path: Path) -> None:
    one = request_identity([('widget', '_independent', '1.0.0', [('demo/widget', 'a' * 40)])])
    assert one == request_identity([('widget', '_independent', '1.0.0', [('demo/widget', 'a' * 40)])])
    assert one != request_identity([('widget', '_independent', '1.0.1', [('demo/widget', 'a' * 40)])])
    env = {'XDG_STATE_HOME': str(tmp_path / 'state'), 'HOME': str(tmp_path / 'home')}
    assert default_ledger(one, env) == tmp_path / 'state' / 'releasetools' / 'ledgers' / f'{one[:32]}.jsonl'
    del env['XDG_STATE_HOME']
    assert default_ledger(one, env).parent == Path.home() / '.local' / 'state' / 'releasetools' / 'ledgers'
    env[LEDGER_ENV] = str(tmp_path / 'mine.jsonl')
    assert default_ledger(one, env) == tmp_path / 'mine.jsonl'


def test_a_directory_is_no_ledger(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match=f'{tmp_path}: the release ledger is a directory'):
        Ledger(tmp_path)


def test_an_earlier_ledger_in_the_workdir_is_kept_until_the_new_one_exists(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('XDG_STATE_HOME', str(tmp_path / 'state'))
    monkeypatch.delenv(LEDGER_ENV, raising=False)
    opts = ReleaseOptions(workdir=tmp_path / 'work')
    default = ledger_path(opts, [])
    assert default.parent == tmp_path / 'state' / 'releasetools' / 'ledgers'
    (tmp_path / 'work').mkdir()
    (tmp_path / 'work' / 'ledger.jsonl').write_text('{"key": "a"}\n')
    assert ledger_path(opts, []) == tmp_path / 'work' / 'ledger.jsonl'
    opts.ledger = tmp_path / 'given.jsonl'
    assert ledger_path(opts, []) == tmp_path / 'given.jsonl'
