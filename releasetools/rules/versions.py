"""Version rules: canonical spelling, uniqueness, semver steps, pre-releases, closing tags."""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass

from ..core import lineage
from ..core.lineage import DATE_ERA_FIRST_YEAR, date_year_step
from ..core.model import Deliverable, Release, is_commit_id
from ..core.versions import (
    FinalIndex,
    SemVer,
    SpecialTag,
    canonical_spelling,
    parse_semver,
    parse_special,
    parse_xstatic,
    prerelease_problem,
    step_problem,
)
from ..data.yamlio import YMap
from . import DeliverableContext, Problem, Skip, rule

#: Models whose cycle allows beta and release-candidate versions.
PRERELEASE_MODELS = frozenset({'cycle-with-rc', 'cycle-with-milestones', 'cycle-trailing', 'independent'})
#: Models whose final is the last release candidate re-tagged.
RC_MODELS = frozenset({'cycle-with-rc', 'cycle-with-milestones'})
#: Models whose first release of a series must leave room for stable patch releases.
CYCLE_MODELS = frozenset({'cycle-with-rc', 'cycle-with-intermediary', 'cycle-with-milestones',
                          'cycle-trailing', 'cycle-automatic'})


@dataclass(frozen=True, slots=True)
class FileIndex:
    """A file's releases sorted out for the version rules, in one pass over them (at the first ask).

    A rule looks things up here instead of walking the releases again: each
    walk of a file of 16,000 releases reads them all from memory once more.
    """

    #: New releases that are ordinary versions (not closing tags, not xstatic), in file order.
    regular: list[Release]
    #: New releases that are closing tags, with the tag (most files have none).
    closing: list[tuple[Release, SpecialTag]]
    #: Where each version of the file first appears.
    first_index: dict[str, int]
    #: X.Y.Z -> the positions of the file's canonical versions of it, ascending.
    by_xyz: dict[tuple[int, int, int], list[int]]


def file_index(ctx: DeliverableContext) -> FileIndex:
    """The :class:`FileIndex` of ``ctx``'s file (built once per context)."""
    found = ctx.cache.get('file-index')
    if found is not None:
        return found
    d = ctx.deliverable
    xstatic = d.release_type == 'xstatic'
    new_releases = ctx.new_releases
    # --all (or a new file): every release is new, and no set of them is needed.
    new = None if new_releases is d.releases else {r.index for r in new_releases}
    regular: list[Release] = []
    closing: list[tuple[Release, SpecialTag]] = []
    first: dict[str, int] = {}
    by_xyz: dict[tuple[int, int, int], list[int]] = {}
    for release, sv in zip(d.releases, ctx.own_semvers, strict=True):
        v = release.version
        if v is None:
            continue
        at = release.index
        first.setdefault(v, at)
        if sv is not None:
            by_xyz.setdefault(sv.release, []).append(at)
        if new is not None and at not in new:
            continue
        if sv is None and v and (tag := parse_special(v)) is not None:
            closing.append((release, tag))
        elif not (xstatic and sv is None and parse_xstatic(v) is not None):
            regular.append(release)
    found = ctx.cache['file-index'] = FileIndex(regular, closing, first, by_xyz)
    return found


def _regular(ctx: DeliverableContext) -> Iterator[Release]:
    """New releases that are ordinary versions (not closing tags, not xstatic)."""
    return iter(file_index(ctx).regular)


def _closing(ctx: DeliverableContext) -> list[tuple[Release, SpecialTag]]:
    """New releases that are closing tags, with the tag."""
    return file_index(ctx).closing


def _reused(ctx: DeliverableContext, release: Release) -> bool:
    """Whether the version was released before (RT202 reports that, once)."""
    v = release.version
    if v is None:
        return False
    earlier = file_index(ctx).first_index.get(v, release.index) < release.index
    return earlier or ctx.released_elsewhere(v) is not None


