"""Reviewing release requests: ``list-changes`` (what each new release contains).

Names are imported on first use: the CLI reads ``JSON_SCHEMA`` for its help on
every run, and must not pay for git, reno and griffe code it does not run.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ['JSON_SCHEMA', 'ChangesOptions', 'ChangesReport', 'ReleaseReview', 'RepoReview', 'list_changes',
           'render_json', 'render_text']

_HOME = {
    'JSON_SCHEMA': 'json_shape', 'ChangesOptions': 'command', 'list_changes': 'command',
    'ChangesReport': 'changes', 'ReleaseReview': 'changes', 'RepoReview': 'changes',
    'render_json': 'render', 'render_text': 'render',
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
    return getattr(importlib.import_module(f'.{home}', __name__), name)
