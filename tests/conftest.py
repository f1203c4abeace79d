"""Shared fixtures: a small data repository in ``tmp_path``, optionally under git.

See :mod:`releasetools.testing.datarepo` for the series table and how snippets are written.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from releasetools.testing.datarepo import DataRepo


@pytest.fixture
def repo(tmp_path: Path) -> DataRepo:
    """A data repository that is a plain directory (validate with --all)."""
    return DataRepo(tmp_path / 'data-repo')


@pytest.fixture
def git_repo(tmp_path: Path) -> DataRepo:
    """A data repository under git with one commit of the series table."""
    data = DataRepo(tmp_path / 'data-repo')
    data.init_git()
    data.commit('series table')
    return data