def _same_release_before(ctx: DeliverableContext, release: Release, key: tuple[int, int, int]) -> list[int]:
    """Indexes of this file's releases before ``release`` whose X.Y.Z is ``key``, oldest first.

    Looked up in the file's index instead of a scan of ``releases[:index]``
    per release: a file of 16,000 releases stays linear.
    """
    indexes = file_index(ctx).by_xyz.get(key)
    if indexes is None or indexes[0] >= release.index:
        return _NONE  # most releases start their X.Y.Z: no list made
    return indexes[:bisect.bisect_left(indexes, release.index)]


_NONE: list[int] = []  # never changed


@rule('RT201')
def check_canonical_version(ctx: DeliverableContext) -> Iterator[Problem]:
    """Versions are written in pbr's canonical form.

    ``X.Y.Z`` or ``X.Y.Z.0aN``/``0bN``/``0rcN``: not ``1.2``, ``v1.2.3`` or
    ``1.0.0rc1``. xstatic deliverables use four parts, ``X.Y.Z.N``. Closing
    tags (``<series>-eol`` ...) are checked by RT209.
    """
    for release in _regular(ctx):
        assert release.version is not None
        if ctx.own_semvers[release.index] is None:
            spelled = canonical_spelling(release.version)
            hint = f'write {spelled!r}' if spelled else 'use X.Y.Z, or X.Y.Z.0rcN for a release candidate'
            yield Problem(release.line, f'{release.version!r} is not a canonical version', hint)


@rule('RT202')
def check_version_unique(ctx: DeliverableContext) -> Iterator[Problem]:
    """A version is released once per deliverable, across all series.

    pbr versions, tags and uploaded artifacts are unique per repository, so a
    version can never be reused, whatever series file it is in.
    """
    first = file_index(ctx).first_index
    for release in ctx.new_releases:
        v = release.version
        if v is None:
            continue
        if first[v] < release.index:
            yield Problem(release.line, f'{v} is already released earlier in this file')
        elif (where := ctx.released_elsewhere(v)) is not None:
            yield Problem(release.line, f'{v} is already released in {where}',
                          'pick the next version of the line you release from')


@rule('RT203')
def check_semver_step(ctx: DeliverableContext) -> Iterator[Problem | Skip]:
    """Each new version is one semver step from the release it follows.

    Exactly one of major, minor, patch goes up by one and the parts to its
    right reset to zero. A patch release follows the highest release of its
    own X.Y line (so stable branches interleave), a minor release its major
    line; earlier series count for the first release of a series, in series
    order and from the latest era only (``lineage``: nova's date-based
    ``2015.1.4`` of kilo is not newer than liberty's ``12.0.0``). In the date
    era a new year starts at ``YYYY.1.0`` (kilo's ``2015.1.0`` after juno's
    ``2014.2.4``). A file that holds both eras (``_independent/``
    networking-ofagent: kilo's ``2015.1.6``, then liberty's ``1.0.0``) ends
    the date era at its first merged semantic version; a new release never
    ends it. A release spelled ``2014.2`` (RT201) counts as ``2014.2.0``.
    """
    d = ctx.deliverable
    new = {r.index for r in _regular(ctx)}
    if not new:
        return
    prior = ctx.counted_index.copy()
    released = set(ctx.counted_releases)
    own = False
    merged = _merged_count(ctx)
    for index, (release, parsed) in enumerate(zip(d.releases, ctx.own_semvers, strict=True)):
        v = parsed if parsed is not None else _respelled(release.version)
        if v is None:
            continue
        # A semantic version after date versions (1.0.0 after 2015.1.6) ends the date era.
        if index < merged and (top := prior.top) is not None and top.major >= DATE_ERA_FIRST_YEAR > v.major:
            prior = FinalIndex()  # the date versions stay released (RT202) but are not newer
        # A version whose X.Y.Z was released before continues a pre-release
        # progression: that is RT205's business. A respelled one is RT201's.
        if parsed is not None and v.release not in released and release.index in new:
            if not own and not ctx.history_complete:
                yield Skip('', f'{d.path}: {release.version} not compared with earlier releases: series '
                           f'{ctx.missing_history} is not in this tree')
            elif not date_year_step(v, prior) and (problem := step_problem(v, prior)):
                if ctx.history_complete or _line_opened_before(ctx, release, v):
                    yield Problem(release.line, problem)
                else:
                    # The versions in between may be releases of the missing series (a late
                    # release of the previous series' stable branch, a trailing final).
                    yield Skip('', f'{d.path}: {release.version} may follow a release of series '
                               f'{ctx.missing_history}, which is not in this tree ({problem})')
        prior.add(v)
        released.add(v.release)
        own = True


