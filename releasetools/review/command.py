"""``releasetools list-changes``: for each release a request adds, what a reviewer needs to know.

The request is read as ``validate`` reads it (``read_request``/``deliverable_contexts``);
each release follows the release ``lineage.predecessor`` names (as new-release does). Git facts are
gathered in one batched pass per repository (``git.facts``), then each range is read
(``collect``) and the review built from those values (``changes``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..core import lineage
from ..core.findings import Report
from ..core.model import Release, is_commit_id
from ..data.request import read_request
from ..git.facts import RepoFacts, RepoRequest, gather_all
from ..git.mirrors import DEFAULT_TEMPLATE, RepoLocator, default_cache_dir
from ..notes.render import STEP_RANK
from ..notes.scan import NoteCache
from ..rules import RULES, DeliverableContext, Problem, run_rules
from ..rules.context import deliverable_contexts
from ..rules.gitplan import expected_branches
from .api import wants_api_check
from .changes import (
    ChangesReport,
    ReleaseReview,
    RepoReview,
    RequirementChange,
    proposed_step,
    repo_warnings,
    requirement_changes,
)
from .collect import collect_range, files_wanted
from .schedule import Schedule, load_schedule, timing_hints

__all__ = ['ChangesOptions', 'list_changes']


@dataclass(frozen=True)
class ChangesOptions:
    """What ``releasetools list-changes`` was asked to do (see ``--help``)."""

    root: Path = Path('.')
    base: str | None = None
    files: list[str] = field(default_factory=list)
    repos: str | None = None
    offline: bool = False
    cache_dir: Path | None = None
    date: dt.date | None = None
    api: bool = True
    git_workers: int = 4
    #: Called with a line per repository mirrored or read ("repositories 1/2: ...").
    progress: Callable[[str], None] | None = None


def _usable(sha: str | None) -> bool:
    return sha is not None and is_commit_id(sha, abbreviated=True)


def list_changes(opts: ChangesOptions) -> ChangesReport:
    """Review every release the request adds; raise UsageError when the request cannot be read."""
    request = read_request(opts.root, base=opts.base, files=opts.files)
    loading = Report()
    contexts = deliverable_contexts(request, request.targets, loading)
    problems = tuple(f'{f.file}:{f.line}: {f.message}' for f in [*request.findings, *loading.findings])
    cache_dir = opts.cache_dir or default_cache_dir()
    locator = RepoLocator(opts.repos or DEFAULT_TEMPLATE, cache_dir, opts.offline, opts.progress)
    day = opts.date or dt.date.today()
    # Each series' calendar is read once per run; the one in development came with the request.
    current = request.series.current
    schedules: dict[str, Schedule | None] = {current.name: request.calendar} if current else {}

    def schedule_of(series: str) -> Schedule | None:
        if series not in schedules:
            schedules[series] = load_schedule(opts.root, series)
        return schedules[series]

    releases = [(ctx, r) for ctx in contexts for r in ctx.new_releases if r.version]
    judged = {id(ctx): _version_findings(ctx) for ctx in contexts}
    facts = gather_all(locator, _git_requests(releases), opts.git_workers)
    caches = {repo: NoteCache(cache_dir, repo) for repo, f in facts.items() if isinstance(f, RepoFacts)}
    try:
        reviews = tuple(_review(ctx, release, facts=facts, caches=caches, opts=opts, day=day,
                                schedule_of=schedule_of, judged=judged[id(ctx)].get(release.line, ()))
                        for ctx, release in releases)
    finally:
        for cache in caches.values():
            cache.save()
    return ChangesReport(day.isoformat(), reviews, problems)


def _git_requests(releases: Sequence[tuple[DeliverableContext, Release]]) -> dict[str, RepoRequest]:
    """The commits and files of each release's range (``lineage.range_start``), per repository."""
    requests: dict[str, RepoRequest] = {}
    for ctx, release in releases:
        for project in release.projects:
            if not project.repo or not _usable(project.hash):
                continue
            prev = lineage.range_start(ctx.deliverable, ctx.older_files, release, project.repo)
            req = requests.setdefault(project.repo, RepoRequest())
            req.commits.add(project.hash or '')
            prev_sha = prev.hash if prev and _usable(prev.hash) else None
            if prev_sha:
                req.commits.add(prev_sha)
            req.files |= files_wanted(prev_sha, project.hash or '')
    return requests


#: The rule families whose findings a reviewer sees next to a release: those about its version, judged
#: against the same lineage the "previous" line names (35.0.0 after 33.0.2 is shown as a skipped major).
REVIEW_FAMILIES = frozenset({'versions'})
_NOT_REVIEWED = frozenset(r.family for r in RULES.values()) - REVIEW_FAMILIES


