"""Fixtures of the git-backed checks' tests: real repositories, built with tests.githelpers.

The root conftest.py loads them with ``pytest_plugins = ['tests.gitfixtures']`` (conftest.py
belongs to the other test suites) and import the helpers from ``tests.githelpers``;
importing them from here works too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.githelpers import *  # noqa: F403 - the helpers, for `from tests.gitfixtures import ...`
from tests.githelpers import DataRepo, Sources, build_sources


@pytest.fixture(scope='session')
def sources(tmp_path_factory: pytest.TempPathFactory) -> Sources:
    """The source repositories, built once per session; tests must not change them."""
    return build_sources(tmp_path_factory.mktemp('git-sources'))


@pytest.fixture
def data(tmp_path: Path) -> DataRepo:
    """An empty data repository (series table only) under git, not yet committed."""
    return DataRepo.create(tmp_path / 'data', tmp_path / 'cache')
