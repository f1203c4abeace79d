"""Branch rules: names, locations and which deliverables branch at all."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ..versions import parse_semver
from . import DeliverableContext, Problem, rule
from .projects import HASH_RE

PREFIXES = ('stable/', 'unmaintained/', 'bugfix/', 'feature/')
_NAMED_AFTER_SERIES = ('stable/', 'unmaintained/')


@rule('RT601')
def check_branch_prefix(ctx: DeliverableContext) -> Iterator[Problem]:
    """Branch names start with ``stable/``, ``unmaintained/``, ``bugfix/`` or ``feature/``."""
    for branch in ctx.new_branches:
        if branch.name is not None and not branch.name.startswith(PREFIXES):
            yield Problem(branch.line, f'branch {branch.name!r} has none of the prefixes {", ".join(PREFIXES)}')


@rule('RT602')
def check_branch_series_name(ctx: DeliverableContext) -> Iterator[Problem]:
    """Stable and unmaintained branches are named after their series.

    ``stable/<series>`` or ``stable/<release-id>`` (likewise ``unmaintained/``),
    for the series of the file. Independent deliverables name their branches
    freely.
    """
    d = ctx.deliverable
    if d.is_independent:
        return
    series = ctx.series.get(d.series)
    suffixes = {d.series}
    if series is not None and series.release_id:
        suffixes.add(series.release_id)
    for branch in ctx.new_branches:
        name = branch.name
        if name is None or not name.startswith(_NAMED_AFTER_SERIES):
            continue
        prefix, _, suffix = name.partition('/')
        if suffix not in suffixes:
            best = series.release_id if series is not None and series.release_id else d.series
            yield Problem(branch.line, f'branch {name!r} does not name the series of this file ({d.series})',
                          f'call it {prefix}/{best}')


@rule('RT603')
def check_branch_location(ctx: DeliverableContext) -> Iterator[Problem]:
    """A branch location is a version of this file, or a map of repository to commit.

    A location is a version released in this file (``bugfix/X.Y`` from an
    X.Y version; an ``unmaintained/`` branch usually from the ``-eom`` tag),
    or, for deliverables that are not tagged (``stable-branch-type:
    tagless``), a map of each repository to a 40-digit commit.
    """
    d = ctx.deliverable
    versions = {r.version for r in d.releases if r.version}
    for branch in ctx.new_branches:
        loc = branch.location
        if loc is None:
            continue
        if isinstance(loc, Mapping):
            for repo, sha in loc.items():
                if not HASH_RE.match(str(sha)):
                    yield Problem(branch.line, f'location of {branch.name} for {repo} is not a 40-digit commit id')
                elif d.repos and repo not in d.repos:
                    yield Problem(branch.line, f'{repo} in the location of {branch.name} is not a repository '
                                  'of this deliverable')
            continue
        if loc not in versions:
            yield Problem(branch.line, f'location {loc!r} of {branch.name} is not a version released in this file',
                          'branch from a release listed above')
        elif branch.name and branch.name.startswith('bugfix/'):
            v = parse_semver(loc)
            wanted = branch.name[len('bugfix/'):]
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
