"""Project rules: the repositories and commits named by a release."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from ..reponames import REPO_NAME_HINT, repo_name_problem
from ..yamlio import YMap
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


@rule('RT506')
def check_repo_name(ctx: DeliverableContext) -> Iterator[Problem]:
    """Repository names are ``namespace/name`` of safe characters.

    Letters, digits, ``.``, ``_`` and ``-``, two components: no ``..``, no
    absolute path, no empty component, no component starting with ``-``.
    Names are put into path and URL templates; any other name could make a
    command read or run something outside them, so no command resolves one.
    Checked in the new releases, the new branch locations and the
    ``repository-settings`` keys not at the base.
    """
    d = ctx.deliverable
    for release in ctx.new_releases:
        for project in release.projects:
            if project.repo is not None and (problem := repo_name_problem(project.repo)) is not None:
                yield Problem(project.line, f'repository name {project.repo!r} {problem}', REPO_NAME_HINT)
    for branch in ctx.new_branches:
        if isinstance(branch.location, Mapping):
            for repo in branch.location:
                if (problem := repo_name_problem(str(repo))) is not None:
                    yield Problem(branch.line, f'repository name {str(repo)!r} {problem}', REPO_NAME_HINT)
    old = set(ctx.base.repository_settings or ()) if ctx.has_base and ctx.base is not None else set()
    raw = d.raw.get('repository-settings') if isinstance(d.raw, Mapping) else None
    for repo in d.repository_settings or ():
        if repo in old or (problem := repo_name_problem(repo)) is None:
            continue
        line = raw.line_of(repo) if isinstance(raw, YMap) else d.line_of('repository-settings')
        yield Problem(line, f'repository name {repo!r} {problem}', REPO_NAME_HINT)
