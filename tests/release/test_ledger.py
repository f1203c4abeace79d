"""The ledger survives a crash in the middle of appending a record."""

from __future__ import annotations

from pathlib import Path

import pytest

from releasetools.errors import ReleaseToolsError
from releasetools.release.ledger import Ledger


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
