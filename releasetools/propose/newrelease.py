"""``releasetools new-release``: write a release request in one command.

Computes the next version from the deliverable's history, takes the head of
the right branch of each repository (or the given hashes), appends the entry
to the deliverable file without touching any other byte, and refuses anything
the validator would reject, before writing.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..core import lineage
from ..core.errors import GitError, ReleaseToolsError, UsageError
from ..core.findings import Finding, Severity
from ..core.hints import did_you_mean, no_status
from ..core.model import INDEPENDENT, Deliverable
from ..core.nextversion import CLOSING_KINDS, Plan, plan_version
from ..core.policy import model_takes, series_takes
from ..core.reponames import check_plain_name
from ..core.versions import parse_semver
from ..data.load import DELIVERABLES, escapes, list_deliverable_files, load_deliverable_file, load_series
from ..data.yamledit import append_to_list, list_layout, locked_file, render_branch, render_release, write_atomically
from ..data.yamlio import YList, YMap, parse_yaml
from ..git import repo as gitrepo
from ..git.mirrors import DEFAULT_TEMPLATE, RepoLocator, default_cache_dir
from ..rules import DeliverableContext, Problem, run_rules

__all__ = ['NewReleaseOptions', 'Proposal', 'RepoHead', 'branch_for', 'new_release', 'parse_hashes', 'propose']


@dataclass(frozen=True)
class NewReleaseOptions:
    """What ``releasetools new-release`` was asked to do (see ``--help``)."""

    series: str
    deliverable: str
    kind: str
    root: Path = Path('.')
    repos: str | None = None
    offline: bool = False
    cache_dir: Path | None = None
    stable_branch: bool = False
    hashes: Mapping[str, str] = field(default_factory=dict)
    dry_run: bool = False
    #: Called with a line per repository mirrored or read ("repositories 1/2: ...").
    progress: Callable[[str], None] | None = None


@dataclass(frozen=True)
class RepoHead:
    """The commit proposed for one repository, and how it relates to the previous release."""

    repo: str
    hash: str
    branch: str | None  # None: given with --hash, or reused from an earlier release
    previous: str | None
    commits: int | None  # commits since the previous release (None: unknown)


@dataclass(frozen=True)
class Proposal:
    """What new-release appended (or would append, with dry_run)."""

    path: str
    plan: Plan
    heads: tuple[RepoHead, ...]
    branch: str | None
    text: str


def _load(opts: NewReleaseOptions) -> tuple[Deliverable, DeliverableContext]:
    root = opts.root
    series_table, series_problems = load_series(root)
    series_dir = INDEPENDENT if opts.series in (INDEPENDENT, 'independent') else opts.series
    if series_dir != INDEPENDENT and series_dir not in series_table:
        _raise_series_problem(series_problems)
        raise UsageError(f'unknown series {opts.series!r}',
                         did_you_mean(opts.series, series_table.names) or 'see data/series_status.yaml')
    rel = f'{DELIVERABLES}/{series_dir}/{opts.deliverable}.yaml'
    if (root / rel).is_symlink() and not (root / rel).exists():
        raise UsageError(f'{rel} is a link to {os.readlink(root / rel)}, which does not exist',
                         'a deliverable is one YAML file: replace the link with the file')
    if (root / rel).exists() and not (root / rel).is_file():
        raise UsageError(f'{rel} is not a file', 'a deliverable is one YAML file: move what is there aside')
    if not (root / rel).is_file():
        names = [p.rsplit('/', 1)[1][:-5] for p in list_deliverable_files(root, [series_dir])[0]]
        raise UsageError(f'no deliverable {opts.deliverable!r} in {series_dir}',
                         did_you_mean(opts.deliverable, names) or f'create {rel} first')
    loaded = load_deliverable_file(root, rel)
    if loaded.deliverable is None:
        assert loaded.problem is not None
        raise ReleaseToolsError(f'{rel}:{loaded.problem.line}: {loaded.problem.message}', loaded.problem.hint)
    d = loaded.deliverable
    all_files, _ = list_deliverable_files(root)
    others = tuple(o.deliverable for p in all_files
                   if p.endswith(f'/{opts.deliverable}.yaml') and p != rel
                   and (o := load_deliverable_file(root, p)).deliverable is not None)
    dirs = frozenset(p.split('/')[1] for p in all_files)
    # The request is checked as validate checks it: the file as it is now is the base.
    ctx = DeliverableContext(d, series_table, others, d, True, dirs)
    return d, ctx


def _raise_series_problem(problems: list[Finding]) -> None:
    """A series table that could not be read (a YAML error...) is why a series is unknown: say so."""
    for problem in problems:
        if problem.severity == Severity.ERROR:
            raise UsageError(f'{problem.file}:{problem.line}: {problem.message}',
                             problem.hint or 'fix data/series_status.yaml first')


def _check_open(d: Deliverable, ctx: DeliverableContext, kind: str) -> None:
    """Refuse a release the policy does not allow (``core.policy``, as RT402-RT404 judge it)."""
    closing = kind if kind in CLOSING_KINDS else None
    if not model_takes(d.release_model, closing):
        if d.release_model == 'abandoned':
            raise ReleaseToolsError(f'{d.name} is abandoned and takes no new release',
                                    'change release-model first if the deliverable is revived')
        raise ReleaseToolsError(f'{d.name} is {d.release_model}: it is never released')
    status = ctx.status
    series = ctx.series.get(d.series)
    if not status and series is not None:
        raise ReleaseToolsError(*no_status(series))
    if not series_takes(status, closing):
        raise ReleaseToolsError(f'{d.series} is {status!r} and takes no new {kind} release',
                                'release in an open series')


def branch_for(d: Deliverable, ctx: DeliverableContext, refs: gitrepo.Refs, repo: str) -> str:
    """The branch a new release of ``d`` is taken from: the series' stable branch, or master while developing.

    Never the default branch for a series past development: its head carries
    the next series' work (and maybe its tags).
    """
    series = ctx.series.get(d.series)
    if series is None:  # independent
        names: list[str] = []
    else:
        names = list(lineage.series_branches(d, ctx.series))
        for name in names:
            if name in refs.branches:
                return name
    if series is None or series.status == 'development':
        if refs.default_branch is None:
            raise ReleaseToolsError(f'{repo} has no default branch (master or main)')
        return refs.default_branch
    raise ReleaseToolsError(f'{repo} has no branch {" or ".join(names)}: a release of {d.series} '
                            f'({series.status}) comes from the series\' stable branch, never from '
                            f'{refs.default_branch or "master"}',
                            f'create the branch first, or pass --hash {repo}=SHA for the commit to release')


def _check_hash(repo: str, path: Path, sha: str) -> None:
    """Refuse a --hash that ``repo`` (readable at ``path``) does not have as a commit."""
    found = gitrepo.resolve_commit(path, sha)
    if found is None:
        raise ReleaseToolsError(f'--hash {repo}={sha}: no such commit in {repo} ({path})',
                                'pass the id of a commit of that repository')
    if found != sha:
        raise ReleaseToolsError(f'--hash {repo}={sha} is not a full commit id', f'write {found}')


def _check_earlier_versions(d: Deliverable, older: Sequence[Deliverable]) -> None:
    """Refuse to count from a history with a version YAML did not read as a string (``1.10`` -> 1.1).

    The next version depends on every earlier one: ignoring a malformed one
    could propose a version that is already released.
    """
    for f in (d, *older):
        releases = f.raw.get('releases') if isinstance(f.raw, dict) else None
        if not isinstance(releases, YList):
            continue
        for entry in releases:
            if not isinstance(entry, YMap):
                continue
            value = entry.get('version')
            if value is None or isinstance(value, str):
                continue
            written = (entry.scalar_text or {}).get('version', str(value))
            raise ReleaseToolsError(
                f'{f.path}:{entry.line_of("version")}: version {written} is read as a '
                f'{type(value).__name__}, not a string: the next version cannot be counted from it',
                f"quote it: version: '{written}'")


def _heads(opts: NewReleaseOptions, d: Deliverable, ctx: DeliverableContext, plan: Plan,
           previous: Mapping[str, lineage.Point | None]) -> list[RepoHead]:
    repos = list(lineage.active_repos(d))
    unknown = sorted(set(opts.hashes) - set(repos))
    if unknown:
        raise UsageError(f'--hash names {", ".join(unknown)}, which is not a repository of {d.name}',
                         f'repositories: {", ".join(repos)}')
    if not repos:
        raise ReleaseToolsError(f'{d.name} lists no repository', 'add repository-settings to the file')
    if plan.reuse is not None:  # final, eol, em: the commits of an earlier release
        return [RepoHead(p.repo, p.hash, None, plan.reuse.version, 0) for p in plan.reuse.projects
                if p.repo and p.hash]
    locator = RepoLocator(opts.repos or DEFAULT_TEMPLATE, opts.cache_dir or default_cache_dir(), opts.offline,
                          opts.progress)
    locator.guard.expect(len(repos))
    heads = []
    for repo in repos:
        prev = previous.get(repo)
        located = locator.locate(repo)
        readable = located.path
        if repo in opts.hashes:
            sha, branch = opts.hashes[repo], None
            if readable is not None:
                _check_hash(repo, readable, sha)
        else:
            if readable is None:
                raise ReleaseToolsError(f'cannot read {repo}: {located.reason or "unavailable"}',
                                        f'pass --hash {repo}=SHA, or --repos')
            refs = gitrepo.list_refs(readable)
            branch = branch_for(d, ctx, refs, repo)
            sha = refs.branches[branch]
        commits = None
        if prev and readable is not None:
            proc = gitrepo.run_git(['rev-list', '--count', f'{prev.hash}..{sha}'], readable, check=False)
            commits = int(proc.stdout) if proc.returncode == 0 else None
        heads.append(RepoHead(repo, sha, branch, prev.version if prev else None, commits))
    if all(h.commits == 0 for h in heads):
        since = ', '.join(f'{h.repo} at {h.hash[:12]}' for h in heads)
        raise ReleaseToolsError(f'nothing new since {plan.previous}: {since}',
                                'merge changes first, or pass --hash for the commit to release')
    return heads


def _predecessors(d: Deliverable, ctx: DeliverableContext, plan: Plan) -> dict[str, lineage.Point | None]:
    """Per active repository, the release the planned version follows (``lineage.predecessor``)."""
    v = parse_semver(plan.version)
    if v is None:
        return {}
    return {repo: lineage.predecessor(d, ctx.older_files, v, len(d.releases), repo)
            for repo in lineage.active_repos(d)}


def propose(opts: NewReleaseOptions) -> Proposal:
    """Plan the release, write it (unless dry_run) and return what was done."""
    d, ctx = _load(opts)
    _check_open(d, ctx, opts.kind)
    _check_earlier_versions(d, ctx.older_files)
    prefix = lineage.closing_prefix(d, ctx.series)
    plan = plan_version(opts.kind, d, ctx.counted_semvers, prefix)
    previous = _predecessors(d, ctx, plan)
    first = next((p for p in previous.values() if p is not None), None)
    if plan.reuse is None and first is not None:
        plan = replace(plan, previous=first.version)  # the release it follows, as list-changes names it
    heads = _heads(opts, d, ctx, plan, previous)

    path = opts.root / d.path
    text = path.read_text(encoding='utf-8')
    data = parse_yaml(text)
    layout = list_layout(text, data, 'releases') or (2, 6)
    last_projects = {p.repo: p for p in (d.releases[-1].projects if d.releases else ())}
    projects = []
    for head in heads:
        entry = {'repo': head.repo, 'hash': head.hash}
        tarball = last_projects[head.repo].tarball_base if head.repo in last_projects else None
        if tarball:
            entry['tarball-base'] = tarball
        projects.append(entry)
    expected = {'version': plan.version, 'projects': projects}
    text = append_to_list(text, 'releases', render_release(plan.version, projects, dash=layout[0],
                                                           inner=layout[1]), expected)
    branch = None
    if opts.stable_branch:
        branch = f'stable/{prefix}' if prefix else None
        if branch is None:
            v = parse_semver(plan.version)
            branch = f'stable/{v.major}.{v.minor}' if v else None
        if branch is None:
            raise UsageError('--stable-branch needs a version to branch from')
        dash = (list_layout(text, parse_yaml(text), 'branches') or layout)[0]
        text = append_to_list(text, 'branches', render_branch(branch, plan.version, dash=dash),
                              {'name': branch, 'location': plan.version})
    _refuse_invalid(opts, d, ctx, text)
    if not opts.dry_run:
        write_atomically(path, text)
    return Proposal(d.path, plan, tuple(heads), branch, text)


def _refuse_invalid(opts: NewReleaseOptions, d: Deliverable, ctx: DeliverableContext, text: str) -> None:
    """Run the pure rules on the edited file (as validate would) and refuse on error."""
    from ..data.load import load_deliverable_bytes

    edited = load_deliverable_bytes(d.path, text.encode('utf-8')).deliverable
    assert edited is not None
    check = DeliverableContext(edited, ctx.series, ctx.others, d, True, ctx.series_dirs)
    errors = [(r.id, item) for r, item in run_rules(check)
              if isinstance(item, Problem) and (item.severity or r.severity) is Severity.ERROR
              and r.family != 'git']
    if errors:
        listed = '; '.join(f'[{rule_id}] {p.message}' for rule_id, p in errors)
        raise ReleaseToolsError(f'the request would not validate, so nothing was written: {listed}')


def new_release(opts: NewReleaseOptions) -> Proposal:
    """Library entry point; wraps git failures in a user-facing error.

    The file is locked from the first read to the write, so two runs at once
    on one file never lose an entry: the second plans from what the first wrote.
    """
    check_plain_name('series', opts.series)
    check_plain_name('deliverable', opts.deliverable)
    series_dir = INDEPENDENT if opts.series in (INDEPENDENT, 'independent') else opts.series
    target = opts.root / DELIVERABLES / series_dir / f'{opts.deliverable}.yaml'
    if escapes(os.path.realpath(opts.root), str(target)):
        raise ReleaseToolsError(f'{target} is a symbolic link out of the data repository (to '
                                f'{os.path.realpath(target)}); new-release writes only inside it',
                                'replace the link with the file itself (validate reports it as RT007)')
    lock = contextlib.nullcontext() if opts.dry_run or not target.is_file() else locked_file(target)
    try:
        with lock:
            return propose(opts)
    except GitError as exc:
        raise ReleaseToolsError(exc.message, 'check --repos, or pass --hash REPO=SHA') from None


def parse_hashes(values: Sequence[str]) -> dict[str, str]:
    """``REPO=SHA`` arguments as a mapping."""
    out: dict[str, str] = {}
    for value in values:
        repo, sep, sha = value.partition('=')
        if not sep or not repo or not sha:
            raise UsageError(f'--hash {value!r} is not REPO=SHA')
        out[repo] = sha
    return out

