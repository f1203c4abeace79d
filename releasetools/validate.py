"""``releasetools validate``: load the data, find what is new, run every rule.

I/O lives here and in ``load``/``gitrepo``; the rules stay pure.
"""

from __future__ import annotations

import concurrent.futures
import gc
import multiprocessing
import os
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import baseline, gitrepo
from .baseline import entry_of
from .errors import UsageError
from .findings import Finding, Report, Severity, Skipped
from .gitfacts import RepoFacts, RepoRequest, gather_all
from .load import (
    DELIVERABLES,
    LoadedFile,
    escape_finding,
    escapes,
    list_deliverable_files,
    load_deliverable_bytes,
    load_deliverable_file,
    load_series,
    split_deliverable_path,
)
from .model import SeriesTable
from .repos import DEFAULT_TEMPLATE, RepoLocator, default_cache_dir
from .rules import DeliverableContext, Problem, all_rules_cached, gitplan, run_rules

__all__ = ['GIT_SKIP_REASON', 'ValidateOptions', 'validate']

GIT_SKIP_REASON = 'git-backed checks are not available in this version of releasetools'


@dataclass
class Request:
    """What a run works on: the data repository, its series, the files in scope."""

    root: Path
    series: SeriesTable
    series_dirs: frozenset[str]
    by_name: dict[str, list[str]]  # file name -> every series file of that name
    targets: list[str]
    base_commit: str | None
    bases: dict[str, bytes | None]  # target -> content at the base (None: new file)
    findings: list[Finding]
    #: data/validate-baseline.yaml at the base (None: absent, or nothing to check).
    base_baseline: bytes | None = None


@dataclass
class ValidateOptions:
    """What ``releasetools validate`` was asked to do (see ``--help``)."""

    root: Path = Path('.')
    base: str | None = None
    all: bool = False
    files: list[str] = field(default_factory=list)
    offline: bool = False
    repos: str | None = None
    cache_dir: Path | None = None
    git_workers: int = 4
    #: ``--build``: build each new Python release at its hash (rules RT901-RT903); needs a base.
    build: bool = False
    build_isolation: bool = True
    #: CI mode: a git check that cannot run is an error (RT708), not a skip.
    require_git: bool = False
    #: Called with a line per repository located (from worker threads and processes); None: quiet.
    progress: Callable[[str], None] | None = None
    #: A baseline file to use instead of the repository's own (data/validate-baseline.yaml).
    baseline: Path | None = None
    no_baseline: bool = False
    #: Write the errors found (--all only) as the baseline to this file, then accept them.
    write_baseline: Path | None = None


def _normalise(root: Path, name: str) -> str:
    """A FILE argument as a path relative to root, with / separators."""
    path = Path(name)
    absolute = path if path.is_absolute() else root / path
    rel = os.path.relpath(os.path.abspath(absolute), os.path.abspath(root))
    rel = rel.replace(os.sep, '/')
    if split_deliverable_path(rel) is None:
        raise UsageError(f'{name} is not a deliverable file (deliverables/<series>/<name>.yaml under {root})',
                         'give paths relative to --root')
    # Longer names than the file system takes can only fail later, with an OSError: say it here.
    if any(len(os.fsencode(part)) > _NAME_MAX for part in rel.split('/')):
        shown = rel if len(rel) <= 80 else rel[:77] + '...'
        raise UsageError(f'{shown}: a file name longer than {_NAME_MAX} bytes cannot be a deliverable file')
    return rel


_NAME_MAX = 255


def _escapes(root: Path, rel: str) -> bool:
    """Whether ``rel`` (or its series directory) is a link leading out of root."""
    path = root / rel
    if not (path.is_symlink() or path.parent.is_symlink() or path.parent.parent.is_symlink()):
        return False
    return escapes(os.path.realpath(root), str(path))