def _line_opened_before(ctx: DeliverableContext, release: Release, v: SemVer) -> bool:
    """Whether the line ``v`` steps on was opened earlier in this file: X.Y.0 for a patch release, X.0.0 for a minor.

    An older series cannot release on a line that a later one opened (its
    branch was cut before), so every release such a step is judged against is
    in this file, and a series missing from the tree cannot change the answer
    (gazpacho's 33.0.4 after its 33.0.2 is wrong whether flamingo is there or
    not). A major release may follow anything: that stays a skip.
    """
    if v.patch:
        opening = (v.major, v.minor, 0)
    elif v.minor:
        opening = (v.major, 0, 0)
    else:
        return False
    positions = file_index(ctx).by_xyz.get(opening)
    return positions is not None and positions[0] < release.index


def _respelled(version: str | None) -> SemVer | None:
    """The version a non-canonical spelling stands for: ``2014.2`` is the ``2014.2.0`` release of its line.

    RT201 reports the spelling; the release still counts for the next steps,
    so that ``2014.2.1`` after ``2014.2`` is not also "a patch release of a
    line that has no release".
    """
    spelled = canonical_spelling(version) if version else None
    return parse_semver(spelled) if spelled is not None else None


def _merged_count(ctx: DeliverableContext) -> int:
    """How many of the file's releases are merged history: all with ``--all``, else the base's."""
    if not ctx.has_base:
        return len(ctx.deliverable.releases)
    return len(ctx.base.releases) if ctx.base is not None else 0


@rule('RT204')
def check_xstatic_numbering(ctx: DeliverableContext) -> Iterator[Problem]:
    """xstatic versions are the packaged version plus a build number.

    ``X.Y.Z.N``: the first three parts are the packaged upstream version,
    which follows upstream's numbering, not semver steps; a rebuild of the
    same upstream version must raise the build number N.
    """
    d = ctx.deliverable
    if d.release_type != 'xstatic':
        return
    builds: dict[tuple[int, int, int], int] = {}
    new = {r.index for r in ctx.new_releases}
    for release in d.releases:
        x = parse_xstatic(release.version or '')
        if x is None:
            if release.version and release.index in new and parse_semver(release.version) is None \
                    and not ctx.is_special(release):
                yield Problem(release.line, f'{release.version!r} is not an xstatic version X.Y.Z.N')
            continue
        last = builds.get(x.upstream)
        if release.index in new and last is not None and x.build <= last:
            upstream = '.'.join(map(str, x.upstream))
            yield Problem(release.line, f'{x.text} does not raise the build number of {upstream} '
                          f'(already at {upstream}.{last})', f'write {upstream}.{last + 1}')
        builds[x.upstream] = max(x.build, last if last is not None else -1)


@rule('RT205')
def check_prerelease_progression(ctx: DeliverableContext) -> Iterator[Problem]:
    """Pre-releases progress ``0aN -> 0bN -> 0rcN -> final``, numbers rising by one.

    The first release candidate is rc1 (a first beta may carry the number of
    its milestone), nothing of a version comes after its final, and in
    ``cycle-with-rc``/``cycle-with-milestones`` a final follows a candidate.
    """
    d = ctx.deliverable
    older: dict[tuple[int, int, int], list[SemVer]] = {}
    for p in ctx.older_semvers:  # one index, not a scan of every earlier version per release
        older.setdefault(p.release, []).append(p)
    own = ctx.own_semvers
    for release in _regular(ctx):
        v = own[release.index]
        if v is None:
            continue
        earlier, before = older.get(v.release), _same_release_before(ctx, release, v.release)
        # A final that starts its X.Y.Z has nothing to progress from: most releases stop here, before
        # the (dearer) question whether the version was released before, which RT202 reports.
        if (not earlier and not before and not v.is_prerelease) or _reused(ctx, release):
            continue
        same = [*(earlier or ()), *(own[i] for i in before)]
        problem = prerelease_problem(v, same, final_needs_rc=d.model in RC_MODELS)
        if problem:
            yield Problem(release.line, problem)


