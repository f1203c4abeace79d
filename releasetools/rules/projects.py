"""Project rules: the repositories and commits named by a release."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ..core import lineage
from ..core.hints import did_you_mean
from ..core.model import is_commit_id
from ..core.reponames import REPO_NAME_HINT, repo_name_problem
from ..data.yamlio import YMap
from . import DeliverableContext, Problem, rule


@rule('RT501')
def check_repo_known(ctx: DeliverableContext) -> Iterator[Problem]:
    """Every repository of a release is listed in ``repository-settings``.

    Only enforced when the file has ``repository-settings``. A repository
    named twice in one release is an error too.
    """
    settings = ctx.deliverable.repository_settings
    for release in ctx.new_releases:
        # One project cannot appear twice: most releases need no set of the repositories seen.
        seen: set[str] | None = set() if len(release.projects) > 1 else None
        for project in release.projects:
            if project.repo is None:
                continue
            if seen is not None:
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
            if h is not None and not is_commit_id(h):
                hint = 'use lowercase hex digits' if is_commit_id(h.lower()) else \
                    'give the full commit id (git rev-parse <commit>)'
                yield Problem(project.line, f'hash {h!r} of {project.repo} is not a 40-digit commit id', hint)


@rule('RT503')
def check_release_covers_repos(ctx: DeliverableContext) -> Iterator[Problem]:
    """A release names every active repository of ``repository-settings``.

    A deliverable is released as a whole: a release that leaves out one of
    its repositories ships that repository's last tag under a new version
    of everything else. Repositories flagged ``retired`` are left out, and so
    are those flagged ``no-artifact-build-job``: the release team's merged
    data omits them (kayobe's ``kayobe-config`` from antelope to gazpacho),
    since nothing is built from them. Closing tags (``-eol``, ``-last`` ...)
    are checked by RT209.
    """
    settings = ctx.deliverable.repository_settings
    if not settings:
        return
    active = [repo for repo in lineage.active_repos(ctx.deliverable) if settings[repo].builds_artifacts]
    for release in ctx.new_releases:
        if not release.projects or ctx.is_special(release):
            continue
        repos = release.repos
        if all(map(repos.__contains__, active)):
            continue  # the common case: nothing left out (a few repositories each: no set needed)
        named = set(repos)
        # x/nova named for openstack/nova is a rename RT501 reports already.
        moved = {repo.rsplit('/', 1)[-1] for repo in named if repo not in settings}
        missing = [repo for repo in active if repo not in named and repo.rsplit('/', 1)[-1] not in moved]
        if missing:
            yield Problem(release.line, f'{release.version} leaves out {", ".join(missing)} of '
                          'repository-settings',
                          'add a project entry (repo and hash) for each, or flag a repository that is no '
                          'longer released as retired')


@rule('RT504')
def check_release_notes_repos(ctx: DeliverableContext) -> Iterator[Problem]:
    """``release-notes`` given per repository names repositories of the deliverable.

    A map key that is not one of the deliverable's repositories (in
    ``repository-settings`` or in a release) is a typo or a leftover: the
    link would never be shown for the repository it was meant for.
    """
    d = ctx.deliverable
    notes = d.raw.get('release-notes') if isinstance(d.raw, Mapping) else None
    if not isinstance(notes, Mapping):
        return
    known = set(d.repos)
    line_of = getattr(notes, 'line_of', None)
    for repo in notes:
        if repo not in known:
            line = line_of(repo) if line_of is not None else d.line_of('release-notes')
            yield Problem(line, f'release-notes names {repo}, which is not a repository of this deliverable',
                          did_you_mean(str(repo), sorted(known)) or 'key release-notes by the repositories '
                          'in repository-settings')


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
