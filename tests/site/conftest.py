"""Fixtures of the site tests."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = shutil.which('chromium') or shutil.which('chromium-browser')


@pytest.fixture(scope='module')
def chromium() -> str:
    if CHROMIUM:
        return CHROMIUM
    if os.environ.get('CI', '').lower() == 'true':
        pytest.fail('chromium is not installed: the browser tests must run under CI (.ci/run installs it)')
    pytest.skip('chromium is not installed (apt-get install chromium); browser tests skipped')
