"""Which version a release request asks for next: pure rules over a deliverable's history.

``releasetools new-release`` names the *kind* of release (bugfix, feature,
major, milestone, rc, final, eol, em); this module turns it into a version,
counting from the deliverable's own releases in the series and, for the first
release of a series, from the earlier series.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .errors import ReleaseToolsError
from .model import Deliverable, Release
from .versions import SemVer, parse_semver

__all__ = ['CLOSING_KINDS', 'KINDS', 'Plan', 'plan_version']

KINDS = ('bugfix', 'feature', 'major', 'milestone', 'rc', 'final', 'eol', 'em')
#: The kinds that are closing tags (``<series>-eol``, ``<series>-em``), not versions.
CLOSING_KINDS = ('eol', 'em')


@dataclass(frozen=True)
class Plan:
    """The version to propose and, for re-tags, the release whose commits it reuses."""

    kind: str
    version: str
    previous: str | None
    reuse: Release | None = None


def _fmt(x: int, y: int, z: int, pre: str | None = None, n: int = 0) -> str:
    return f'{x}.{y}.{z}' + (f'.0{pre}{n}' if pre else '')


def plan_version(kind: str, deliverable: Deliverable, older: Sequence[SemVer],
                 closing_prefix: str | None) -> Plan:
    """The next version of ``kind``; raise ReleaseToolsError when the history does not allow it.

    ``older`` are the versions of the earlier series that count (``lineage.counted_versions``:
    series order, latest era only);
    ``closing_prefix`` is the series' release-id (or name) for eol/em tags.
    """
    if kind not in KINDS:
        raise ReleaseToolsError(f'unknown kind of release {kind!r}', f'one of: {", ".join(KINDS)}')
    own = [(r, v) for r in deliverable.releases if r.version and (v := parse_semver(r.version)) is not None]
    last_release, last = own[-1] if own else (None, None)
    finals = [v for v in [*older, *(v for _, v in own)] if not v.is_prerelease]
    top = max(finals) if finals else None
    previous = last.text if last else (top.text if top else None)

    if kind in CLOSING_KINDS:
        if closing_prefix is None:
            raise ReleaseToolsError(f'an {kind} tag closes a series; {deliverable.name} is independent')
        regular = [r for r in deliverable.releases if r.version and parse_semver(r.version)]
        if not regular:
            raise ReleaseToolsError(f'{deliverable.name} has no release in {deliverable.series} to tag {kind}')
        version = f'{closing_prefix}-{kind}'
        if any(r.version == version for r in deliverable.releases):
            raise ReleaseToolsError(f'{deliverable.path} already has {version}')
        return Plan(kind, version, regular[-1].version, regular[-1])

    if kind == 'final':
        if last is None or last.pre_kind != 'rc':
            raise ReleaseToolsError(f'a final re-tags the last release candidate, and the last release of '
                                    f'{deliverable.name} in {deliverable.series} is {previous or "none"}',
                                    'propose an rc first')
        return Plan(kind, _fmt(*last.release), last.text, last_release)

    if last is not None and last.is_prerelease and kind in ('bugfix', 'feature', 'major'):
        raise ReleaseToolsError(f'{last.text} is a pre-release: continue with rc or final, not {kind}')

    if kind == 'bugfix':
        if last is None:
            raise ReleaseToolsError(f'the first release of {deliverable.name} in {deliverable.series} cannot be '
                                    'a bugfix (it would take a version the previous series may need)',
                                    'propose feature, major, milestone or rc')
        line = [v for v in finals if v.release[:2] == last.release[:2]]
        x, y, z = max(line).release
        return Plan(kind, _fmt(x, y, z + 1), previous)
    if kind == 'feature':
        if top is None:
            return Plan(kind, '0.1.0', None)
        base = last or top
        same_major = [v for v in finals if v.major == base.major]
        x, y, _ = max(same_major).release
        return Plan(kind, _fmt(x, y + 1, 0), previous)
    if kind == 'major':
        return Plan(kind, _fmt(top.major + 1 if top else 1, 0, 0), previous)

    # milestone and rc: continue the pre-releases in progress, or start the next major's.
    if last is not None and last.is_prerelease:
        x, y, z = last.release
        if kind == 'milestone':
            if last.pre_kind == 'rc':
                raise ReleaseToolsError(f'{last.text} is a release candidate: milestones come before rcs',
                                        'propose rc or final')
            n = last.pre_num + 1 if last.pre_kind == 'b' else 1
            return Plan(kind, _fmt(x, y, z, 'b', n), previous)
        n = last.pre_num + 1 if last.pre_kind == 'rc' else 1
        return Plan(kind, _fmt(x, y, z, 'rc', n), previous)
    major = top.major + 1 if top else 1
    return Plan(kind, _fmt(major, 0, 0, 'b' if kind == 'milestone' else 'rc', 1), previous)
