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
    if kind in CLOSING_KINDS:
        return _closing(kind, deliverable, closing_prefix)
    history = _History.of(deliverable, older)
    if kind == 'final':
        return _final(deliverable, history)
    last = history.last
    if last is not None and last.is_prerelease and kind in ('bugfix', 'feature', 'major'):
        raise ReleaseToolsError(f'{last.text} is a pre-release: continue with rc or final, not {kind}')
    if kind == 'bugfix':
        return _bugfix(deliverable, history)
    if kind == 'feature':
        return _feature(history)
    if kind == 'major':
        top = history.top
        return Plan(kind, _fmt(top.major + 1 if top else 1, 0, 0), history.previous)
    return _prerelease(kind, history)


@dataclass(frozen=True)
class _History:
    """What the next version is computed from: this series' releases and the finals that count."""

    last_release: Release | None
    last: SemVer | None  # the version of this series' last release
    finals: tuple[SemVer, ...]  # the final versions of the earlier series and this one
    top: SemVer | None  # the highest of them

    @classmethod
    def of(cls, deliverable: Deliverable, older: Sequence[SemVer]) -> _History:
        own = [(r, v) for r in deliverable.releases if r.version and (v := parse_semver(r.version)) is not None]
        last_release, last = own[-1] if own else (None, None)
        finals = tuple(v for v in [*older, *(v for _, v in own)] if not v.is_prerelease)
        return cls(last_release, last, finals, max(finals) if finals else None)

    @property
    def previous(self) -> str | None:
        """The release the new one follows, as the plan reports it."""
        return self.last.text if self.last else (self.top.text if self.top else None)


def _closing(kind: str, deliverable: Deliverable, closing_prefix: str | None) -> Plan:
    """An eol/em/last tag re-tags the series' last regular release."""
    if closing_prefix is None:
        raise ReleaseToolsError(f'an {kind} tag closes a series; {deliverable.name} is independent')
    regular = [r for r in deliverable.releases if r.version and parse_semver(r.version)]
    if not regular:
        raise ReleaseToolsError(f'{deliverable.name} has no release in {deliverable.series} to tag {kind}')
    version = f'{closing_prefix}-{kind}'
    if any(r.version == version for r in deliverable.releases):
        raise ReleaseToolsError(f'{deliverable.path} already has {version}')
    return Plan(kind, version, regular[-1].version, regular[-1])


def _final(deliverable: Deliverable, history: _History) -> Plan:
    """A final re-tags the last release candidate with its X.Y.Z."""
    last = history.last
    if last is None or last.pre_kind != 'rc':
        raise ReleaseToolsError(f'a final re-tags the last release candidate, and the last release of '
                                f'{deliverable.name} in {deliverable.series} is {history.previous or "none"}',
                                'propose an rc first')
    return Plan('final', _fmt(*last.release), last.text, history.last_release)


def _bugfix(deliverable: Deliverable, history: _History) -> Plan:
    """The next Z on the line of this series' last release."""
    last = history.last
    if last is None:
        raise ReleaseToolsError(f'the first release of {deliverable.name} in {deliverable.series} cannot be '
                                'a bugfix (it would take a version the previous series may need)',
                                'propose feature, major, milestone or rc')
    line = [v for v in history.finals if v.release[:2] == last.release[:2]]
    x, y, z = max(line).release
    return Plan('bugfix', _fmt(x, y, z + 1), history.previous)


def _feature(history: _History) -> Plan:
    """The next Y of the major of this series' last release (or of the highest final)."""
    if history.top is None:
        return Plan('feature', '0.1.0', None)
    base = history.last or history.top
    same_major = [v for v in history.finals if v.major == base.major]
    x, y, _ = max(same_major).release
    return Plan('feature', _fmt(x, y + 1, 0), history.previous)


def _prerelease(kind: str, history: _History) -> Plan:
    """milestone and rc: continue the pre-releases in progress, or start the next major's."""
    last = history.last
    if last is not None and last.is_prerelease:
        x, y, z = last.release
        if kind == 'milestone':
            if last.pre_kind == 'rc':
                raise ReleaseToolsError(f'{last.text} is a release candidate: milestones come before rcs',
                                        'propose rc or final')
            n = last.pre_num + 1 if last.pre_kind == 'b' else 1
            return Plan(kind, _fmt(x, y, z, 'b', n), history.previous)
        n = last.pre_num + 1 if last.pre_kind == 'rc' else 1
        return Plan(kind, _fmt(x, y, z, 'rc', n), history.previous)
    major = history.top.major + 1 if history.top else 1
    return Plan(kind, _fmt(major, 0, 0, 'b' if kind == 'milestone' else 'rc', 1), history.previous)
