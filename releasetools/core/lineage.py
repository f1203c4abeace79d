"""The lineage of a deliverable: which release follows which, in series order.

This is the one place that answers, for one deliverable file and its files of
the earlier series:

- which earlier versions count when the next version is chosen
  (:func:`counted_versions`, :func:`fold_series`);
- which release a new release follows on its line, per repository
  (:func:`predecessor`), and which release a series starts from
  (:func:`series_start`);
- which range a release's notes and shortlog cover (:func:`range_start`);
- the names a series goes by in tags and branches (:func:`series_labels`,
  :func:`series_branches`), and the prefix of its closing tags (:func:`closing_prefix`);
- the repositories a new release must cover (:func:`active_repos`);
- the commit each repository's new branch starts from (:func:`branch_points`);
- whether a release is the first of its series, and the branch it is made on
  (:func:`first_of_series`, :func:`release_branch`).

Release order is series order (``data/series_status.yaml``), never the
numerically highest version: before liberty the integrated projects were
versioned by date (nova kilo is ``2015.1.x``), and liberty restarted at
``12.0.0``. A series whose versions all have a major below the highest major
released before it starts a new *era*: the versions of the earlier eras stay
released (a version is never reused) but no longer count as newer.

Pure functions over the model: no git, no files.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .model import RC_MODELS, Branch, Deliverable, Release, SeriesTable
from .versions import FinalIndex, SemVer, parse_semver

__all__ = [
    'Point',
    'active_repos',
    'branch_points',
    'closing_names',
    'closing_prefix',
    'counted_versions',
    'date_year_step',
    'era_step',
    'first_of_series',
    'fold_series',
    'predecessor',
    'predecessor_of',
    'range_start',
    'release_branch',
    'same_era',
    'semvers_of',
    'series_branches',
    'series_labels',
    'series_start',
    'starts_era',
]


@dataclass(frozen=True, slots=True)
class Point:
    """One release of one repository: the commit a line continues from, or a range starts at."""

    version: str
    hash: str
    series: str


def semvers_of(d: Deliverable) -> tuple[SemVer, ...]:
    """The canonical versions of a file, in file order (closing tags and odd spellings left out)."""
    return d.semvers


def starts_era(versions: Sequence[SemVer], top: SemVer | None) -> bool:
    """Whether a series with ``versions`` restarts the numbering below ``top``, the highest before it.

    Every version must have a lower major than ``top``: ``12.0.0`` (nova
    liberty) after ``2015.1.4`` (kilo) starts an era; ``2.9.1`` after
    ``2.10.0`` does not (the same major line: an odd order, judged as such).
    Only merged history can start an era: a request's new versions never do
    (``DeliverableContext.merged_semvers``).
    """
    return top is not None and bool(versions) and all(v.major < top.major for v in versions)


def fold_series(index: FinalIndex, versions: Sequence[SemVer]) -> FinalIndex:
    """The index of counted finals after one more series, ``versions`` its releases.

    A new index, never ``index`` itself: a series that starts an era replaces
    what came before it, any other series is added to it.
    """
    if starts_era(versions, index.top):
        return FinalIndex(versions)
    out = index.copy()
    for v in versions:
        out.add(v)
    return out


#: The first year of the date era (austin was 2010.1); a major from here on is a year.
DATE_ERA_FIRST_YEAR = 2010


def _is_date(v: SemVer) -> bool:
    return v.major >= DATE_ERA_FIRST_YEAR


def same_era(a: SemVer, b: SemVer) -> bool:
    """Whether two versions can be compared by number: both date versions (``2015.1.0``) or neither.

    Across eras the order is series order, never numbers: liberty's ``12.0.0`` follows kilo's ``2015.1.4``.
    """
    return _is_date(a) == _is_date(b)


def date_year_step(new: SemVer, index: FinalIndex) -> bool:
    """Whether ``new`` opens the next year of the date era: ``YYYY.1.0`` after the last release of ``YYYY-1``.

    Date versions count releases within a year (``2014.1``, ``2014.2``), so
    kilo's ``2015.1.0`` after juno's ``2014.2.4`` is the step the release
    team made, not a skipped ``2015.0.0``.
    """
    top = index.top
    return (top is not None and _is_date(top) and _is_date(new)
            and new.release == (top.major + 1, 1, 0))


def era_step(top: SemVer | None, versions: Sequence[SemVer]) -> tuple[bool, SemVer | None]:
    """One more series, ``versions`` its releases, after the series whose highest final is ``top``.

    Whether it starts an era (what came before no longer counts), and the
    highest final of its era after it: the ``top`` of the next step.
    """
    restart = starts_era(versions, top)
    if restart:
        top = None
    for v in versions:
        if not v.is_prerelease and (top is None or v > top):
            top = v
    return restart, top


def counted_versions(older: Sequence[Deliverable], own: Sequence[SemVer] = ()) -> tuple[SemVer, ...]:
    """The versions of the earlier series that count for the next version of a file.

    ``older`` are the deliverable's files of earlier series, newest first;
    ``own`` the versions of the file already merged (when they start an era,
    nothing earlier counts). Returned newest series first.
    """
    counted: list[tuple[SemVer, ...]] = []
    top: SemVer | None = None
    for d in reversed(older):
        versions = semvers_of(d)
        restart, top = era_step(top, versions)
        if restart:
            counted = []
        counted.append(versions)
    if starts_era(own, top):
        return ()
    return tuple(v for versions in reversed(counted) for v in versions)


def _is_branch_point(r: Release, repo: str) -> bool:
    v = r.semver
    return v is not None and v.patch == 0 and bool(r.hashes.get(repo))


def series_start(older: Sequence[Deliverable], repo: str) -> Point | None:
    """The release the first ``X.Y.0``-type release of a series follows in ``repo``.

    The nearest earlier series that released ``repo``: the release its stable
    branch was cut from. A file without a branch entry (the older ones) names
    no branch point; then its first release candidate (the release team cut
    stable branches at rc1; later X.Y.0 of an rc model, such as mitaka's
    13.1.0, are made on the stable branch), else, for models without
    candidates, its highest ``X.Y.0``-type release (a library's branch is cut
    from its last release). ``None`` when the point is not in the data: an rc
    model's file without candidates (nova liberty has only 12.0.x, tagged on
    stable/liberty, which master does not contain), a series of patch
    releases only, or nothing earlier released ``repo``.
    """
    for d in older:
        mine = [r for r in d.releases if r.hashes.get(repo) and r.semver]
        if not mine:
            continue
        by_version = {r.version: r for r in mine}
        for branch in d.branches:
            if branch.name and branch.name.startswith('stable/') and isinstance(branch.location, str):
                point = by_version.get(branch.location)
                if point is not None and _is_branch_point(point, repo):
                    return _point(point, repo, d.series)
        points = [(v, r) for r in mine if _is_branch_point(r, repo) and (v := r.semver)]
        if not points:
            return None
        first_rc = next((r for v, r in points if v.pre_kind == 'rc'), None)
        if first_rc is not None:
            return _point(first_rc, repo, d.series)
        if d.release_model in RC_MODELS:
            return None
        return _point(max(points, key=lambda vr: vr[0])[1], repo, d.series)
    return None


def _point(r: Release, repo: str, series: str) -> Point:
    return Point(r.version or '', r.hashes.get(repo) or '', series)


def predecessor(d: Deliverable, older: Sequence[Deliverable], version: SemVer, index: int,
                repo: str) -> Point | None:
    """The release that ``version``, at position ``index`` of ``d``'s releases, follows in ``repo``.

    Its ancestry predecessor: a patch release follows the highest earlier
    release of its ``X.Y`` line (this file first, then the earlier series);
    any other release follows the highest earlier ``X.Y.0``-type release of
    this file (the branch line), and the first of a series the release the
    series starts from (:func:`series_start`).
    """
    patch = version.patch > 0

    def on_line(r: Release) -> SemVer | None:
        p = r.semver
        if p is None or p >= version or not r.hashes.get(repo):
            return None
        if patch:
            return p if p.release[:2] == version.release[:2] else None
        return p if p.patch == 0 else None

    def best(releases: Iterable[Release], series: str) -> Point | None:
        found = [(p, r) for r in releases if (p := on_line(r)) is not None]
        if not found:
            return None
        _, r = max(found, key=lambda pr: pr[0])
        return Point(r.version or '', r.hashes[repo] or '', series)

    own = best(d.releases[:index], d.series)
    if own is not None:
        return own
    if patch:
        for o in older:
            if (found := best(o.releases, o.series)) is not None:
                return found
        return None
    return series_start(older, repo)


def predecessor_of(d: Deliverable, older: Sequence[Deliverable], release: Release, repo: str) -> Point | None:
    """:func:`predecessor` of a release already in ``d`` (None for a closing tag or odd spelling)."""
    v = release.semver
    return None if v is None else predecessor(d, older, v, release.index, repo)


def range_start(d: Deliverable, older: Sequence[Deliverable], release: Release, repo: str) -> Point | None:
    """Where a release's notes and shortlog start counting in ``repo``.

    The predecessor, except for a final after its pre-releases: reno folds
    the pre-releases' notes into the final, so a final counts from where its
    first pre-release did. (``diff-start`` is not followed: it names the
    previous series' final, often tagged on a stable branch, which the new
    commit need not contain.)
    """
    prev = predecessor_of(d, older, release, repo)
    v = release.semver
    pv = parse_semver(prev.version) if prev else None
    if v is None or v.is_prerelease or pv is None or not pv.is_prerelease or pv.release != v.release:
        return prev
    first = next((r for r in d.releases
                  if (s := r.semver) is not None and s.release == v.release
                  and s.is_prerelease and r.hashes.get(repo)), None)
    return (predecessor_of(d, older, first, repo) if first is not None else None) or prev


def series_labels(d: Deliverable, series: SeriesTable) -> tuple[str, ...]:
    """The names ``d``'s series goes by in tags and branches, preferred first: its release-id, then its name.

    ``stable/2026.1`` and ``stable/gazpacho``, ``2026.1-eol`` and ``gazpacho-eol``
    name the same series. Empty for an independent deliverable.
    """
    if d.is_independent:
        return ()
    s = series.get(d.series)
    return (s.release_id, d.series) if s is not None and s.release_id else (d.series,)


def series_branches(d: Deliverable, series: SeriesTable, kind: str = 'stable') -> tuple[str, ...]:
    """The names ``d``'s series branch may have under ``kind`` (``stable``, ``unmaintained``), preferred first.

    ``stable/2026.1`` then ``stable/gazpacho``; empty for an independent deliverable.
    """
    return tuple(f'{kind}/{label}' for label in series_labels(d, series))


def closing_prefix(d: Deliverable, series: SeriesTable) -> str | None:
    """The prefix of the closing tags of ``d``'s series: its release-id, else its name (None: independent)."""
    labels = series_labels(d, series)
    return labels[0] if labels else None


