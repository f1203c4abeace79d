"""History rules: released history is immutable, new entries are appended."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ..data.yamlio import YList
from . import DeliverableContext, Problem, rule


def _entries(raw: Any, key: str) -> Sequence[Any]:
    value = raw.get(key) if hasattr(raw, 'get') else None
    return value if isinstance(value, YList) else YList()


def _ident(entry: Any, field: str) -> Any:
    value = entry.get(field) if hasattr(entry, 'get') else None
    try:
        hash(value)
    except TypeError:  # a list or mapping where a version or name belongs (RT102/RT105 report it)
        return repr(value)
    return value


def _compare(ctx: DeliverableContext, key: str, field: str, code: str) -> Iterator[Problem]:
    base = ctx.base
    if base is None:
        return
    old = _entries(base.raw, key)
    new = _entries(ctx.deliverable.raw, key)
    positions = {_ident(e, field): i for i, e in enumerate(new)}
    for i, entry in enumerate(old):
        ident = _ident(entry, field)
        j = positions.get(ident)
        if j is None:
            line = getattr(new[i], 'line', None) if i < len(new) else None
            if code == 'removed':
                yield Problem(line or getattr(new, 'line', 1) or 1,
                              f'{key} entry {ident!r} was removed; released history cannot be deleted',
                              'restore the entry as it was')
            continue
        if code == 'changed' and new[j] != entry:
            yield Problem(getattr(new[j], 'line', 1), f'{key} entry {ident!r} was changed; released history '
                          'is immutable', 'restore the entry as it was and add a new one instead')
        if code == 'moved' and j > i:
            yield Problem(getattr(new[j], 'line', 1), f'{key} entry {ident!r} moved from position {i + 1} '
                          f'to {j + 1}: new entries were inserted before it', 'append new entries at the end')


@rule('RT301', needs_base=True)
def check_history_unchanged(ctx: DeliverableContext) -> Iterator[Problem]:
    """Releases and branches that existed at the base are unchanged.

    A release was tagged with exactly that version and those hashes; changing
    the entry would make the data lie about what was published.
    """
    yield from _compare(ctx, 'releases', 'version', 'changed')
    yield from _compare(ctx, 'branches', 'name', 'changed')


@rule('RT302', needs_base=True)
def check_history_not_removed(ctx: DeliverableContext) -> Iterator[Problem]:
    """Releases and branches that existed at the base are not removed."""
    yield from _compare(ctx, 'releases', 'version', 'removed')
    yield from _compare(ctx, 'branches', 'name', 'removed')


@rule('RT303', needs_base=True)
def check_appended(ctx: DeliverableContext) -> Iterator[Problem]:
    """New releases are appended at the end, never inserted.

    The order of ``releases`` is history. The order of ``branches`` means
    nothing (the release team has merged requests that insert a branch before
    an existing one), so a new branch may go anywhere: RT301/RT302 still keep
    the existing branch entries unchanged.
    """
    yield from _compare(ctx, 'releases', 'version', 'moved')
