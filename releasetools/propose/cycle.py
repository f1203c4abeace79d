"""What the cycle-wide requests share: one series' files, their repositories, and one written request.

``propose-final``, ``propose-milestone`` and ``propose-branches`` each walk
every deliverable file of a series, plan one entry for some of them, and skip
the others with a reason. :func:`propose_series` is that walk: it locks the
series' files, hands each file (as read under the lock, with its other series
files) to the command's planner, and writes the planned entries as one request
(``propose.request``: validated whole, all or nothing). :class:`Repos` reads
each repository's refs once, however many questions are asked of it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import GitError, ReleaseToolsError, UsageError
from ..core.hints import did_you_mean
from ..core.model import INDEPENDENT, Deliverable, SeriesTable
from ..core.policy import series_takes
from ..core.reponames import check_plain_name
from ..data.load import list_deliverable_files, load_deliverable_bytes, load_deliverable_file, load_series
from ..git import repo as gitrepo
from ..git.mirrors import DEFAULT_TEMPLATE, RepoLocator, default_cache_dir
from ..rules import DeliverableContext
from .request import FileChange, locked_texts, write_request

__all__ = ['Outcome', 'Planned', 'RepoAccess', 'Repos', 'Result', 'Skipped', 'propose_series']


@dataclass(frozen=True)
class RepoAccess:
    """Where the repositories are (``--repos``, ``--offline``, ``--cache-dir``, as validate takes them)."""

    repos: str | None = None
    offline: bool = False
    cache_dir: Path | None = None
    #: Called with a line per repository located or fetched (``--progress``); None: quiet.
    progress: Callable[[str], None] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Planned:
    """A file's new text and what it adds, in words (``added 3.0.0 (re-tags 3.0.0.0rc2)``)."""

    text: str
    what: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Skipped:
    """Why a file gets no entry."""

    reason: str


@dataclass(frozen=True)
class Outcome:
    """One file of the series: added to (or would be, in a dry run), or skipped with the reason."""

    path: str
    added: bool
    text: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Result:
    """What a cycle-wide command did to a series."""

    command: str  # as typed: "propose-milestone hibiscus rc"
    series: str
    outcomes: tuple[Outcome, ...]
    dry_run: bool

    @property
    def changed(self) -> tuple[str, ...]:
        return tuple(o.path for o in self.outcomes if o.added)

    def lines(self) -> list[str]:
        """The report: a line per file (notes indented under it), then the count."""
        verb = 'would add' if self.dry_run else 'added'
        out = []
        for o in self.outcomes:
            out.append(f'{o.path}: {verb} {o.text}' if o.added else f'{o.path}: skipped: {o.text}')
            out.extend(f'  {note}' for note in o.notes)
        skipped = len(self.outcomes) - len(self.changed)
        files = f'{len(self.changed)} file{"s" if len(self.changed) != 1 else ""}'
        if not self.changed:
            out.append(f'{self.command}: nothing to propose ({skipped} skipped)')
        else:
            out.append(f'{self.command}: {"would change" if self.dry_run else "changed"} {files}, '
                       f'{skipped} skipped')
        return out


class Repos:
    """The repositories of a run, located once each, their refs read in one ``for-each-ref`` each."""

    def __init__(self, access: RepoAccess) -> None:
        self.locator = RepoLocator(access.repos or DEFAULT_TEMPLATE, access.cache_dir or default_cache_dir(),
                                   access.offline, access.progress)
        self._paths: dict[str, Path | str] = {}
        self._refs: dict[str, gitrepo.Refs | str] = {}

    def path(self, repo: str) -> Path | str:
        """The readable repository, or why it cannot be read (a str)."""
        hit = self._paths.get(repo)
        if hit is None:
            located = self.locator.locate(repo)
            hit = self._paths[repo] = located.path if located.path is not None else \
                f'cannot read {repo}: {located.reason or "unavailable"}'
        return hit

    def refs(self, repo: str) -> gitrepo.Refs | str:
        """Its tags and branches, or why they cannot be read (a str)."""
        hit = self._refs.get(repo)
        if hit is None:
            where = self.path(repo)
            if isinstance(where, str):
                hit = where
            else:
                try:
                    hit = gitrepo.list_refs(where)
                except GitError as exc:
                    hit = f'cannot read {repo}: {exc.message}'
            self._refs[repo] = hit
        return hit

    def git(self, repo: str, args: Sequence[str]) -> str | None:
        """stdout of ``git args`` in ``repo`` (stripped), or None when it fails or the repository is unreadable."""
        where = self.path(repo)
        if isinstance(where, str):
            return None
        try:
            proc = gitrepo.run_git(args, where, check=False)
        except GitError:
            return None
        return proc.stdout.decode('utf-8', 'replace').strip() if proc.returncode == 0 else None


