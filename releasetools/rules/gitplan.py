"""Planning the git checks: which commit a release follows, which branches it must be on,
and which commits and files to gather before the (pure) git rules run."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet

from ..core import lineage
from ..core.model import Release
from ..git.facts import RepoFacts, RepoRequest
from .context import DeliverableContext

__all__ = ['closed_branch_gone', 'closing_tag_names', 'closing_tags', 'expected_branches', 'facts_for',
           'git_repos', 'git_requests', 'is_patch', 'previous_release', 'wanted']


def previous_release(ctx: DeliverableContext, release: Release, repo: str) -> lineage.Point | None:
    """The release ``release`` must descend from in ``repo``: ``lineage.predecessor``, on the context's files."""
    return lineage.predecessor_of(ctx.deliverable, ctx.older_files, release, repo)


def is_patch(release: Release) -> bool:
    v = release.semver
    return v is not None and v.patch > 0 and not v.is_prerelease


def wanted(ctx: DeliverableContext) -> dict[str, RepoRequest]:
    """The commits and files the git rules will ask about, per repository."""
    requests: dict[str, RepoRequest] = {}

    def want(repo: str) -> RepoRequest:
        return requests.setdefault(repo, RepoRequest())

    closing = closing_tag_names(ctx)
    for release in ctx.new_releases:
        for project in release.projects:
            if not project.repo or not project.hash:
                continue
            req = want(project.repo)
            req.tags.update(closing)
            req.commits.add(project.hash)
            req.files.add((project.hash, 'setup.cfg'))
            req.files.add((project.hash, 'pyproject.toml'))
            prev = previous_release(ctx, release, project.repo)
            if prev and prev.hash:
                req.commits.add(prev.hash)
                if is_patch(release):
                    req.files.add((prev.hash, 'requirements.txt'))
                    req.files.add((project.hash, 'requirements.txt'))
    for repo, sha in _branch_points(ctx):
        want(repo).commits.add(sha)
    return requests


def _branch_points(ctx: DeliverableContext) -> Iterator[tuple[str, str]]:
    """(repository, commit) where each new branch starts (``lineage.branch_points``).

    The release a branch is located at may be old: RT705 still needs its
    commits in the walked history.
    """
    for branch in ctx.new_branches:
        yield from (lineage.branch_points(ctx.deliverable, branch) or {}).items()


def facts_for(ctx: DeliverableContext, repo: str | None) -> RepoFacts | None:
    facts = ctx.git.get(repo) if repo else None
    return facts if isinstance(facts, RepoFacts) else None


def _series_branches(ctx: DeliverableContext, facts: RepoFacts, kind: str) -> list[str]:
    return [b for b in lineage.series_branches(ctx.deliverable, ctx.series, kind) if b in facts.refs.branches]


def expected_branches(ctx: DeliverableContext, facts: RepoFacts, release: Release) -> list[str]:
    """The branches a release's commit must be on, existing in the repository."""
    d = ctx.deliverable
    default = [facts.refs.default_branch] if facts.refs.default_branch else []
    tag = release.closing_tag
    if d.is_independent:
        listed = [b.name for b in d.branches if b.name and b.name in facts.refs.branches]
        return default + listed
    if tag is not None and tag.kind == 'last':
        return default
    stable = _series_branches(ctx, facts, 'stable')
    unmaintained = _series_branches(ctx, facts, 'unmaintained')
    if tag is not None:
        return stable + unmaintained or default
    return stable or unmaintained or default


def closing_tag_names(ctx: DeliverableContext) -> tuple[str, ...]:
    """The tags that close this file's series branch: ``<series>-eol``, ``-eom`` (and by release-id).

    Only for a series that is closed (not open, not future): those are the
    series whose stable branch may have been deleted. ``-em`` is not among
    them: it marks the last release, not the end of the branch.
    """
    d = ctx.deliverable
    if d.is_independent or not ctx.is_closed:
        return ()
    names = lineage.series_labels(d, ctx.series)
    return tuple(f'{n}-{kind}' for kind in ('eol', 'eom') for n in names)


def closing_tags(ctx: DeliverableContext, facts: RepoFacts) -> dict[str, str]:
    """Closing tags of this file's series that ``facts``' repository has: name -> commit."""
    return {t: facts.refs.tags[t] for t in closing_tag_names(ctx) if t in facts.refs.tags}


def closed_branch_gone(ctx: DeliverableContext, facts: RepoFacts) -> str | None:
    """Why a closed series' releases cannot be checked: its branch was deleted (None: it was not).

    At end of life the stable branch is deleted and only the ``<series>-eol``
    tag remains; the default branch is no stand-in for it (``--all`` checks
    that old history too). RT704 checks against the closing tags
    (:func:`closing_tags`) first: this is the reason when there are none.
    """
    d = ctx.deliverable
    if d.is_independent or not ctx.is_closed:
        return None
    if _series_branches(ctx, facts, 'stable') or _series_branches(ctx, facts, 'unmaintained'):
        return None
    return (f'{d.series} is {ctx.status} and its stable branch is gone from {facts.repo}: no branch and no '
            f'closing tag to check against')


def git_requests(contexts: Iterable[DeliverableContext], unreadable: AbstractSet[str] = frozenset()
                 ) -> dict[str, RepoRequest]:
    """What the git rules need to know, merged per repository over all contexts.

    A context whose repositories are all ``unreadable`` is not planned: its
    checks can only be skipped, and planning costs a look at every release.
    """
    requests: dict[str, RepoRequest] = {}
    for ctx in contexts:
        if unreadable and git_repos(ctx) <= unreadable:
            continue
        for repo, req in wanted(ctx).items():
            if repo in unreadable:
                continue
            merged = requests.setdefault(repo, RepoRequest())
            merged.commits |= req.commits
            merged.files |= req.files
            merged.tags |= req.tags
    return requests


def git_repos(ctx: DeliverableContext) -> set[str]:
    """The repositories ``wanted`` can ask about for ``ctx``, found without planning."""
    cached: set[str] | None = ctx.cache.get('git-repos')
    if cached is not None:
        return cached
    repos = ctx.cache['git-repos'] = {p.repo for r in ctx.new_releases for p in r.projects if p.repo and p.hash}
    repos.update(repo for repo, _ in _branch_points(ctx))
    return repos