def _version_findings(ctx: DeliverableContext) -> dict[int, list[str]]:
    """What the version rules find in ``ctx``'s new releases, by line (pure: no git, no build)."""
    out: dict[int, list[str]] = {}
    for rule_, item in run_rules(ctx, _NOT_REVIEWED):
        if isinstance(item, Problem):
            out.setdefault(item.line, []).append(f'{item.message} [{rule_.id}]')
    return out


def _review(ctx: DeliverableContext, release: Release, *, facts: dict[str, RepoFacts | str],
            caches: dict[str, NoteCache], opts: ChangesOptions, day: dt.date,
            schedule_of: Callable[[str], Schedule | None], judged: Sequence[str] = ()) -> ReleaseReview:
    """The review of one release; ``judged``: what the version rules found at its line."""
    d = ctx.deliverable
    version = release.version or ''
    previous = next((p for r in release.repos
                     if (p := lineage.predecessor_of(d, ctx.older_files, release, r)) is not None), None)
    step = proposed_step(previous.version if previous else None, version, ctx.prior_semvers(release))
    api = opts.api and wants_api_check(d.type, d.release_type)
    repos = tuple(_review_repo(ctx, release, project.repo, project.hash, facts=facts, caches=caches, step=step,
                               api=api)
                  for project in release.projects if project.repo)
    implied = max((r.notes.implied_step for r in repos if r.notes), key=STEP_RANK.__getitem__, default='none')
    if d.is_independent:
        current = ctx.series.current
        schedule = schedule_of(current.name) if current else None
    else:
        schedule = schedule_of(d.series)
    hints = timing_hints(schedule, day, d.type, implied, cycle=not d.is_independent)
    warnings = (*judged, *(f'{r.repo}: {w}' for r in repos for w in r.warnings))
    return ReleaseReview(d.path, d.name, d.series, d.team, d.type, d.model, d.release_type, version,
                         previous.version if previous else None, step, repos, hints, warnings, line=release.line)


def _review_repo(ctx: DeliverableContext, release: Release, repo: str, sha: str | None, *,
                 facts: dict[str, RepoFacts | str], caches: dict[str, NoteCache], step: str,
                 api: bool) -> RepoReview:
    # A final after release candidates shows everything since before its first
    # candidate, as reno's notes for it do.
    prev = lineage.range_start(ctx.deliverable, ctx.older_files, release, repo)
    prev_sha = prev.hash if prev and _usable(prev.hash) else None
    answer = _readable(repo, sha, prev_sha, facts)
    if isinstance(answer, RepoReview):
        return answer
    assert sha is not None  # _readable said so
    warnings: list[str] = []
    if prev_sha and answer.object_type(prev_sha) != 'commit':
        warnings.append(f'the previous release {prev.version if prev else ""} ({prev_sha}) is not in {repo}: '
                        'nothing to compare with')
        prev_sha = None
    branches = tuple(sorted(b for b in answer.refs.branches if answer.on_branch(sha, b)))
    heads = tuple(sorted(b for b, tip in answer.refs.branches.items() if tip == sha))
    commits = notes = result = None
    requirements: tuple[RequirementChange, ...] = ()
    old_req = new_req = None
    if prev_sha and prev:
        scanned = collect_range(answer, caches[repo], prev_sha, sha, release.version or '', api=api)
        if scanned.problem:
            warnings.append(f'cannot read the range {prev.version}..{release.version}: {scanned.problem}')
        else:
            commits, notes, result = scanned.commits, scanned.notes, scanned.api
        old_req = answer.files.get((prev_sha, 'requirements.txt'))
        new_req = answer.files.get((sha, 'requirements.txt'))
        requirements = requirement_changes(old_req, new_req)
    compared = bool(prev_sha and prev)
    warnings.extend(repo_warnings(
        repo=repo, version=release.version or '', previous=prev.version if compared and prev else None, step=step,
        commits=commits, same_commit=compared and prev_sha == sha, notes=notes,
        expected=expected_branches(ctx, answer, release), branches=branches,
        ancestor=answer.is_ancestor(prev_sha, sha) if compared and prev_sha else None, api=result,
        old_requirements=old_req, new_requirements=new_req))
    return RepoReview(repo, sha, prev_sha, None, commits, heads, branches, notes, requirements, result,
                      tuple(warnings))


def _readable(repo: str, sha: str | None, prev_sha: str | None,
              facts: dict[str, RepoFacts | str]) -> RepoFacts | RepoReview:
    """The facts of ``repo`` when ``sha`` can be reviewed there, else the review that says why not."""
    if not _usable(sha):
        return RepoReview(repo, sha or '', prev_sha, unavailable=f'{sha!r} is not a commit id')
    assert sha is not None
    answer = facts.get(repo, 'not looked up')
    if isinstance(answer, str):
        return RepoReview(repo, sha, prev_sha, unavailable=answer)
    if answer.object_type(sha) != 'commit':
        return RepoReview(repo, sha, prev_sha, unavailable=f'commit {sha} is not in {repo} ({answer.path})')
    return answer
