"""Before the first step: the request's tags against the remotes' (a tag is never moved nor replaced)."""

from __future__ import annotations

from collections.abc import Callable

from ..artifacts import children
from ..artifacts.plan import Item, Target
from ..core.errors import ReleaseToolsError
from . import preflight
from .gitops import Workspace

__all__ = ['check_tags']


def check_tags(items: list[Item], space: Callable[[str], Workspace], tags: dict[str, dict[str, str]],
               signing_key: str | None) -> None:
    """Raise unless every commit exists and every tag of the request is absent or what the job would make.

    ``tags`` are each repository's remote tags (filled in by ``space``, which fetches the repository).
    """
    problems = []
    for item in items:
        for t in item.targets:
            ws = space(t.repo)
            tagged = tags[t.repo].get(item.version)
            if tagged is not None and tagged != t.hash:
                problems.append(f'{t.repo}: tag {item.version} already points at {tagged}, not {t.hash}')
            elif not ws.has_commit(t.hash):
                problems.append(f'{t.repo}: {t.hash} is not a commit of {ws.remote}')
    if problems:
        raise ReleaseToolsError('nothing was done: ' + '; '.join(problems),
                                'tags are never moved: the release request must be corrected')
    for item in items:
        for t in item.targets:
            if tags[t.repo].get(item.version) == t.hash:
                problems += _tag_problems(space(t.repo), item, t, signing_key)
    if problems:
        raise ReleaseToolsError('nothing was done: ' + '; '.join(problems),
                                'a tag is never replaced by the job: delete the tag on the remote (if it '
                                'was never announced) and run again, or release another version')


def _tag_problems(ws: Workspace, item: Item, t: Target, key: str | None) -> list[str]:
    """A tag already at the right commit counts as done only if it is what the job would make."""
    kind = ws.tag_kind(item.version)
    where = f'{t.repo}: tag {item.version} at {t.hash[:12]}'
    if kind == 'lightweight':
        return [f'{where} is a lightweight tag, not an annotated release tag']
    if key and kind != 'signed':
        return [f'{where} is not signed, and signing key {key} is configured']
    if key:
        signers = ws.tag_signers(item.version)
        if not signers or not signers & preflight.key_fingerprints(key, children.environment('gpg')):
            return [f'{where} has no good signature by {key}']
    return []
