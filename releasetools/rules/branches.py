"""Branch rules: names, locations and which deliverables branch at all."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from ..core import lineage
from ..core.model import Release, is_commit_id
from ..core.versions import parse_semver, parse_special
from . import DeliverableContext, Problem, rule

PREFIXES = ('stable/', 'unmaintained/', 'bugfix/', 'feature/')
_NAMED_AFTER_SERIES = ('stable/', 'unmaintained/')
_XY_RE = re.compile(r'(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\Z')


def _version_line(ctx: DeliverableContext, name: str) -> str | None:
    """``X.Y`` when ``name`` is a branch named after a version line.

    ``bugfix/X.Y`` always; ``stable/X.Y`` for ``stable-branch-type:
    std-with-versions`` (those deliverables keep a stable branch per line).
    """
    prefix, _, suffix = name.partition('/')
    if not _XY_RE.match(suffix):
        return None
    if prefix == 'bugfix':
        return suffix
    # stable/2026.1 names a series by its release-id, not a version line.
    if prefix == 'stable' and ctx.deliverable.stable_branch_type == 'std-with-versions' \
            and suffix not in ctx.series.release_ids:
        return suffix
    return None


#: A prefix the release team's validator accepted until the queens era (branches for vendor driver
#: fixes); merged history of closed series keeps it, no open series takes a new one.
LEGACY_PREFIXES = ('driverfixes/',)


@rule('RT601')
def check_branch_prefix(ctx: DeliverableContext) -> Iterator[Problem]:
    """Branch names start with ``stable/``, ``unmaintained/``, ``bugfix/`` or ``feature/``.

    ``driverfixes/`` was accepted by the release team in its time (mitaka's
    manila has ``driverfixes/mitaka``): it stays valid in a series that is
    closed, and is refused in an open one.
    """
    legacy_ok = ctx.is_closed
    for branch in ctx.new_branches:
        if branch.name is None or branch.name.startswith(PREFIXES):
            continue
        if legacy_ok and branch.name.startswith(LEGACY_PREFIXES):
            continue
        yield Problem(branch.line, f'branch {branch.name!r} has none of the prefixes {", ".join(PREFIXES)}')


@rule('RT602')
def check_branch_series_name(ctx: DeliverableContext) -> Iterator[Problem]:
    """Stable and unmaintained branches are named after their series.

    ``stable/<series>`` or ``stable/<release-id>`` (likewise ``unmaintained/``),
    for the series of the file. Independent deliverables name their branches
    freely, and ``stable-branch-type: std-with-versions`` also allows
    ``stable/X.Y`` (RT603 checks that it starts from an X.Y release).
    """
    d = ctx.deliverable
    if d.is_independent:
        return
    labels = lineage.series_labels(d, ctx.series)
    for branch in ctx.new_branches:
        name = branch.name
        if name is None or not name.startswith(_NAMED_AFTER_SERIES):
            continue
        prefix, _, suffix = name.partition('/')
        if suffix not in labels and _version_line(ctx, name) is None:
            yield Problem(branch.line, f'branch {name!r} does not name the series of this file ({d.series})',
                          f'call it {prefix}/{labels[0]}')


@rule('RT603')
def check_branch_location(ctx: DeliverableContext) -> Iterator[Problem]:
    """A branch location is a version of this file, or a map of repository to commit.

    A location is a version released in this file (``bugfix/X.Y`` from an
    X.Y version, and so ``stable/X.Y`` of ``std-with-versions``; an
    ``unmaintained/`` branch usually from the ``-eom`` tag),
    or, for deliverables that are not tagged (``stable-branch-type:
    tagless``), a map of each repository to a 40-digit commit.
    """
    d = ctx.deliverable
    if not ctx.new_branches:
        return
    versions = {r.version for r in d.releases if r.version}
    for branch in ctx.new_branches:
        loc = branch.location
        if loc is None:
            continue
        if isinstance(loc, Mapping):
            for repo, sha in loc.items():
                if not is_commit_id(str(sha)):
                    yield Problem(branch.line, f'location of {branch.name} for {repo} is not a 40-digit commit id')
                elif d.repos and repo not in d.repos:
                    yield Problem(branch.line, f'{repo} in the location of {branch.name} is not a repository '
                                  'of this deliverable')
            continue
        if (d.stable_branch_type == 'tagless' or (branch.name or '').startswith('feature/')) \
                and parse_special(loc) is None:
            continue  # located by a version where commits are needed: RT606 and RT607 say so, once
        if loc not in versions:
            yield Problem(branch.line, f'location {loc!r} of {branch.name} is not a version released in this file',
                          'branch from a release listed above')
        elif branch.name and (wanted := _version_line(ctx, branch.name)) is not None:
            v = parse_semver(loc)
            if v is not None and f'{v.major}.{v.minor}' != wanted:
                yield Problem(branch.line, f'{branch.name} must start from a {wanted}.x version, not {loc}')


@rule('RT604')
def check_branching_allowed(ctx: DeliverableContext) -> Iterator[Problem]:
    """Deliverables that do not branch have no branches.

    ``stable-branch-type: none`` and tempest plugins (which support all
    series from master) take no stable branches.
    """
    d = ctx.deliverable
    if d.stable_branch_type != 'none' and d.type != 'tempest-plugin':
        return
    why = 'stable-branch-type is none' if d.stable_branch_type == 'none' else 'tempest plugins do not branch'
    for branch in ctx.new_branches:
        if branch.name and branch.name.startswith(('stable/', 'bugfix/')):
            yield Problem(branch.line, f'{branch.name}: {why}')


def _regular_before(ctx: DeliverableContext, index: int | None = None) -> list[Release]:
    """This file's releases (not closing tags) before ``index`` (None: all of them)."""
    releases = ctx.deliverable.releases if index is None else ctx.deliverable.releases[:index]
    return [r for r in releases if r.version and not ctx.is_special(r)]


