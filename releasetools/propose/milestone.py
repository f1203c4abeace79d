"""``releasetools propose-milestone SERIES KIND``: the next beta or release candidate of a series, in one request.

At a milestone (KIND ``milestone``) or at the release-candidate deadline
(``rc``), the release team proposes the next pre-release of every deliverable
the kind applies to: the ``cycle-with-rc`` ones (and the legacy
``cycle-with-milestones``). The version is ``core.nextversion``'s; each
repository's commit is the head of the right branch (the series' stable branch
once it exists, else the default branch: ``newrelease.branch_for``). A
deliverable with no new commit since the release it follows is skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..core import lineage
from ..core.errors import ReleaseToolsError, UsageError
from ..core.model import RC_MODELS
from ..core.nextversion import plan_version
from ..core.versions import parse_semver
from ..data.yamledit import append_to_list, list_layout, render_release
from ..data.yamlio import parse_yaml
from ..rules import DeliverableContext
from .cycle import Planned, RepoAccess, Repos, Result, Skipped, propose_series
from .newrelease import branch_for

__all__ = ['MILESTONE_KINDS', 'ProposeMilestoneOptions', 'propose_milestone']

#: The kinds a series-wide pre-release request makes, and the models each applies to.
MILESTONE_KINDS = {'milestone': RC_MODELS, 'rc': RC_MODELS}


@dataclass(frozen=True)
class ProposeMilestoneOptions:
    """What ``releasetools propose-milestone`` was asked to do (see ``--help``)."""

    series: str
    kind: str
    root: Path = Path('.')
    repos: str | None = None
    offline: bool = False
    cache_dir: Path | None = None
    dry_run: bool = False
    #: Called with a line per repository located or fetched (``--progress``); None: quiet.
    progress: Callable[[str], None] | None = field(default=None, compare=False)


def _head(ctx: DeliverableContext, repos: Repos, repo: str, previous: lineage.Point | None
          ) -> tuple[str, str, int | None] | Skipped:
    """(commit, branch, commits since ``previous``) of one repository, or why it cannot be had."""
    refs = repos.refs(repo)
    if isinstance(refs, str):
        return Skipped(refs)
    try:
        branch = branch_for(ctx.deliverable, ctx, refs, repo)
    except ReleaseToolsError as exc:
        return Skipped(exc.message)
    sha = refs.branches[branch]
    count = None
    if previous is not None:
        out = repos.git(repo, ['rev-list', '--count', f'{previous.hash}..{sha}'])
        count = int(out) if out is not None and out.isdigit() else None
    return sha, branch, count


def plan_milestone(ctx: DeliverableContext, text: str, kind: str, repos: Repos) -> Planned | Skipped:
    """The next pre-release of ``kind`` of one file, appended to ``text``."""
    d = ctx.deliverable
    models = MILESTONE_KINDS[kind]
    if d.release_model not in models:
        return Skipped(f'{d.release_model or "no release-model"}: {kind} releases are for '
                       f'{", ".join(sorted(models))}')
    final = next((v for v in d.semvers if not v.is_prerelease), None)
    if final is not None:
        return Skipped(f'{d.series} already has its final {final.text}')
    try:
        plan = plan_version(kind, d, ctx.counted_semvers, lineage.closing_prefix(d, ctx.series))
    except ReleaseToolsError as exc:
        return Skipped(exc.message)
    v = parse_semver(plan.version)
    assert v is not None
    repo_names = lineage.active_repos(d)
    if not repo_names:
        return Skipped('lists no repository (add repository-settings)')
    last = {p.repo: p for p in (d.releases[-1].projects if d.releases else ())}
    projects, notes, counts = [], [], []
    for repo in repo_names:
        previous = lineage.predecessor(d, ctx.older_files, v, len(d.releases), repo)
        head = _head(ctx, repos, repo, previous)
        if isinstance(head, Skipped):
            return head
        sha, branch, count = head
        entry = {'repo': repo, 'hash': sha}
        if repo in last and last[repo].tarball_base:
            entry['tarball-base'] = last[repo].tarball_base or ''
        projects.append(entry)
        counts.append(count)
        since = '' if count is None or previous is None else \
            f', {count} commit{"s" if count != 1 else ""} since {previous.version}'
        notes.append(f'{repo} {sha} (head of {branch}{since})')
    if all(c == 0 for c in counts):
        return Skipped(f'no new commit since {plan.previous} ({"; ".join(notes)})')
    dash, inner = list_layout(text, parse_yaml(text), 'releases') or (2, 6)
    new = append_to_list(text, 'releases', render_release(plan.version, projects, dash=dash, inner=inner),
                         {'version': plan.version, 'projects': projects})
    after = f' after {plan.previous}' if plan.previous else ''
    return Planned(new, f'{plan.version} ({kind}{after})', tuple(notes))


def propose_milestone(opts: ProposeMilestoneOptions) -> Result:
    """Append the next ``kind`` of every deliverable it applies to; one request, all or nothing."""
    if opts.kind not in MILESTONE_KINDS:
        raise UsageError(f'unknown kind {opts.kind!r}', f'one of: {", ".join(MILESTONE_KINDS)}')
    repos = Repos(RepoAccess(opts.repos, opts.offline, opts.cache_dir, opts.progress))
    return propose_series(f'propose-milestone {opts.series} {opts.kind}', opts.root, opts.series,
                          lambda ctx, text: plan_milestone(ctx, text, opts.kind, repos), dry_run=opts.dry_run)
