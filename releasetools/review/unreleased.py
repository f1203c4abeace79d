"""``unreleased``: the deliverables of a series with commits since their last release.

For each repository of each deliverable (``lineage.active_repos``): the last
release that names it (in the series' file, else in the nearest earlier
series' file), the branch the next release would come from (the series'
stable branch, ``lineage.series_branches``, when it exists; else, for the
newest open series and independent deliverables, the default branch), and
the commits on that branch since the release, merges left out.

Each repository costs the same few git processes however many deliverables
name it: one ``for-each-ref`` (its branches), one ``cat-file --batch-check``
(which released commits it has) and one ``git log`` for all its ranges.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..core import lineage
from ..core.errors import UsageError
from ..core.model import Deliverable, SeriesTable
from ..data.load import DELIVERABLES, load_deliverable_file, load_series
from ..git import repo as gitrepo
from ..git.mirrors import DEFAULT_TEMPLATE, RepoLocator, default_cache_dir
from .cycledata import Loaded, for_each_repo, load_deliverables

__all__ = ['Pending', 'UnreleasedOptions', 'UnreleasedReport', 'render_json', 'render_text', 'unreleased']

#: Commit lines the text report shows per repository (JSON has all of them).
TEXT_LINES = 5


@dataclass(frozen=True)
class UnreleasedOptions:
    root: Path
    series: str | None = None
    repos: str | None = None
    offline: bool = False
    cache_dir: Path | None = None
    workers: int = 4
    #: Called with a line per repository located or fetched (``--progress``); None: quiet.
    progress: Callable[[str], None] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Range:
    """What is asked of one repository for one deliverable."""

    deliverable: str
    since: str | None  # the version of the last release
    since_hash: str | None
    branches: tuple[str, ...]  # candidates, preferred first
    default_ok: bool  # whether the default branch stands in when none of them exists


@dataclass(frozen=True)
class Pending:
    """One repository of one deliverable: its commits since the last release, or why that is unknown."""

    deliverable: str
    series: str
    team: str | None
    repo: str
    since: str | None
    branch: str | None
    count: int
    commits: tuple[tuple[str, str], ...]  # (sha, first line), newest first
    problem: str | None = None


@dataclass(frozen=True)
class UnreleasedReport:
    series: str
    checked: int
    entries: tuple[Pending, ...]
    problems: tuple[str, ...] = field(default=())


def _last_release(d: Deliverable, older: Iterable[Deliverable], repo: str) -> tuple[str | None, str | None]:
    """The version and commit of the last release of ``repo``: in ``d``, else in the nearest earlier file."""
    for f in itertools.chain((d,), older):
        for r in reversed(f.releases):
            sha = r.hashes.get(repo)
            if sha:
                return r.version, sha
    return None, None


def _older(root: Path, table: SeriesTable, d: Deliverable) -> Iterator[Deliverable]:
    """``d``'s files of the earlier series, newest first, read only when asked for."""
    if d.is_independent or d.series not in table:
        return
    for s in table.older_than(d.series):
        rel = f'{DELIVERABLES}/{s.name}/{d.name}.yaml'
        if (root / rel).is_file() and (o := load_deliverable_file(root, rel).deliverable) is not None:
            yield o


def _ranges(loaded: Loaded, root: Path, series: str) -> dict[str, list[tuple[Deliverable, Range]]]:
    table = loaded.table
    row = table.get(series)
    status = row.status if row is not None else None
    work: dict[str, list[tuple[Deliverable, Range]]] = {}
    for d in sorted(loaded.files.get(series, []), key=lambda d: d.name):
        if d.model in ('untagged', 'abandoned'):
            continue
        branches = lineage.series_branches(d, table)
        # While a series is developed its releases come from master until its stable branch is cut.
        default_ok = d.is_independent or status in ('development', 'future')
        for repo in lineage.active_repos(d):
            since, sha = _last_release(d, _older(root, table, d), repo)
            work.setdefault(repo, []).append((d, Range(d.name, since, sha, branches, default_ok)))
    return work


def _branch(refs: gitrepo.Refs, r: Range) -> str | None:
    found = next((b for b in r.branches if b in refs.branches), None)
    if found is None and r.default_ok:
        return refs.default_branch
    return found


def _read(repo: str, path: Path, ranges: list[tuple[Deliverable, Range]]) -> list[Pending]:
    refs = gitrepo.list_refs(path)
    types = gitrepo.object_types(path, [r.since_hash for _, r in ranges if r.since_hash])
    asked = []
    out: list[Pending] = []
    for d, r in ranges:
        branch = _branch(refs, r)
        problem = None
        if branch is None:
            problem = f'no branch {" or ".join(r.branches) or "by default"}'
        elif r.since_hash and types.get(r.since_hash) != 'commit':
            problem = f'the commit of {r.since} ({r.since_hash}) is not in the repository'
        if problem:
            out.append(Pending(d.name, d.series, d.team, repo, r.since, branch, 0, (), problem))
        else:
            assert branch is not None
            asked.append((d, r, branch, refs.branches[branch]))
    return out + _commits(repo, path, asked)


