"""Version rules of release data: canonical spellings, semver steps, special tags.

Versions are written as pbr writes them: ``X.Y.Z`` and pre-releases
``X.Y.Z.0aN`` / ``X.Y.Z.0bN`` / ``X.Y.Z.0rcN``. ``packaging`` parses everything
else (``v1.2``, ``1.0.0rc1``) so that we can propose the canonical spelling.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from packaging.version import InvalidVersion, Version

__all__ = [
    'PRE_KINDS',
    'SemVer',
    'SpecialTag',
    'XStatic',
    'canonical_spelling',
    'parse_semver',
    'parse_semver_once',
    'parse_special',
    'parse_xstatic',
    'pep440',
    'prerelease_problem',
    'step_kind',
    'step_problem',
]

#: Pre-release kinds in the order they must progress.
PRE_KINDS = ('a', 'b', 'rc')
_RANK = {'a': 0, 'b': 1, 'rc': 2}

#: A part of a version: at most 18 digits (Python refuses to read a number of over 4,300 digits,
#: and no version has a part of 19).
_NUM = r'(0|[1-9][0-9]{0,17})'
_SEMVER_RE = re.compile(rf'^{_NUM}\.{_NUM}\.{_NUM}(?:\.0(a|b|rc){_NUM})?\Z')
_XSTATIC_RE = re.compile(rf'^{_NUM}\.{_NUM}\.{_NUM}\.{_NUM}\Z')
_SPECIAL_RE = re.compile(r'^(?P<prefix>.+)-(?P<kind>eol|eom|em|last)\Z')


@dataclass(frozen=True, slots=True, order=True)
class SemVer:
    """A canonical version; orders like pbr/PEP 440 (pre-releases before finals)."""

    major: int
    minor: int
    patch: int
    pre_rank: int = 3  # 0 a, 1 b, 2 rc, 3 final
    pre_num: int = 0
    text: str = ''
    #: (major, minor, patch), stored: rules compare it in tight loops.
    release: tuple[int, int, int] = field(default=(0, 0, 0), compare=False)

    @property
    def is_prerelease(self) -> bool:
        return self.pre_rank < 3

    @property
    def pre_kind(self) -> str | None:
        return PRE_KINDS[self.pre_rank] if self.pre_rank < 3 else None

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True, order=True)
class XStatic:
    """An xstatic version: the packaged upstream version plus a build number."""

    upstream: tuple[int, int, int]
    build: int
    text: str = ''


@dataclass(frozen=True, slots=True)
class SpecialTag:
    """A tag that closes a series: ``<series>-eol``, ``<deliverable>-<series>-last``..."""

    prefix: str
    kind: str  # eol, eom, em, last


def parse_semver_once(text: str) -> SemVer | None:
    """:func:`parse_semver` without its memo: for a file's versions, each parsed once (``Deliverable``).

    Remembering them would only cost: a memo entry made and kept per version.
    """
    m = _SEMVER_RE.match(text)
    if m is None:
        return None
    major_s, minor_s, patch_s, kind, num = m.groups()
    major, minor, patch = int(major_s), int(minor_s), int(patch_s)
    if kind is None:
        return SemVer(major, minor, patch, 3, 0, text, (major, minor, patch))
    return SemVer(major, minor, patch, _RANK[kind], int(num), text, (major, minor, patch))


#: Parse a canonical pbr version; ``None`` if it is not canonical (remembered: callers ask again and again).
parse_semver = lru_cache(maxsize=65536)(parse_semver_once)


def parse_xstatic(text: str) -> XStatic | None:
    m = _XSTATIC_RE.match(text)
    if m is None:
        return None
    a, b, c, d = (int(x) for x in m.groups())
    return XStatic((a, b, c), d, text)


def parse_special(text: str) -> SpecialTag | None:
    """The closing tag ``text`` is (``<prefix>-eol``, ``-eom``, ``-em``, ``-last``), else None."""
    # A version has no hyphen: answered without the memo, where a file's thousands of versions
    # would each add an entry.
    return None if '-' not in text else _parse_special(text)


@lru_cache(maxsize=4096)
def _parse_special(text: str) -> SpecialTag | None:
    m = _SPECIAL_RE.match(text)
    if m is None:
        return None
    return SpecialTag(m.group('prefix'), m.group('kind'))


def pep440(text: str) -> Version | None:
    """``text`` as a PEP 440 version (``packaging``), or None when it is none.

    Also None for a version whose numbers Python will not read (over 4,300
    digits): ``packaging`` raises ValueError there, not InvalidVersion, and
    versions come from contributors' files and repositories.
    """
    if len(text) > MAX_VERSION_TEXT:
        return None
    try:
        return Version(text)
    except (InvalidVersion, ValueError):
        return None


#: No version is longer (``packaging`` parses 4,000 digits at some cost).
MAX_VERSION_TEXT = 200


def canonical_spelling(text: str, *, parts: int = 3) -> str | None:
    """The pbr spelling of a version that packaging can read, or None.

    ``1.2`` -> ``1.2.0``, ``v1.2.3`` -> ``1.2.3``, ``1.0.0rc1`` -> ``1.0.0.0rc1``.
    """
    v = pep440(text)
    if v is None:
        return None
    if v.epoch or v.post is not None or v.dev is not None or v.local is not None:
        return None
    release = list(v.release[:parts]) + [0] * max(0, parts - len(v.release))
    if len(v.release) > parts:
        return None
    spelled = '.'.join(str(x) for x in release)
    if v.pre is not None:
        spelled += f'.0{v.pre[0]}{v.pre[1]}'
    return spelled if spelled != text else None


class FinalIndex:
    """The highest final release per X.Y line, per major line and overall.

    Built incrementally while walking a deliverable's history, so checking a
    step costs a few dictionary look-ups instead of a scan of all releases.
    """

    __slots__ = ('by_line', 'by_major', 'top')

    def __init__(self, versions: Iterable[SemVer] = ()) -> None:
        self.by_line: dict[tuple[int, int], SemVer] = {}
        self.by_major: dict[int, SemVer] = {}
        self.top: SemVer | None = None
        for v in versions:
            self.add(v)

    def copy(self) -> FinalIndex:
        other = FinalIndex()
        other.by_line = dict(self.by_line)
        other.by_major = dict(self.by_major)
        other.top = self.top
        return other

    def add(self, v: SemVer) -> None:
        if v.pre_rank < 3:
            return
        # Finals only, so ``v > old`` is: X.Y.Z decides, the text only between equal ones
        # (compared here in C; SemVer's generated ordering builds two tuples of six fields).
        release, text = v.release, v.text
        line = (v.major, v.minor)
        old = self.by_line.get(line)
        if old is None or release > old.release or (release == old.release and text > old.text):
            self.by_line[line] = v
        old = self.by_major.get(v.major)
        if old is None or release > old.release or (release == old.release and text > old.text):
            self.by_major[v.major] = v
        old = self.top
        if old is None or release > old.release or (release == old.release and text > old.text):
            self.top = v


def step_problem(new: SemVer, prior: Iterable[SemVer] | FinalIndex) -> str | None:
    """Why ``new`` (its X.Y.Z) is not a semver step from the final releases in ``prior``.

    A patch release follows the highest release of its own X.Y line; a minor
    release follows its major line; a major release follows the highest
    release overall. Exactly one part goes up by one and the parts to its right
    reset to zero. ``None`` when the step is legal (or there is nothing before it).
    """
    index = prior if isinstance(prior, FinalIndex) else FinalIndex(prior)
    top_all = index.top
    if top_all is None:
        return None
    x, y, z = new.release
    if z > 0:
        top = index.by_line.get((x, y))
        if top is None:
            return (f'{x}.{y}.{z} is a patch release of the {x}.{y} line, which has no release; '
                    f'the next step would start it at {x}.{y}.0')
        if top.patch != z - 1:
            return _wrong_step(new, top, f'{x}.{y}.{top.patch + 1}')
        return None
    if y > 0:
        top = index.by_major.get(x)
        if top is None:
            if top_all.major < x:
                return _wrong_step(new, top_all, _next_major(top_all))
            return f'{x}.{y}.0 has no release of the {x}.x line before it'
        if top.minor >= y:
            return f'{new.text} goes backwards: {top.text} is already released'
        if top.minor != y - 1:
            return _wrong_step(new, top, f'{x}.{top.minor + 1}.0')
        return None
    if top_all.major >= x:
        return f'{new.text} goes backwards: {top_all.text} is already released'
    if top_all.major != x - 1:
        return _wrong_step(new, top_all, _next_major(top_all))
    return None


def _next_major(top: SemVer) -> str:
    return f'{top.major + 1}.0.0'


def _wrong_step(new: SemVer, top: SemVer, expected: str) -> str:
    if new.is_prerelease:
        # The step is of the final the pre-release leads to: 34.0.0.0b1 is expected, not 34.0.0.
        expected += f'.0{new.pre_kind}1'
    return f'{new.text} does not follow {top.text} by one semver step (expected {expected})'


def prerelease_problem(new: SemVer, earlier_same_release: Iterable[SemVer], *,
                       final_needs_rc: bool = True) -> str | None:
    """Why ``new`` breaks the ``0aN -> 0bN -> 0rcN -> final`` progression of its X.Y.Z.

    Within a kind numbers rise by one. A first release candidate is rc1; a
    first alpha or beta may carry its milestone's number (b2 when the first
    milestone was skipped). With ``final_needs_rc`` a final must follow an rc.
    """
    earlier = sorted(earlier_same_release)
    base = '.'.join(str(p) for p in new.release)
    if any(not v.is_prerelease for v in earlier):
        return f'{base} is already released; {new.text} cannot come after it'
    if not new.is_prerelease:
        if final_needs_rc and earlier and earlier[-1].pre_kind != 'rc':
            return (f'the final {new.text} must follow a release candidate, '
                    f'but the last pre-release is {earlier[-1].text}')
        return None
    first_of_kind = not any(v.pre_rank == new.pre_rank for v in earlier)
    if first_of_kind and new.pre_kind == 'rc' and new.pre_num != 1:
        return f'{new.text} must be the first release candidate: {base}.0rc1'
    if not earlier:
        return None
    last = earlier[-1]
    if new <= last:
        return f'{new.text} goes backwards: {last.text} is already released'
    if new.pre_rank == last.pre_rank:
        if new.pre_num != last.pre_num + 1:
            return f'{new.text} skips a number: the next after {last.text} is {base}.0{last.pre_kind}{last.pre_num + 1}'
        return None
    return None


def step_kind(previous: SemVer | None, new: SemVer) -> str:
    """Name the step from ``previous`` to ``new``: major, minor, patch or pre-release."""
    if previous is None:
        return 'first'
    if new.release == previous.release:
        return 'final' if not new.is_prerelease else 'pre-release'
    if new.major != previous.major:
        return 'major'
    if new.minor != previous.minor:
        return 'minor'
    return 'patch'