@rule('RT206')
def check_prerelease_allowed(ctx: DeliverableContext) -> Iterator[Problem]:
    """Pre-releases only in models that use them.

    Betas and release candidates belong to ``cycle-with-rc``,
    ``cycle-with-milestones``, ``cycle-trailing`` and independent
    deliverables; ``cycle-with-intermediary`` and ``cycle-automatic`` make
    full releases only. A file that names no model is not judged here:
    RT108/RT109 report the missing ``release-model`` (an error about "the
    None model" would only repeat it).
    """
    d = ctx.deliverable
    model = d.model
    if model is None or model in PRERELEASE_MODELS:
        return  # a model that uses pre-releases: nothing to report
    for release in _regular(ctx):
        v = ctx.own_semvers[release.index]
        if v is None or not v.is_prerelease:
            continue
        if model not in PRERELEASE_MODELS:
            yield Problem(release.line, f'{release.version} is a pre-release, which the {model} model does not use',
                          f'release {".".join(map(str, v.release))} instead')


@rule('RT207')
def check_first_release_of_series(ctx: DeliverableContext) -> Iterator[Problem | Skip]:
    """The first release of a series is ``X.Y.0`` or a pre-release.

    A bare patch bump at the start of a series would take the version that a
    bug fix on the previous series' stable branch needs. Not for untagged,
    tagless or tempest-plugin deliverables, nor for the very first release of
    a deliverable.
    """
    d = ctx.deliverable
    if d.model not in CYCLE_MODELS or d.stable_branch_type == 'tagless' or d.type == 'tempest-plugin':
        return
    first = next((r for r in d.releases if r.version and not ctx.is_special(r)), None)
    if first is None or first not in ctx.new_releases:
        return
    v = parse_semver(first.version or '')
    if v is None or v.is_prerelease or v.patch == 0 or _reused(ctx, first):
        return
    if not ctx.history_complete:
        yield Skip('', f'{d.path}: whether {v.text} starts the deliverable or follows a release of an earlier '
                   f'series is unknown: series {ctx.missing_history} is not in this tree')
        return
    if not ctx.older_versions:
        return  # the very first release of a deliverable leaves no stable branch behind
    yield Problem(first.line, f'{v.text} is the first release of {d.series} and must not be a patch release',
                  f'release {v.major}.{v.minor + 1}.0 (or {v.major + 1}.0.0)')


@rule('RT208')
def check_final_reuses_rc(ctx: DeliverableContext) -> Iterator[Problem]:
    """A final after a release candidate re-tags the candidate's commits.

    The final of a ``cycle-with-rc`` version is the last rc, re-tagged: the
    same hash for every repository.
    """
    d = ctx.deliverable
    own = ctx.own_semvers
    for release in _regular(ctx):
        v = own[release.index]
        if v is None or v.is_prerelease:
            continue
        # The last pre-release of the same X.Y.Z before this final, if that is a candidate.
        before = _same_release_before(ctx, release, v.release)
        at = next((i for i in reversed(before) if own[i].is_prerelease), None)  # type: ignore[union-attr]
        if at is None or own[at].pre_kind != 'rc':  # type: ignore[union-attr]
            continue
        last = d.releases[at]
        if not _same_hashes(release, last):
            yield Problem(release.line, f'{v.text} must re-tag {last.version}: the hashes differ',
                          f'copy the projects of {last.version}')


def _same_hashes(a: Release, b: Release) -> bool:
    """Whether two releases tag the same commit of each repository (``a.hashes == b.hashes``).

    Compared pair by pair when both list their projects in the same order (a
    re-tag copies them), without building the two mappings.
    """
    pa, pb = a.projects, b.projects
    if len(pa) == len(pb) and all(x.repo == y.repo and x.hash == y.hash for x, y in zip(pa, pb, strict=True)):
        return True
    return a.hashes == b.hashes