def closing_names(d: Deliverable, series: SeriesTable) -> frozenset[str]:
    """The prefixes a closing tag of ``d`` may carry: the series name and its release-id.

    Independent deliverables may name any series.
    """
    if d.is_independent:
        return frozenset(series.names) | series.release_ids
    return frozenset(series_labels(d, series))


def active_repos(d: Deliverable, before: int | None = None) -> tuple[str, ...]:
    """The repositories a new release (at position ``before``, default: the end) must cover.

    ``repository-settings`` without the retired ones; a file without settings:
    the repositories of its last regular release before that position.
    """
    if d.repository_settings:
        return tuple(r for r, s in d.repository_settings.items() if not s.retired)
    releases = d.releases if before is None else d.releases[:before]
    regular = [r for r in releases if r.version and r.closing_tag is None]
    return regular[-1].repos if regular else ()


def branch_points(d: Deliverable, branch: Branch) -> dict[str, str] | None:
    """The commit ``branch`` starts from in each repository: its location map, or the release it names.

    A branch located at a version starts at that release's commits (the
    release may be old). None when the location names no release of ``d``
    (RT603 reports it) or is missing.
    """
    location = branch.location
    if isinstance(location, str):
        release = next((r for r in reversed(d.releases) if r.version == location), None)  # the last, as a dict would
        return None if release is None else {r: h for r, h in release.hashes.items() if r and h}
    if location is None:
        return None
    return {str(repo): str(sha) for repo, sha in location.items()}


def first_of_series(d: Deliverable, release: Release) -> bool:
    """Whether ``release`` is the first release of ``d``'s series: no release with a version precedes it in the file.

    Never for an independent deliverable, which belongs to no series.
    """
    return not d.is_independent and not any(r.version for r in d.releases[:release.index])


def release_branch(d: Deliverable, release: Release, series: SeriesTable) -> str:
    """The branch ``release`` is made on: the series' stable branch once the file created it before, else master.

    A branch counts when it is named for the series (:func:`series_branches`) and starts at a
    release earlier in the file, or at commits (``location`` a map) it names.
    """
    names = series_branches(d, series)
    earlier = {r.version for r in d.releases[:release.index] if r.version}
    for branch in d.branches:
        if branch.name in names and (not isinstance(branch.location, str) or branch.location in earlier):
            return branch.name
    return 'master'
