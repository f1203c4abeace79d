"""Fixtures of the git-backed checks' tests: real repositories, built with releasetools.testing.

The root conftest.py loads them with ``pytest_plugins = ['tests.gitfixtures']`` (conftest.py
belongs to the other test suites); the builders themselves are imported from
``releasetools.testing.sources`` and ``releasetools.testing.datarepo``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from releasetools.testing.datarepo import DataRepo
from releasetools.testing.sources import Sources, build_sources


@pytest.fixture(scope='session')
def sources(tmp_path_factory: pytest.TempPathFactory) -> Sources:
    """The source repositories, built once per session; tests must not change them."""
    return build_sources(tmp_path_factory.mktemp('git-sources'))


@pytest.fixture
def data(tmp_path: Path) -> DataRepo:
    """An empty data repository (series table only) under git, not yet committed."""
    return DataRepo.for_git_checks(tmp_path / 'data', tmp_path / 'cache')