@rule('RT209')
def check_closing_tags(ctx: DeliverableContext) -> Iterator[Problem]:
    """Closing tags name their series and cover every repository.

    ``<series>-eol``, ``<series>-eom``, ``<series>-em``, ``<series>-last``
    (the series name or its release-id) and ``<deliverable>-<series>-last``
    close the file's own series, and tag every active repository of the
    deliverable.
    """
    d = ctx.deliverable
    closing = _closing(ctx)
    if not closing:
        return
    names = lineage.closing_names(d, ctx.series)
    expected_prefix = lineage.closing_prefix(d, ctx.series) or d.series
    for release, tag in closing:
        ok = tag.prefix in names
        if tag.kind == 'last':
            ok = ok or any(tag.prefix == f'{d.name}-{n}' for n in names)
        if not ok and not d.is_independent:
            yield Problem(release.line, f'{release.version} does not name this file\'s series {d.series}',
                          f'write {expected_prefix}-{tag.kind}')
        missing = sorted(set(lineage.active_repos(d, release.index)) - set(release.repos))
        if missing:
            yield Problem(release.line, f'{release.version} does not tag {", ".join(missing)}',
                          'a closing tag covers every repository of the deliverable')


def _first_final(ctx: DeliverableContext) -> Release | None:
    """The first full release (not a pre-release, not a closing tag) of this file."""
    for release, v in zip(ctx.deliverable.releases, ctx.own_semvers, strict=True):
        if v is not None and not v.is_prerelease:
            return release
    return None


@rule('RT210')
def check_final_has_rc(ctx: DeliverableContext) -> Iterator[Problem]:
    """A ``cycle-with-rc`` series final re-tags a release candidate of this series.

    The first full release of a ``cycle-with-rc`` file is the series final:
    the last release candidate of that version, re-tagged, so the version
    needs an ``X.Y.Z.0rcN`` earlier in the same file. A final with no
    pre-release of its version at all is reported here; one after a beta only
    is RT205's. Later finals of the series (stable patch releases) need no rc.

    Checked while the series is in development, when its final is made.
    Where this differs from the team's validator, on purpose: a series that is
    already maintained or closed made its final long ago, so a first final
    there is a late release the release team handles by hand, and old
    history is not re-judged. Legacy ``cycle-with-milestones`` files are not
    held to it either: their finals were often cut straight from milestones.
    """
    d = ctx.deliverable
    if d.model != 'cycle-with-rc' or ctx.status != 'development':
        return
    final = _first_final(ctx)
    if final is None or final not in ctx.new_releases or _reused(ctx, final):
        return
    v = ctx.own_semvers[final.index]
    assert v is not None
    if any(p is not None and p.release == v.release for p in ctx.own_semvers[:final.index]):
        return  # pre-releases of this version: RT205 judges their progression
    yield Problem(final.line, f'{v.text} is the {d.series} final of a cycle-with-rc deliverable, but no release '
                  f'candidate of {v.text} is in this series', f'release {v.text}.0rc1 first, then re-tag it')


#: Closing tags that close a branch (``-last`` closes branchless deliverables).
BRANCH_CLOSING_KINDS = frozenset({'eol', 'eom', 'em'})


def _has_series_branch(ctx: DeliverableContext) -> bool:
    return any(b.name and b.name.startswith(('stable/', 'unmaintained/')) for b in ctx.deliverable.branches)


@rule('RT211')
def check_closing_tag_has_branch(ctx: DeliverableContext) -> Iterator[Problem]:
    """``-eol``, ``-eom`` and ``-em`` close a branch the deliverable has in this series.

    They mark the end of the file's ``stable/`` (or ``unmaintained/``)
    branch; a deliverable without one (a tempest plugin, a deliverable that
    never branched) has nothing to close and takes ``<release-id>-last``
    instead. Independent deliverables follow no series and are not checked.
    """
    d = ctx.deliverable
    if d.is_independent or _has_series_branch(ctx):
        return
    for release, tag in _closing(ctx):
        if tag.kind in BRANCH_CLOSING_KINDS:
            yield Problem(release.line, f'{release.version} closes a branch, but {d.name} has no stable or '
                          f'unmaintained branch in {d.series}',
                          'list the branch under branches:, or close a branchless deliverable with -last')