@rule('RT605', needs_base=True)
def check_stable_branch_from_latest(ctx: DeliverableContext) -> Iterator[Problem]:
    """A new stable branch starts from the latest release of the series.

    The stable branch carries the series' last state into maintenance: cut
    from an older release, it would lose what was released after it. In a
    release request the location must be the last release of the file (the
    request's own new releases count: the release team adds a final and the
    branch together). It needs a base: in ``--all`` the moment of branching
    is unknown, and the releases after a branch point cannot tell (stable
    branches take minor releases too: nova 27.0.0.0rc1 branched antelope,
    which later released 27.5.1 from it). ``std-with-versions`` branches named
    after a line (RT603) and independent deliverables are not checked.
    """
    d = ctx.deliverable
    if d.is_independent:
        return
    regular = _regular_before(ctx)
    by_version = {r.version: r for r in regular}
    for branch in ctx.new_branches:
        name, loc = branch.name, branch.location
        if not name or not name.startswith('stable/') or not isinstance(loc, str) \
                or _version_line(ctx, name) is not None or loc not in by_version:
            continue  # RT603 reports a location that is not a release here
        latest = regular[-1]
        if latest is not by_version[loc]:
            yield Problem(branch.line, f'{name} starts from {loc}, but the latest release of {d.series} is '
                          f'{latest.version}', f'branch from {latest.version}')


@rule('RT606')
def check_tagless_branch_location(ctx: DeliverableContext) -> Iterator[Problem]:
    """A ``tagless`` deliverable's branches are located by commits, not versions.

    ``stable-branch-type: tagless`` deliverables are not tagged when they
    branch, so a branch location is a map of each repository to the commit
    the branch starts from. A closing tag of this file is a location too (an
    ``unmaintained/`` branch continues from the ``-eom`` tag).
    """
    d = ctx.deliverable
    if d.stable_branch_type != 'tagless':
        return
    for branch in ctx.new_branches:
        if isinstance(branch.location, str) and parse_special(branch.location) is None:
            yield Problem(branch.line, f'{branch.name} of a tagless deliverable is located by the version '
                          f'{branch.location!r}', 'give a map of each repository to its branch-point commit')


@rule('RT607')
def check_feature_branch_location(ctx: DeliverableContext) -> Iterator[Problem]:
    """A ``feature/`` branch is located by commits, not a version.

    Feature branches start from wherever development stood, usually not a
    release: the location maps each repository to the commit to branch from.
    """
    for branch in ctx.new_branches:
        if branch.name and branch.name.startswith('feature/') and isinstance(branch.location, str):
            yield Problem(branch.line, f'{branch.name} is located by the version {branch.location!r}',
                          'give a map of each repository to its branch-point commit')
