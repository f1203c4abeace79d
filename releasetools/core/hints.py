"""Fix hints shared by the rules and the commands."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ['did_you_mean']


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """'did you mean X?' for the closest of ``choices``, or None when nothing is close."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f'did you mean {match[0]!r}?' if match else None
