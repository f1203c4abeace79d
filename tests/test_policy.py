"""core.policy: which series and release models take which new releases (RT402-RT404 and new-release)."""

from __future__ import annotations

import pytest

from releasetools.core.policy import model_takes, series_takes


@pytest.mark.parametrize(('status', 'closing', 'takes'), [
    ('development', None, True),
    ('maintained', None, True),
    ('unmaintained', None, False),
    ('extended maintenance', None, False),
    ('end of life', None, False),
    ('future', None, False),
    ('unmaintained', 'eol', True),
    ('extended maintenance', 'eom', True),
    ('end of life', 'eol', True),  # the stragglers, tagged after the series closed
    ('end of life', 'last', True),
    ('end of life', 'eom', False),
    ('end of life', 'em', False),
    ('future', 'eol', False),
    (None, None, True),  # a series the table does not list: RT401's to report
])
def test_series_takes(status: str | None, closing: str | None, takes: bool) -> None:
    assert series_takes(status, closing) is takes


@pytest.mark.parametrize(('model', 'closing', 'takes'), [
    ('cycle-with-rc', None, True),
    (None, None, True),
    ('abandoned', None, False),
    ('untagged', None, False),
    ('abandoned', 'eol', True),
    ('untagged', 'eom', True),
])
def test_model_takes(model: str | None, closing: str | None, takes: bool) -> None:
    assert model_takes(model, closing) is takes
