"""Fix hints shared by the rules and the commands."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from .model import Series

__all__ = ['did_you_mean', 'no_status']

#: Where the series and their statuses are.
SERIES_FILE = 'data/series_status.yaml'


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """'did you mean X?' for the closest of ``choices``, or None when nothing is close.

    Never the word itself: when ``word`` is one of the choices, what is wrong is
    something else (the file is a directory, a pipe, a dangling link), and the
    caller has to say that instead.
    """
    choices = list(choices)
    if word in choices:
        return None
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f'did you mean {match[0]!r}?' if match else None


def no_status(series: Series) -> tuple[str, str]:
    """The message and hint for a series whose entry has no ``status`` (or an empty one)."""
    where = f'{SERIES_FILE}:{series.line}' if series.line else SERIES_FILE
    return (f'series {series.name!r} has no status ({where})',
            f'add a status to its entry in {SERIES_FILE}, e.g. "status: development" '
            '(or maintained, extended maintenance, unmaintained, end of life, future)')
