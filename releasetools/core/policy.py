"""The release policy: which deliverables and which series take which new releases.

One answer for the validator (RT402-RT404) and for ``new-release``, which
refuses before writing what the validator would reject. A release is either
regular (``closing`` is None) or a closing tag of a kind (``eol``, ``eom``,
``em``, ``last``: ``versions.parse_special``). Pure.
"""

from __future__ import annotations

from .model import OPEN_STATUSES

__all__ = ['CLOSED_MODELS', 'CLOSING_STATUSES', 'END_OF_LIFE_KINDS', 'model_takes', 'series_takes']

#: Statuses in which a series may still receive its closing tags (-eom, -eol, -last).
CLOSING_STATUSES = OPEN_STATUSES | {'extended maintenance', 'unmaintained'}
#: Closing tags a series still takes once it is ``end of life``: ``-eol`` stragglers
#: (deliverables tagged after the series was declared closed) and the ``-last`` tags
#: of branchless deliverables. An ``-eom`` or ``-em`` no longer makes sense there.
END_OF_LIFE_KINDS = frozenset({'eol', 'last'})
#: Release models that take closing tags only: never released (``untagged``), or no more (``abandoned``).
CLOSED_MODELS = frozenset({'abandoned', 'untagged'})


def series_takes(status: str | None, closing: str | None) -> bool:
    """Whether a series of ``status`` takes a new release (``closing``: the kind of closing tag, or None).

    Regular releases go to an open series (``development``, ``maintained``);
    closing tags also to one in extended maintenance or unmaintained, and
    ``-eol`` and ``-last`` even to an ``end of life`` series: the release team
    declares the series closed first and tags the stragglers afterwards. An
    unknown status (None: a series the table does not list, RT401) is not
    judged here.
    """
    if status is None:
        return True
    if closing is None:
        return status in OPEN_STATUSES
    return status in CLOSING_STATUSES or (status == 'end of life' and closing in END_OF_LIFE_KINDS)


def model_takes(release_model: str | None, closing: str | None) -> bool:
    """Whether a deliverable of ``release_model`` takes a new release: the closed models take closing tags only."""
    return closing is not None or release_model not in CLOSED_MODELS