@rule('RT212')
def check_em_at_last_release(ctx: DeliverableContext) -> Iterator[Problem]:
    """``-em`` tags the last release of the series, at its hashes.

    Extended maintenance starts from what was last released: the ``-em`` tag
    follows at least one release of this file and names, for every
    repository, the commit of the last release before it.
    """
    d = ctx.deliverable
    for release, tag in _closing(ctx):
        if tag.kind != 'em':
            continue
        previous = [r for r in d.releases[:release.index] if r.version and not ctx.is_special(r)]
        if not previous:
            yield Problem(release.line, f'{release.version} has no earlier release of {d.name} in {d.series} '
                          'to mark', 'release first, or close the series with -eol')
            continue
        last = previous[-1]
        wrong = sorted(repo for repo, sha in release.hashes.items()
                       if repo and repo in last.hashes and last.hashes[repo] != sha)
        if wrong:
            yield Problem(release.line, f'{release.version} must tag the last release {last.version}, but the '
                          f'hashes of {", ".join(wrong)} differ', f'copy the hashes of {last.version}')


DIFF_START_HINT = "name the release the notes start after (the previous series' final), or a commit"


@rule('RT213')
def check_diff_start(ctx: DeliverableContext) -> Iterator[Problem | Skip]:
    """``diff-start`` names an earlier release of the deliverable, or a commit.

    The release team sets it on a series final so that the notes and the
    shortlog span the whole cycle (FORMAT.md, "Release models"): usually the
    previous series' final, a version this deliverable released before, in
    this file or an older series' file; sometimes a closing tag
    (``wallaby-em``) or, for the first release of a repository split out of
    another, a commit id. Anything else (a typo, a version not before the
    release, one never released) would start the notes at the wrong place.
    Whether a release was made is looked up in the tree: with an older series
    missing from it, that lookup is a skip, never a guess (bobcat adjutant's
    ``diff-start`` is zed's 5.0.0, past antelope's 6.0.0). A commit's
    ancestry is not checked here.
    """
    d = ctx.deliverable
    older: frozenset[str] | None = None
    first = file_index(ctx).first_index
    for release in ctx.new_releases:
        start = release.diff_start
        if start is None or not release.version or is_commit_id(start):
            continue
        line = _key_line(d, release, 'diff-start')
        wanted = parse_semver(start) or _respelled(start)
        if wanted is None and parse_special(start) is None:
            yield Problem(line, f'diff-start {start!r} of {release.version} is not a version, a closing tag or a '
                          'commit id', DIFF_START_HINT)
            continue
        v = ctx.own_semvers[release.index]
        if wanted is not None and v is not None and lineage.same_era(wanted, v) and wanted >= v:
            yield Problem(line, f'diff-start {start} of {release.version} is not an earlier version',
                          DIFF_START_HINT)
            continue
        if older is None:
            older = frozenset(ctx.older_versions)
        if start in older or first.get(start, release.index) < release.index:
            continue
        missing = _older_series_missing(ctx)
        if missing is not None:
            yield Skip('', f'{d.path}: diff-start {start} of {release.version} not looked up: series {missing} '
                       'is not in this tree')
        else:
            yield Problem(line, f'diff-start {start} of {release.version} is not a release of {d.name} before it',
                          DIFF_START_HINT)


def _key_line(d: Deliverable, release: Release, key: str) -> int:
    """The line of ``key`` in ``release``'s entry of the file (else the release's own line)."""
    entries = d.raw.get('releases')
    entry = entries[release.index] if isinstance(entries, list) and release.index < len(entries) else None
    return entry.line_of(key) if isinstance(entry, YMap) else release.line


def _older_series_missing(ctx: DeliverableContext) -> str | None:
    """The newest series older than this file's whose directory is not in the tree (None: all are there)."""
    d = ctx.deliverable
    if d.is_independent or d.series not in ctx.series:
        return None
    return next((s.name for s in ctx.series.older_than(d.series) if s.name not in ctx.series_dirs), None)
