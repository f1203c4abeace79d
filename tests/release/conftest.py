"""Fixtures of every release test module.

The real servers and the world come from test_job.py; every release test keeps its default
ledger in its own tmp_path, never in the user's home.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.release.test_job import credentials, index, mailer, world  # noqa: F401  (shared fixtures)


@pytest.fixture(autouse=True)
def state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv('RELEASETOOLS_LEDGER', raising=False)
    monkeypatch.setenv('XDG_STATE_HOME', str(tmp_path / 'state'))
    return tmp_path / 'state'