def _check_series(root: Path, name: str) -> SeriesTable:
    check_plain_name('series', name)
    table, _ = load_series(root)
    if name in (INDEPENDENT, 'independent'):
        raise UsageError('independent deliverables follow no series: a cycle-wide request names a series')
    series = table.get(name)
    if series is None:
        raise UsageError(f'unknown series {name!r}', did_you_mean(name, table.names) or 'see data/series_status.yaml')
    if not series_takes(series.status, None):
        raise ReleaseToolsError(f'{name} is {series.status!r} and takes no new release',
                                'propose releases in an open series (development or maintained)')
    return table


def _contexts(root: Path, table: SeriesTable, texts: Mapping[str, bytes]
              ) -> list[tuple[str, DeliverableContext | Skipped]]:
    """A context for each file (from the bytes read under the lock), or why it cannot be read."""
    files, _ = list_deliverable_files(root)
    by_name: dict[str, list[str]] = defaultdict(list)
    for rel in files:
        by_name[rel.rsplit('/', 1)[1]].append(rel)
    dirs = frozenset(p.split('/')[1] for p in files)
    out: list[tuple[str, DeliverableContext | Skipped]] = []
    for rel, content in texts.items():
        loaded = load_deliverable_bytes(rel, content)
        if loaded.deliverable is None:
            assert loaded.problem is not None
            out.append((rel, Skipped(f'line {loaded.problem.line}: {loaded.problem.message}')))
            continue
        others = tuple(d for p in by_name[rel.rsplit('/', 1)[1]] if p != rel
                       and (d := load_deliverable_file(root, p).deliverable) is not None)
        out.append((rel, DeliverableContext(loaded.deliverable, table, others, loaded.deliverable, True, dirs)))
    return out


def _plan(plan: Planner, ctx: DeliverableContext, content: bytes) -> Planned | Skipped:
    """The planner's answer for one file; its text with LF line endings, as ``Path.read_text`` gives it."""
    try:
        text = content.decode('utf-8')
    except UnicodeDecodeError as exc:
        return Skipped(f'not UTF-8 text ({exc.reason} at byte {exc.start})')
    return plan(ctx, text.replace('\r\n', '\n').replace('\r', '\n'))


#: A command's plan for one file: the new text and what it adds, or why it adds nothing.
Planner = Callable[[DeliverableContext, str], 'Planned | Skipped']


def propose_series(command: str, root: Path, series: str, plan: Planner, *, dry_run: bool = False,
                   only: Callable[[Deliverable], str | None] | None = None) -> Result:
    """Plan ``plan`` over every file of ``series`` and write the planned entries as one request.

    ``command`` names the run in the report, as typed (``propose-final hibiscus``).
    ``plan`` gets each file's context and its text as read under the lock.
    ``only`` may pass over a file before anything is planned (it returns the
    reason to skip, or None). Raises RequestRefused, writing nothing, when the
    request would not validate.
    """
    table = _check_series(root, series)
    rels, _ = list_deliverable_files(root, [series])
    with locked_texts(root, rels, lock=not dry_run) as texts:
        outcomes: list[Outcome] = []
        changes: list[FileChange] = []
        for rel, ctx in _contexts(root, table, texts):
            if isinstance(ctx, Skipped):
                outcomes.append(Outcome(rel, False, f'cannot be read: {ctx.reason}'))
                continue
            why = only(ctx.deliverable) if only is not None else None
            planned = Skipped(why) if why is not None else _plan(plan, ctx, texts[rel])
            if isinstance(planned, Skipped):
                outcomes.append(Outcome(rel, False, planned.reason))
                continue
            outcomes.append(Outcome(rel, True, planned.what, planned.notes))
            changes.append(FileChange(rel, texts[rel], planned.text))
        write_request(root, table, changes, dry_run=dry_run)
    return Result(command, series, tuple(outcomes), dry_run)