def _commits(repo: str, path: Path, asked: list[tuple[Deliverable, Range, str, str]]) -> list[Pending]:
    """The commits of every range asked, from one ``git log``."""
    if not asked:
        return []
    pairs = {(r.since_hash, tip) for _, r, _, tip in asked}
    if len(pairs) == 1:  # the usual case: one range, git walks only it
        since, tip = next(iter(pairs))
        log = gitrepo.log_entries(path, [tip], [since] if since else [])
        per_range = {(since, tip): [e for e in log if len(e.parents) < 2]}
    else:  # several: one walk of everything, ranges cut out here
        log = gitrepo.log_entries(path, {tip for _, tip in pairs})
        parents = {e.sha: e.parents for e in log}
        per_range = {}
        for since, tip in pairs:
            inside = _reachable(parents, tip) - (_reachable(parents, since) if since else set())
            per_range[(since, tip)] = [e for e in log if e.sha in inside and len(e.parents) < 2]
    out = []
    for d, r, branch, tip in asked:
        commits = per_range[(r.since_hash, tip)]
        out.append(Pending(d.name, d.series, d.team, repo, r.since, branch, len(commits),
                           tuple((e.sha, e.subject) for e in commits)))
    return out


def _reachable(parents: dict[str, tuple[str, ...]], tip: str) -> set[str]:
    seen = {tip} if tip in parents else set()
    stack = list(seen)
    while stack:
        for p in parents.get(stack.pop(), ()):
            if p not in seen:
                seen.add(p)
                stack.append(p)
    return seen


def _unavailable(repo: str, why: str, ranges: list[tuple[Deliverable, Range]]) -> list[Pending]:
    return [Pending(d.name, d.series, d.team, repo, r.since, None, 0, (), why) for d, r in ranges]


def _default_series(root: Path) -> str:
    current = load_series(root)[0].current
    if current is None:
        raise UsageError('no series is in development', 'name the series: unreleased SERIES')
    return current.name


def unreleased(opts: UnreleasedOptions) -> UnreleasedReport:
    """Commits since the last release of every deliverable of the series (default: the current one)."""
    loaded, series = load_deliverables(opts.root, opts.series or _default_series(opts.root))
    assert series is not None
    work = _ranges(loaded, opts.root, series)
    locator = RepoLocator(opts.repos or DEFAULT_TEMPLATE, opts.cache_dir or default_cache_dir(), opts.offline,
                          opts.progress)
    results = for_each_repo(locator, work, _read, _unavailable, opts.workers)
    entries = sorted((p for found in results.values() for p in found if p.count or p.problem),
                     key=lambda p: (p.deliverable, p.repo))
    return UnreleasedReport(series, len(loaded.files.get(series, [])), tuple(entries), tuple(loaded.problems))


def render_text(report: UnreleasedReport) -> str:
    pending = [p for p in report.entries if p.count]
    names = sorted({p.deliverable for p in pending})
    unknown = len({p.deliverable for p in report.entries if p.problem})
    lines = [f'unreleased in {report.series}: {len(names)} of {report.checked} deliverables have commits '
             f'since their last release{f" ({unknown} unknown)" if unknown else ""}']
    for p in report.entries:
        since = f'since {p.since}' if p.since else 'never released'
        if p.problem:
            lines.append(f'{p.deliverable} (team {p.team}): {p.repo}: unknown: {p.problem}')
            continue
        lines.append(f'{p.deliverable} (team {p.team}): {p.repo}: {p.count} commit{"s" * (p.count != 1)} '
                     f'on {p.branch} {since}')
        lines += [f'    {sha[:10]} {subject}' for sha, subject in p.commits[:TEXT_LINES]]
        if p.count > TEXT_LINES:
            lines.append(f'    ... and {p.count - TEXT_LINES} more')
    lines += [f'not read: {problem}' for problem in report.problems]
    return '\n'.join(lines) + '\n'


def render_json(report: UnreleasedReport) -> str:
    data = {'series': report.series, 'checked': report.checked,
            'entries': [{**asdict(p), 'commits': [{'sha': s, 'subject': t} for s, t in p.commits]}
                        for p in report.entries],
            'problems': list(report.problems)}
    return json.dumps(data, indent=2) + '\n'
