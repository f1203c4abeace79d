"""What a rule sees: one deliverable, its other series, its base version."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from ..core.builds import BuildOutcome
from ..core.calendar import Schedule
from ..core.findings import Report, Severity
from ..core.lineage import counted_versions, era_step, fold_series, semvers_of, starts_era
from ..core.model import OPEN_STATUSES, Branch, Deliverable, Release, SeriesTable
from ..core.versions import FinalIndex, SemVer, parse_special
from ..data.load import LoadedFile, load_deliverable_bytes, load_deliverable_file
from ..data.request import Request
from ..git.facts import RepoFacts

if TYPE_CHECKING:
    from ..core.textsafety import RstIssue
    from .schema import Event
    from .versions import FileIndex

__all__ = ['BuildFacts', 'DeliverableContext', 'DeliverableGroup', 'GitFacts', 'Problem', 'RuleCache', 'Skip',
           'deliverable_contexts']

#: Git facts per repository, or why they are missing (a str).
GitFacts = Mapping[str, 'RepoFacts | str']
#: ``validate --build`` outcomes per (repo, version), or why the release was not built (a str).
BuildFacts = Mapping[tuple[str, str], 'BuildOutcome | str']

#: What the rules work out once per context and share (each key is set by one module).
RuleCache = TypedDict('RuleCache', {
    'git-repos': set[str],  # gitplan.git_repos
    'file-index': 'FileIndex',  # versions: the file's releases sorted out in one pass
    'schema': 'list[Event]',  # schema
    'text-scan': 'list[tuple[int, RstIssue]]',  # text
}, total=False)


@dataclass(frozen=True, slots=True)
class Problem:
    """What a rule reports; the runner adds the rule id and the file."""

    line: int
    message: str
    hint: str | None = None
    severity: Severity | None = None  # None: the rule's own severity


@dataclass(frozen=True, slots=True)
class Skip:
    """A check that could not be made, with the reason; reported, never passed."""

    repo: str
    reason: str


@dataclass
class DeliverableGroup:
    """What the contexts of one deliverable's files (one per series) work out once for all of them."""

    #: Series -> the series missing from the tree before it (see ``missing_history``).
    missing_history: dict[str, str | None] = field(default_factory=dict)
    #: Version -> the first series (in file order) whose file has it, and the versions found in more than one
    #: series with all of them (see ``released_elsewhere``).
    versions: dict[str, str] | None = None
    versions_again: dict[str, list[str]] = field(default_factory=dict)
    #: Series -> the FinalIndex of the older series' files (``_index_before``).
    index_before: dict[str, FinalIndex] = field(default_factory=dict)
    #: Series -> what ``_releases_before`` found.
    releases_before: dict[str, tuple[frozenset[tuple[int, int, int]], SemVer | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class DeliverableContext:
    """A deliverable file and everything the pure rules may consult about it, built complete.

    ``others`` are the deliverable's files in other series (any order);
    ``base`` is this file as it was at the base revision (None: a new file);
    ``has_base`` is False in ``--all`` mode, where every entry is checked;
    ``git`` and ``builds`` are the facts gathered for the git and build
    rules (empty: none gathered). Derived values are cached properties, and
    ``cache``/``group`` hold what the rules work out once per file and per deliverable.
    """

    deliverable: Deliverable
    series: SeriesTable
    others: tuple[Deliverable, ...] = ()
    base: Deliverable | None = None
    has_base: bool = False
    series_dirs: frozenset[str] = frozenset()
    git: GitFacts = field(default_factory=dict)
    builds: BuildFacts = field(default_factory=dict)
    #: The calendar of the series in development, and the day the request is checked (the calendar rules).
    calendar: Schedule | None = None
    day: dt.date | None = None
    cache: RuleCache = field(default_factory=RuleCache, compare=False, repr=False)
    #: Shared by the contexts of one deliverable's files (facts about the whole group).
    group: DeliverableGroup = field(default_factory=DeliverableGroup, compare=False, repr=False)

    def with_facts(self, git: GitFacts, builds: BuildFacts) -> DeliverableContext:
        """This context with the git facts and build outcomes gathered for its run.

        The runner plans what to gather from the contexts, so they exist
        before their facts do; the new context shares this one's caches.
        """
        return replace(self, git=git, builds=builds)

    @property
    def path(self) -> str:
        return self.deliverable.path

    @cached_property
    def status(self) -> str | None:
        """The status the file is judged by: its ``stable-status``, else its series' (None: unknown series)."""
        series = self.series.get(self.deliverable.series)
        return None if series is None else (self.deliverable.stable_status or series.status)

    @property
    def is_closed(self) -> bool:
        """Whether the file's series takes no more releases: neither open nor future (False when unknown)."""
        return self.status is not None and self.status not in OPEN_STATUSES and self.status != 'future'

    @cached_property
    def new_releases(self) -> tuple[Release, ...]:
        """The releases to check: all in --all mode, else those not at the base."""
        releases = self.deliverable.releases
        if not self.has_base or self.base is None:
            return releases
        old = {r.version for r in self.base.releases}
        return tuple(r for r in releases if r.version not in old)

    @cached_property
    def new_branches(self) -> tuple[Branch, ...]:
        branches = self.deliverable.branches
        if not self.has_base or self.base is None:
            return branches
        old = {b.name for b in self.base.branches}
        return tuple(b for b in branches if b.name not in old)

    @cached_property
    def older_files(self) -> tuple[Deliverable, ...]:
        """Files of this deliverable in older series, newest first."""
        d = self.deliverable
        if d.is_independent or d.series not in self.series:
            return ()
        position = self.series.index
        mine = position(d.series)
        older = [o for o in self.others if o.series in self.series and position(o.series) > mine]
        return tuple(sorted(older, key=lambda o: position(o.series)))

    @cached_property
    def missing_history(self) -> str | None:
        """The series absent from the tree that could hold this deliverable's previous releases, if any.

        Walking back from this series, the releases that came before are in the
        nearest earlier series whose file of this deliverable has a release. When
        a series on the way is not in the tree at all (a partial copy of a data
        repository, such as the upstream sample), what came before is unknown: a
        release of that series could fill a gap or precede a first release, so
        the rules that compare with it say they skipped, never guess.
        """
        d = self.deliverable
        if d.is_independent or d.series not in self.series:
            return None
        # The same answer for every file of the deliverable in one series: walk once per group.
        memo = self.group.missing_history
        if d.series in memo:
            return memo[d.series]
        with_releases = {o.series for o in (d, *self.others) if any(r.version for r in o.releases)}
        answer = None
        for older in self.series.older_than(d.series):
            if older.name not in self.series_dirs:
                answer = older.name
                break
            if older.name in with_releases:
                break
        memo[d.series] = answer
        return answer

    @property
    def history_complete(self) -> bool:
        """Whether every series back to the previous release of this deliverable is in the tree."""
        return self.missing_history is None

    @cached_property
    def older_versions(self) -> tuple[str, ...]:
        return tuple(r.version for o in self.older_files for r in o.releases if r.version)

    @cached_property
    def older_index(self) -> FinalIndex:
        """The highest finals of the older series' files, of the latest era (shared by the group)."""
        return _index_before(self.deliverable.series, self.older_files, self.group)

    @cached_property
    def older_semvers(self) -> tuple[SemVer, ...]:
        """Canonical versions of the older series' files, oldest series last."""
        return tuple(v for o in self.older_files for v in o.semvers)

    @cached_property
    def merged_semvers(self) -> tuple[SemVer, ...]:
        """The versions of this file already merged: the base's, or all of them in ``--all`` mode."""
        if not self.has_base:
            return tuple(v for v in self.own_semvers if v is not None)
        return semvers_of(self.base) if self.base is not None else ()

    @cached_property
    def counted_index(self) -> FinalIndex:
        """The finals of the older series that count for this file's next version (``lineage``: eras)."""
        index = self.older_index
        return FinalIndex() if starts_era(self.merged_semvers, index.top) else index

    @cached_property
    def counted_releases(self) -> frozenset[tuple[int, int, int]]:
        """The X.Y.Z of every version in :attr:`counted_semvers` (shared by the group, built series by series)."""
        if starts_era(self.merged_semvers, self.older_index.top):
            return frozenset()
        return _releases_before(self.deliverable.series, self.older_files, self.group)[0]

    @cached_property
    def counted_semvers(self) -> tuple[SemVer, ...]:
        """The versions of the older series that count for this file's next version, newest series first."""
        return counted_versions(self.older_files, self.merged_semvers)

    @cached_property
    def own_semvers(self) -> tuple[SemVer | None, ...]:
        """The canonical version of each release of this file (None: not canonical)."""
        return self.deliverable.release_semvers

    def prior_semvers(self, release: Release) -> list[SemVer]:
        """Canonical versions released before ``release``: older series, then this file."""
        own = [v for v in self.own_semvers[:release.index] if v is not None]
        return [*self.counted_semvers, *own]

    def released_elsewhere(self, version: str) -> str | None:
        """The other series file of this deliverable that has ``version``, if any."""
        if not self.others:
            return None
        group = self.group
        first = group.versions
        if first is None:
            # One entry per version and a list only for the few found twice: every release of
            # every series file of the deliverable is indexed, so no object is made per release.
            first = {}
            again = group.versions_again
            for d in (self.deliverable, *self.others):
                series = d.series
                for r in d.releases:
                    v = r.version
                    if v:
                        known = first.setdefault(v, series)
                        if known != series:
                            again.setdefault(v, [known]).append(series)
            group.versions = first
        mine = self.deliverable.series
        where = first.get(version)
        if where is None or where != mine:
            return where
        return next((s for s in group.versions_again.get(version, ()) if s != mine), None)

    def is_special(self, release: Release) -> bool:
        return release.version is not None and parse_special(release.version) is not None


def _index_before(series: str, older: tuple[Deliverable, ...], group: DeliverableGroup) -> FinalIndex:
    """FinalIndex of every release in ``older`` (newest first), built on the next older one's.

    Each series file of a deliverable needs the index of all series before it;
    building them on one another makes the whole group linear, not quadratic.
    """
    memo = group.index_before
    hit = memo.get(series)
    if hit is not None:
        return hit
    if not older:
        index = FinalIndex()
    else:
        previous = older[0]
        index = fold_series(_index_before(previous.series, older[1:], group), semvers_of(previous))
    memo[series] = index
    return index


def _releases_before(series: str, older: tuple[Deliverable, ...], group: DeliverableGroup
                     ) -> tuple[frozenset[tuple[int, int, int]], SemVer | None]:
    """The X.Y.Z released in ``older`` (newest first) that count, and the highest final, era by era.

    The walk of ``lineage.counted_versions`` (``lineage.era_step``), memoised per series like
    :func:`_index_before` so that a deliverable's files cost linear time together.
    """
    memo = group.releases_before
    hit = memo.get(series)
    if hit is not None:
        return hit
    if not older:
        out: tuple[frozenset[tuple[int, int, int]], SemVer | None] = (frozenset(), None)
    else:
        previous = older[0]
        released, top = _releases_before(previous.series, older[1:], group)
        versions = previous.semvers
        restart, top = era_step(top, versions)
        out = ((frozenset() if restart else released) | {v.release for v in versions}, top)
    memo[series] = out
    return out


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


def deliverable_contexts(request: Request, targets: Iterable[str], report: Report, day: dt.date | None = None
                         ) -> list[DeliverableContext]:
    """Load ``targets`` with their other series files and base versions, for the rules.

    ``day`` is the day the request is checked, with the request's calendar for the calendar rules.

    Files that cannot be read are counted and their finding added to ``report``.
    """
    loader = _Loader(request.root)
    groups: dict[str, DeliverableGroup] = defaultdict(DeliverableGroup)
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
                                           calendar=request.calendar, day=day, group=groups[name]))
    return contexts