class _Loader:
    """Loads each working-tree file once, whatever asks for it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.loaded: dict[str, LoadedFile] = {}

    def get(self, rel: str) -> LoadedFile:
        hit = self.loaded.get(rel)
        if hit is None:
            hit = self.loaded[rel] = load_deliverable_file(self.root, rel)
        return hit


def read_request(root: Path, *, base: str | None = None, all: bool = False,
                 files: Sequence[str] = ()) -> Request:
    """Find what a run works on: every file (``all``), or what differs from the base.

    Raises UsageError when that cannot be done (no such root, unknown base).
    Problems of the data found on the way (series file, links out of the
    repository, deleted history) are returned as findings, not raised.
    """
    if not root.is_dir():
        raise UsageError(f'--root {root} is not a directory')
    series, series_findings = load_series(root)
    report = Report(findings=list(series_findings))  # only its findings are used
    all_files, link_findings = list_deliverable_files(root)
    series_dirs = frozenset(p.split('/')[1] for p in all_files) | _series_dirs(root)
    explicit = [_normalise(root, f) for f in files]
    base_commit: str | None = None
    deleted: list[str] = []
    if all:
        targets = explicit or all_files
    else:
        base_commit = _resolve_base(root, base)
        changed, deleted = gitrepo.changed_paths(root, base_commit, DELIVERABLES)
        changed = [p for p in changed if split_deliverable_path(p) is not None]
        deleted = [p for p in deleted if split_deliverable_path(p) is not None]
        if explicit:
            wanted = set(explicit)
            changed = [p for p in changed if p in wanted] + [p for p in explicit if p not in set(changed)]
            deleted = [p for p in deleted if p in wanted]
        targets = changed
    targets = sorted(set(targets) - set(deleted))

    # Links out of the repository found while listing are reported when they
    # are in scope: every one with --all, else those the request changes or names.
    escaped = {f.file: f for f in link_findings}
    if all and not explicit:
        report.findings.extend(link_findings)
    else:
        in_scope = set(targets) | set(explicit)
        report.findings.extend(f for f in link_findings if f.file in in_scope
                               or any(f.file == t.rsplit('/', 1)[0] for t in in_scope))
    listed = set(all_files) | set(escaped)
    targets = [t for t in targets if t not in escaped and t.rsplit('/', 1)[0] not in escaped]
    outside = {rel for rel in targets if rel not in listed and _escapes(root, rel)}
    report.findings.extend(escape_finding(rel) for rel in sorted(outside))
    targets = [t for t in targets if t not in outside]
    if explicit:
        missing = [t for t in targets if not (root / t).exists() and not (root / t).is_symlink()]
        if missing:
            raise UsageError(f'no such deliverable file: {", ".join(missing)}')

    bases: dict[str, bytes | None] = {}
    base_baseline: bytes | None = None
    if base_commit is not None and (targets or deleted):
        # The baseline as it was at the base, in the same batch as the files.
        bases = gitrepo.read_blobs(root, base_commit, [*targets, *deleted, baseline.BASELINE_PATH])
        base_baseline = bases.pop(baseline.BASELINE_PATH)
        for rel in deleted:
            content = bases.get(rel)
            old = load_deliverable_bytes(rel, content).deliverable if content is not None else None
            # A file that never released or branched erases no history when it goes.
            if old is None or old.releases or old.branches:
                report.findings.append(Finding(
                    'RT302', Severity.ERROR, rel, 0, 'the deliverable file was deleted; released history '
                    'cannot be removed', 'restore the file'))

    by_name: dict[str, list[str]] = defaultdict(list)
    for rel in all_files:
        by_name[rel.rsplit('/', 1)[1]].append(rel)
    return Request(root, series, series_dirs, dict(by_name), targets, base_commit, bases, report.findings,
                   base_baseline)


def deliverable_contexts(request: Request, targets: Iterable[str], report: Report) -> list[DeliverableContext]:
    """Load ``targets`` with their other series files and base versions, for the rules.

    Files that cannot be read are counted and their finding added to ``report``.
    """
    loader = _Loader(request.root)
    groups: dict[str, dict[str, Any]] = defaultdict(dict)
    contexts: list[DeliverableContext] = []
    for rel in targets:
        loaded = loader.get(rel)
        report.checked += 1
        if loaded.deliverable is None:
            assert loaded.problem is not None
            report.findings.append(loaded.problem)
            continue
        name = rel.rsplit('/', 1)[1]
        others = tuple(o.deliverable for o in (loader.get(p) for p in request.by_name.get(name, ()) if p != rel)
                       if o.deliverable is not None)
        base = None
        content = request.bases.get(rel)
        if content is not None:
            base = load_deliverable_bytes(rel, content).deliverable
        contexts.append(DeliverableContext(loaded.deliverable, request.series, others, base,
                                           request.base_commit is not None, request.series_dirs,
                                           group_cache=groups[name]))
    return contexts


def validate(opts: ValidateOptions) -> Report:
    """Validate a data repository; raise UsageError when that cannot be done."""
    if opts.build and opts.all:
        raise UsageError('--build builds what a request adds, and --all compares with no base: nothing is new',
                         'drop --all (or --build)')
    if opts.write_baseline is not None and not (opts.all and not opts.files):
        raise UsageError('--write-baseline records the findings of the whole repository: use it with --all '
                         'and no FILE')
    request = read_request(opts.root, base=opts.base, all=opts.all, files=opts.files)
    report = check_request(request, opts)
    found = _baseline_for(request, opts, report)
    if found is not None:
        # Only --all checks every entry of a file, so only --all can tell that an entry is stale.
        scope = (None if not opts.files else request.targets) if opts.all else []
        baseline.apply(report, found, scope)
    return report


def _baseline_for(request: Request, opts: ValidateOptions, report: Report) -> baseline.Baseline | None:
    """The baseline this run uses: written now, given, or the repository's own.

    Against a base, the repository's own baseline is read as it was at the
    base: a request cannot accept its own findings by adding them to it.
    """
    if opts.write_baseline is not None:
        text = baseline.dump(report.findings)
        baseline.write(opts.write_baseline, text)
        return baseline.parse(text.encode('utf-8'), str(opts.write_baseline))
    if opts.no_baseline:
        return None
    if opts.baseline is not None or request.base_commit is None:
        return baseline.read(request.root, opts.baseline)
    content = request.base_baseline
    return None if content is None else baseline.parse(content, baseline.BASELINE_PATH)


def check_request(request: Request, opts: ValidateOptions) -> Report:
    """Run every rule over a request already read (``opts`` gives where the repositories are)."""
    report = Report(findings=list(request.findings))
    locator = RepoLocator(opts.repos or DEFAULT_TEMPLATE, opts.cache_dir or default_cache_dir(), opts.offline,
                          opts.progress)
    job = _Job(request, locator, opts.git_workers, require_git=opts.require_git, build=opts.build,
               build_isolation=opts.build_isolation)
    targets = request.targets
    chunks = _chunks(targets, _workers(len(targets)))
    if len(chunks) > 1:
        ctx = multiprocessing.get_context('fork')
        # The workers inherit the job (with the locator's shared failure count) instead of unpickling a copy.
        with concurrent.futures.ProcessPoolExecutor(len(chunks), mp_context=ctx, initializer=_adopt_job,
                                                    initargs=(job,)) as pool:
            parts = list(pool.map(_run_adopted, chunks))
    else:
        parts = [job.run(targets)]
    for part in parts:
        report.findings.extend(part.findings)
        report.skipped.extend(part.skipped)
        report.checked += part.checked
    report.sort()
    return report


_ADOPTED: list[_Job] = []


def _adopt_job(job: _Job) -> None:
    """In a forked worker: the job it runs chunks of (inherited, not pickled)."""
    _ADOPTED[:] = [job]


def _run_adopted(targets: list[str]) -> Report:
    return _ADOPTED[0].run(targets)


#: Below this many files one process is faster than starting workers.
PARALLEL_THRESHOLD = 400


def _workers(count: int) -> int:
    if count < PARALLEL_THRESHOLD or sys.platform == 'win32':
        return 1
    return max(1, min(os.cpu_count() or 1, 8, count // (PARALLEL_THRESHOLD // 2)))


def _chunks(targets: list[str], n: int) -> list[list[str]]:
    """Split targets into n lists, keeping all series files of one deliverable together.

    A deliverable's files are read together (they are each other's history),
    so keeping them in one worker reads each file once.
    """
    if n <= 1:
        return [targets]
    groups: dict[str, list[str]] = defaultdict(list)
    for rel in targets:
        groups[rel.rsplit('/', 1)[1]].append(rel)
    chunks: list[list[str]] = [[] for _ in range(n)]
    for files in sorted(groups.values(), key=len, reverse=True):
        min(chunks, key=len).extend(files)
    return [c for c in chunks if c]


@dataclass
class _Job:
    """Checks a list of deliverable files; runs in this process or in a forked worker."""

    request: Request
    locator: RepoLocator
    git_workers: int = 4
    build: bool = False
    build_isolation: bool = True
    require_git: bool = False

    def run(self, targets: list[str]) -> Report:
        # The model and the rules' indexes are many small objects and no
        # cycles: the cyclic collector would walk them all again at every
        # full collection, which grows with the size of a file (16,000
        # releases: 20% of the run). Reference counting frees them anyway.
        paused = gc.isenabled()
        gc.disable()
        try:
            return self._run(targets)
        finally:
            if paused:
                gc.enable()

    def _run(self, targets: list[str]) -> Report:
        report = Report()
        contexts = deliverable_contexts(self.request, targets, report)
        # All git facts first, batched per repository, then the (pure) rules.
        # Repositories plainly unreadable (offline, no mirror) get no git planning at all.
        unreadable = _unreadable(self.locator, contexts)
        facts: dict[str, Any] = dict(unreadable)
        facts.update(gather_all(self.locator, git_requests(contexts, set(unreadable)), self.git_workers))
        git_ids = [r.id for r in all_rules_cached() if r.family == 'git' and r.func is not None]
        for repo, answer in facts.items():
            if isinstance(answer, str):
                report.skipped.extend(Skipped(rule_id, repo, answer) for rule_id in git_ids)
        builds: dict[tuple[str, str], Any] = {}
        if self.build:
            from .buildfacts import gather_builds

            builds = dict(gather_builds(self.locator, contexts, isolation=self.build_isolation))
        # Git rules read nothing but facts: with none gathered (offline, say) they could only pass over
        # every release to find that out. Their skips are recorded above, per repository.
        skip = frozenset() if any(isinstance(v, RepoFacts) for v in facts.values()) else frozenset({'git'})
        for ctx in contexts:
            ctx.git = facts
            ctx.builds = builds
            first_skip = len(report.skipped)
            _check_one(ctx, report, skip)
            if self.require_git:
                report.findings.extend(_unchecked_git(ctx, facts, report.skipped[first_skip:], git_ids))
        return report


REQUIRE_GIT_HINT = ('the gate fails closed (--require-git): make the repository reachable (--repos, the '
                    'network, a full clone instead of a shallow one) and run again')


def _unchecked_git(ctx: DeliverableContext, facts: dict[str, Any], skips: Iterable[Skipped],
                  git_ids: Sequence[str]) -> Iterator[Finding]:
    """RT708 findings for ``ctx``: each repository whose git checks could not run, with the reason.

    ``facts`` holds the reason for a repository that could not be read at
    all; ``skips`` are the checks the rules could not make on this file.
    """
    reasons: dict[tuple[str, str], set[str]] = defaultdict(set)
    for repo in gitplan.wanted(ctx):
        answer = facts.get(repo)
        if isinstance(answer, str):
            reasons[(repo, answer)].update(git_ids)
    for skip in skips:
        if skip.check in git_ids:
            reasons[(skip.repo, skip.reason)].add(skip.check)
    for (repo, reason), checks in sorted(reasons.items()):
        yield Finding('RT708', Severity.ERROR, ctx.path, _repo_line(ctx, repo),
                      f'git checks {",".join(sorted(checks))} could not run for {repo}: {reason}', REQUIRE_GIT_HINT)


def _repo_line(ctx: DeliverableContext, repo: str) -> int:
    """The line that names ``repo`` first among what the request adds (else its settings key)."""
    for release in ctx.new_releases:
        for project in release.projects:
            if project.repo == repo:
                return project.line
    for branch in ctx.new_branches:
        if isinstance(branch.location, dict) and repo in branch.location:
            return int(branch.line)
    return ctx.deliverable.line_of('repository-settings')


def git_requests(contexts: Iterable[DeliverableContext], unreadable: AbstractSet[str] = frozenset()
                 ) -> dict[str, RepoRequest]:
    """What the git rules need to know, merged per repository over all contexts.

    A context whose repositories are all ``unreadable`` is not planned: its
    checks can only be skipped, and planning costs a look at every release.
    """
    requests: dict[str, RepoRequest] = {}
    for ctx in contexts:
        if unreadable and _git_repos(ctx) <= unreadable:
            continue
        for repo, req in gitplan.wanted(ctx).items():
            if repo in unreadable:
                continue
            merged = requests.setdefault(repo, RepoRequest())
            merged.commits |= req.commits
            merged.files |= req.files
            merged.tags |= req.tags
    return requests


def _git_repos(ctx: DeliverableContext) -> set[str]:
    """The repositories ``gitplan.wanted`` can ask about for ``ctx``, found without planning."""
    cached: set[str] | None = ctx.cache.get('git-repos')
    if cached is not None:
        return cached
    repos = ctx.cache['git-repos'] = {p.repo for r in ctx.new_releases for p in r.projects if p.repo and p.hash}
    branches = ctx.new_branches
    if branches:
        by_version = {r.version: r for r in ctx.deliverable.releases}
        for branch in branches:
            if isinstance(branch.location, dict):
                repos.update(r for r in branch.location if isinstance(r, str))
            elif isinstance(branch.location, str) and branch.location in by_version:
                repos.update(r for r, sha in by_version[branch.location].hashes.items() if r and sha)
    return repos


def _unreadable(locator: RepoLocator, contexts: Iterable[DeliverableContext]) -> dict[str, str]:
    """Repositories of ``contexts`` that plainly cannot be read, with the reason."""
    out: dict[str, str] = {}
    seen: set[str] = set()
    for ctx in contexts:
        for repo in _git_repos(ctx) - seen:
            seen.add(repo)
            reason = locator.known_unreadable(repo)
            if reason is not None:
                out[repo] = reason
    return out


def _series_dirs(root: Path) -> frozenset[str]:
    try:
        return frozenset(e.name for e in os.scandir(root / DELIVERABLES) if e.is_dir())
    except OSError:
        return frozenset()


def _resolve_base(root: Path, base: str | None) -> str:
    if not gitrepo.is_work_tree(root):
        raise UsageError(f'{root} is not a git repository, so there is no base to compare with',
                         'use --all to check every file by the content rules')
    if base is None:
        commit = gitrepo.default_base(root)
        if commit is None:
            raise UsageError('no base revision: HEAD has no parent and there is no origin/HEAD',
                             'pass --base REV, or --all')
        return commit
    commit = gitrepo.resolve_commit(root, base)
    if commit is None:
        raise UsageError(f'unknown base revision {base!r}', 'pass a commit, branch or tag of --root')
    return commit


def _check_one(ctx: DeliverableContext, report: Report, skip_families: frozenset[str] = frozenset()) -> None:
    path = ctx.path
    for rule_, item in run_rules(ctx, skip_families):
        if isinstance(item, Problem):
            report.findings.append(Finding(rule_.id, item.severity or rule_.severity, path, item.line,
                                           item.message, item.hint, entry_of(ctx.deliverable, item.line, ctx.cache)))
        else:
            report.skipped.append(Skipped(rule_.id, item.repo, item.reason))


