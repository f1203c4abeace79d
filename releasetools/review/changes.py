"""The review of a release request, as values: what ``list-changes`` reports, and the pure
computations behind its warnings (no git, no files: the facts come from ``collect``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from packaging.utils import canonicalize_name

from ..core.pkgmeta import raised_minimums, requirements
from ..core.versions import SemVer, parse_semver, step_kind
from ..notes.render import STEP_RANK

__all__ = [
    'ApiResult',
    'ChangesReport',
    'Commit',
    'NotesPreview',
    'ReleaseReview',
    'RepoReview',
    'RequirementChange',
    'compare_steps',
    'proposed_step',
    'repo_warnings',
    'requirement_changes',
]


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    author: str
    subject: str


@dataclass(frozen=True, slots=True)
class RequirementChange:
    """One requirement of ``requirements.txt`` added, removed or re-specified (None: absent)."""

    name: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class NotesPreview:
    """The release notes of the range and the step they call for."""

    files: tuple[str, ...]
    sections: Mapping[str, tuple[str, ...]]
    preview: str
    implied_step: str  # none, patch, minor, major
    implied_by: tuple[str, ...]
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ApiResult:
    """The public API compared at both commits (``compared``), or why not (``skipped``)."""

    status: str
    reason: str | None = None
    breakages: tuple[str, ...] = ()


@dataclass(frozen=True)
class RepoReview:
    """One repository of a release: what changed since the previous release."""

    repo: str
    hash: str
    previous_hash: str | None
    unavailable: str | None = None  # why nothing could be read
    commits: tuple[Commit, ...] | None = None  # None: no previous release to count from
    branch_head_of: tuple[str, ...] = ()
    branches: tuple[str, ...] = ()
    notes: NotesPreview | None = None
    requirements: tuple[RequirementChange, ...] = ()
    api: ApiResult | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReleaseReview:
    """One new release of the request, on one screen."""

    file: str
    deliverable: str
    series: str
    team: str | None
    type: str | None
    model: str | None
    release_type: str
    version: str
    previous_version: str | None
    step: str  # major, minor, patch, pre-release, final, first, unknown
    repos: tuple[RepoReview, ...] = ()
    hints: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    #: The line of the release in ``file`` (0: unknown), where review comments go.
    line: int = 0


@dataclass(frozen=True)
class ChangesReport:
    date: str
    releases: tuple[ReleaseReview, ...] = ()
    problems: tuple[str, ...] = field(default=())  # files that could not be read, as "file:line: message"


def proposed_step(previous: str | None, version: str, prior: Iterable[SemVer]) -> str:
    """The kind of step ``version`` makes, for comparing with what the notes call for.

    ``step_kind`` from the previous release; a pre-release or a final that ends
    a pre-release series is measured from the highest final release before it
    (``2.0.0.0rc2`` after ``1.4.0`` is a major step whatever came between).
    """
    new = parse_semver(version)
    if new is None:
        return 'unknown'
    prev = parse_semver(previous) if previous else None
    if previous and prev is None:
        return 'unknown'
    kind = step_kind(prev, new)
    if kind in ('pre-release', 'final') or (kind != 'first' and new.is_prerelease):
        finals = [v for v in prior if not v.is_prerelease and v.release < new.release]
        if not finals:
            return 'first'
        return step_kind(max(finals), new)
    return kind


def compare_steps(proposed: str, implied: str) -> bool:
    """Whether a ``proposed`` step is smaller than the ``implied`` one (a warning)."""
    if proposed not in STEP_RANK:
        return False
    return STEP_RANK[proposed] < STEP_RANK[implied]


def _specs(blob: bytes | None) -> dict[str, tuple[str, str]]:
    """canonical name -> (name as written, specifier and marker)."""
    out: dict[str, tuple[str, str]] = {}
    for req in requirements(blob):
        spec = str(req.specifier) + (f'; {req.marker}' if req.marker else '')
        name = canonicalize_name(req.name)
        out[name] = (req.name, f'{out[name][1]}, {spec}' if name in out else spec)
    return out


def requirement_changes(old: bytes | None, new: bytes | None) -> tuple[RequirementChange, ...]:
    """What changed in ``requirements.txt`` between the two commits, by canonical name."""
    before, after = _specs(old), _specs(new)
    changes = []
    for key in sorted(before.keys() | after.keys()):
        was, now = before.get(key), after.get(key)
        if (was and was[1]) != (now and now[1]):
            name = (now or was or (key, ''))[0]
            changes.append(RequirementChange(name, was[1] if was else None, now[1] if now else None))
    return tuple(changes)


def _final_of(previous: str | None, version: str) -> bool:
    """Whether ``version`` is the final of the pre-release ``previous`` (``1.1.0`` after ``1.1.0.0rc1``)."""
    prev, new = parse_semver(previous or ''), parse_semver(version)
    return prev is not None and new is not None and prev.is_prerelease and not new.is_prerelease \
        and prev.release == new.release


def repo_warnings(*, repo: str, version: str, previous: str | None, step: str, commits: Sequence[Commit] | None,
                  same_commit: bool, notes: NotesPreview | None, expected: Sequence[str],
                  branches: Sequence[str], ancestor: bool | None, api: ApiResult | None,
                  old_requirements: bytes | None, new_requirements: bytes | None) -> tuple[str, ...]:
    """The reviewer's warnings for one repository of a release (pure)."""
    out: list[str] = []
    # A final re-tags its last release candidate: the same commit is the point, not a warning.
    retag = same_commit and _final_of(previous, version)
    if commits is not None and not commits and not retag:
        what = 'is the same commit as' if same_commit else 'has no commits (merges left out) since'
        out.append(f'nothing changed in {repo}: the release {what} {previous}')
    if ancestor is False:
        out.append(f'the previous release {previous} is not an ancestor of this commit in {repo}: '
                   'the range is counted from where their histories meet')
    if notes is not None and compare_steps(step, notes.implied_step):
        out.append(f'the release notes call for a {notes.implied_step} release ({", ".join(notes.implied_by)}) '
                   f'but {version} is a {step} step from {previous}')
    if expected and not any(b in branches for b in expected):
        out.append(f'the commit is on none of the branches it should be on: {", ".join(expected)}')
    if api is not None and api.breakages and step not in ('major', 'first', 'unknown'):
        out.append(f'{len(api.breakages)} incompatible public API change{"s" if len(api.breakages) != 1 else ""} '
                   f'under a {step} step (a major step is needed)')
    if step == 'patch':
        raised = raised_minimums(old_requirements, new_requirements)
        if raised:
            out.append(f'minimum requirements raised in a patch release: {", ".join(raised)}')
    return tuple(out)
