"""Project rules: the repositories and commits named by a release."""

from __future__ import annotations

import re
from collections.abc import Iterator

from . import DeliverableContext, Problem, rule

HASH_RE = re.compile(r'^[0-9a-f]{40}\Z')


@rule('RT501')
def check_repo_known(ctx: DeliverableContext) -> Iterator[Problem]:
    """Every repository of a release is listed in ``repository-settings``.

    Only enforced when the file has ``repository-settings``. A repository
    named twice in one release is an error too.
    """
    settings = ctx.deliverable.repository_settings
    for release in ctx.new_releases:
        seen: set[str] = set()
        for project in release.projects:
            if project.repo is None:
                continue
            if project.repo in seen:
                yield Problem(project.line, f'{project.repo} appears twice in {release.version}')
            seen.add(project.repo)
            if settings is not None and project.repo not in settings:
                yield Problem(project.line, f'{project.repo} is not in repository-settings',
                              f'add "{project.repo}: {{}}" under repository-settings, or fix the name')


@rule('RT502')
def check_hash_format(ctx: DeliverableContext) -> Iterator[Problem]:
    """Commit hashes are 40 lowercase hexadecimal digits.

    Abbreviated hashes are ambiguous and branch or tag names move.
    """
    for release in ctx.new_releases:
        for project in release.projects:
            h = project.hash
            if h is not None and not HASH_RE.match(h):
                hint = 'use lowercase hex digits' if HASH_RE.match(h.lower()) else \
                    'give the full commit id (git rev-parse <commit>)'
                yield Problem(project.line, f'hash {h!r} of {project.repo} is not a 40-digit commit id', hint)
