"""What a repository name may be: ``namespace/name`` of safe characters.

Repository names come from contributed data and are put into path and URL
templates (``--repos``, ``--remotes``, the mirror cache). A name such as
``../../etc`` or ``-upload-pack=...`` would make a command read or run
something outside its template, so every name is checked here, once, by the
validate rule and by every place that resolves one.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .errors import UsageError

__all__ = ['REPO_NAME_HINT', 'check_plain_name', 'check_repo_name', 'repo_name_problem']

#: One path component: letters, digits, ``.``, ``_``, ``-``; never starting with ``-``.
_COMPONENT_RE = re.compile(r'[A-Za-z0-9._][A-Za-z0-9._-]*\Z')
_MAX_LENGTH = 200

REPO_NAME_HINT = 'write it as namespace/name, e.g. openstack/nova (letters, digits, ".", "_", "-")'


@lru_cache(maxsize=16384)
def repo_name_problem(name: str) -> str | None:
    """Why ``name`` is not a safe ``namespace/name`` repository name (None: it is).

    Cached: a data repository names each of its repositories in release after release.
    """
    if not name:
        return 'is empty'
    if len(name) > _MAX_LENGTH:
        return f'is longer than {_MAX_LENGTH} characters'
    if name.startswith('/'):
        return 'is an absolute path'
    parts = name.split('/')
    for part in parts:
        if part in ('.', '..'):
            return f'has a {part!r} component'
        if part.startswith('-'):
            return 'has a component starting with "-"'
    if len(parts) != 2:
        return 'is not of the form namespace/name'
    for part in parts:
        if not part:
            return 'has an empty component'
        if not _COMPONENT_RE.match(part):
            return 'has characters other than letters, digits, ".", "_" and "-"'
    return None


def check_repo_name(name: str) -> str:
    """Return ``name``; raise UsageError when it is not a safe repository name."""
    problem = repo_name_problem(name)
    if problem is not None:
        raise UsageError(f'repository name {name!r} {problem}: refusing to resolve it', REPO_NAME_HINT)
    return name


def check_plain_name(what: str, name: str) -> str:
    """Return ``name``; raise UsageError unless it is a plain file name (a series, a deliverable).

    Plain: letters, digits, ``.``, ``_``, ``-``, not starting with ``.`` or
    ``-``, so it names one file of one directory and nothing outside it.
    """
    if not name:
        raise UsageError(f'the {what} name is empty')
    shown = name if len(name) <= 60 else name[:57] + '...'
    if len(name) > _MAX_LENGTH:
        raise UsageError(f'the {what} name {shown!r} is longer than {_MAX_LENGTH} characters')
    if name.startswith(('.', '-')) or not _COMPONENT_RE.match(name):
        raise UsageError(f'the {what} name {shown!r} is not a plain name',
                         f'give the {what} as a name (letters, digits, ".", "_", "-"), not a path')
    return name
