"""The validation run: a request's contexts, their git and build facts, every rule, the baseline.

I/O lives here and in ``data``/``git``; the rules stay pure.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import gc
import multiprocessing
import os
import shlex
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.builds import BuildOutcome
from ..core.errors import UsageError
from ..core.findings import Finding, Report, Severity, Skipped
from ..data import baseline
from ..data.baseline import entry_of
from ..data.request import Request, read_request
from ..git.facts import RepoFacts, gather_all
from ..git.mirrors import DEFAULT_TEMPLATE, RepoLocator, default_cache_dir
from ..rules import RULES, DeliverableContext, Problem, gitplan, run_rules
from ..rules.context import deliverable_contexts

__all__ = ['ValidateOptions', 'validate']


@dataclass(frozen=True)
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
    #: The day the request is checked, for the calendar rules (RT405, RT406); None: today.
    day: dt.date | None = None


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
        text = baseline.dump(report.findings, _write_command(opts, request.root))
        baseline.write(opts.write_baseline, text)
        return baseline.parse(text.encode('utf-8'), str(opts.write_baseline))
    if opts.no_baseline:
        return None
    if opts.baseline is not None or request.base_commit is None:
        return baseline.read(request.root, opts.baseline)
    content = request.base_baseline
    return None if content is None else baseline.parse(content, baseline.BASELINE_PATH)


def _write_command(opts: ValidateOptions, root: Path) -> str:
    """The command line that wrote the baseline (offline or not matters: online, it mirrors every repository)."""
    assert opts.write_baseline is not None
    path = opts.write_baseline
    with contextlib.suppress(ValueError):
        path = path.resolve().relative_to(root.resolve())
    offline = ' --offline' if opts.offline else ''
    return f'releasetools validate --all{offline} --write-baseline {shlex.quote(str(path))}'


def check_request(request: Request, opts: ValidateOptions) -> Report:
    """Run every rule over a request already read (``opts`` gives where the repositories are)."""
    report = Report(findings=list(request.findings), files=sorted(request.targets))
    locator = RepoLocator(opts.repos or DEFAULT_TEMPLATE, opts.cache_dir or default_cache_dir(), opts.offline,
                          opts.progress)
    job = _Job(request, locator, opts.git_workers, require_git=opts.require_git, build=opts.build,
               build_isolation=opts.build_isolation, day=opts.day or dt.date.today())
    targets = request.targets
    chunks = _chunks(targets, _workers(len(targets)))
    if len(chunks) > 1:
        ctx = multiprocessing.get_context('fork')
        # The workers inherit the job (with the locator's shared failure count) instead of unpickling a copy.
        # This process checks the first chunk itself while they check the others: one fork and one
        # report to send back fewer, and no process waiting idle.
        with concurrent.futures.ProcessPoolExecutor(len(chunks) - 1, mp_context=ctx, initializer=_adopt_job,
                                                    initargs=(job,)) as pool:
            others = pool.map(_run_adopted, chunks[1:])
            parts = [job.run(chunks[0]), *others]
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
    day: dt.date | None = None

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
                # What outlives the run (memos of versions and YAML tags) was allocated with the
                # collector off, so all of it sits in the youngest generation: the first collection
                # would walk it. freeze() + unfreeze() moves it to the oldest one without a walk.
                gc.freeze()
                gc.unfreeze()
                gc.enable()

    def _run(self, targets: list[str]) -> Report:
        report = Report()
        contexts = deliverable_contexts(self.request, targets, report, self.day)
        # All git (and build) facts first, batched per repository, then the (pure) rules.
        facts = self._git_facts(contexts)
        git_ids = [r.id for r in RULES.values() if r.family == 'git' and r.func is not None]
        for repo, answer in facts.items():
            if isinstance(answer, str):
                report.skipped.extend(Skipped(rule_id, repo, answer) for rule_id in git_ids)
        builds = self._builds(contexts)
        # Git rules read nothing but facts: with none gathered (offline, say) they could only pass over
        # every release to find that out. Their skips are recorded above, per repository.
        skip = frozenset() if any(isinstance(v, RepoFacts) for v in facts.values()) else frozenset({'git'})
        for planned in contexts:
            ctx = planned.with_facts(facts, builds)
            first_skip = len(report.skipped)
            _check_one(ctx, report, skip)
            if self.require_git:
                report.findings.extend(_unchecked_git(ctx, facts, report.skipped[first_skip:], git_ids))
        return report

    def _git_facts(self, contexts: Sequence[DeliverableContext]) -> dict[str, RepoFacts | str]:
        """What the git rules need of every repository of ``contexts``, or why it cannot be had.

        Repositories plainly unreadable (offline, no mirror) get no git planning at all.
        """
        unreadable = _unreadable(self.locator, contexts)
        facts: dict[str, RepoFacts | str] = dict(unreadable)
        facts.update(gather_all(self.locator, gitplan.git_requests(contexts, set(unreadable)), self.git_workers))
        return facts

    def _builds(self, contexts: Sequence[DeliverableContext]) -> dict[tuple[str, str], BuildOutcome | str]:
        """With ``--build``: the outcome of building each new release of ``contexts`` (else none)."""
        if not self.build:
            return {}
        from .build import gather_builds

        return dict(gather_builds(self.locator, contexts, isolation=self.build_isolation,
                                  progress=self.locator.progress))


REQUIRE_GIT_HINT = ('the gate fails closed (--require-git): make the repository reachable (--repos, the '
                    'network, a full clone instead of a shallow one) and run again')


def _unchecked_git(ctx: DeliverableContext, facts: Mapping[str, RepoFacts | str], skips: Iterable[Skipped],
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


def _unreadable(locator: RepoLocator, contexts: Iterable[DeliverableContext]) -> dict[str, str]:
    """Repositories of ``contexts`` that plainly cannot be read, with the reason."""
    out: dict[str, str] = {}
    seen: set[str] = set()
    for ctx in contexts:
        for repo in gitplan.git_repos(ctx) - seen:
            seen.add(repo)
            reason = locator.known_unreadable(repo)
            if reason is not None:
                out[repo] = reason
    return out


def _check_one(ctx: DeliverableContext, report: Report, skip_families: frozenset[str] = frozenset()) -> None:
    path = ctx.path
    entries: dict[str, Any] = {}  # entry_of's index of the file, built at its first finding
    for rule_, item in run_rules(ctx, skip_families):
        if isinstance(item, Problem):
            report.findings.append(Finding(rule_.id, item.severity or rule_.severity, path, item.line,
                                           item.message, item.hint, entry_of(ctx.deliverable, item.line, entries)))
        else:
            report.skipped.append(Skipped(rule_.id, item.repo, item.reason))


