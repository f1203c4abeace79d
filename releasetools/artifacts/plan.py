"""What a release request asks the job to do: pure, from the validated request."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

from ..core import lineage
from ..core.model import Deliverable, Release
from ..core.pkgmeta import declared_name
from ..core.versions import parse_semver, parse_special
from ..rules import DeliverableContext

__all__ = ['ARTIFACT_TYPES', 'Branches', 'Item', 'NewBranch', 'Target', 'branches_of', 'bug_tracker', 'items_of']

#: Release types whose repositories build Python sdists and wheels.
ARTIFACT_TYPES = frozenset({'python-service', 'python-pypi', 'neutron', 'horizon', 'xstatic'})


@dataclass(frozen=True)
class Target:
    """One repository of a release."""

    repo: str
    hash: str
    previous_version: str | None
    previous_hash: str | None
    build: bool  # whether artifacts are built and published
    name: str | None = None  # pypi-name or tarball-base, when the data says


@dataclass(frozen=True)
class Item:
    """One new release of the request."""

    deliverable: str
    series: str
    team: str | None
    version: str
    release_type: str
    model: str | None
    diff_start: str | None
    targets: tuple[Target, ...]
    closing: bool  # an -eol/-eom/-em/-last tag: tagged only
    announce: bool  # pre-releases before rc are not announced
    first_of_series: bool = False  # no earlier release in the series' file (never for independent ones)
    branch: str = 'master'  # the branch the release is made on (lineage.release_branch)
    series_status: str | None = None  # the file's status (its stable-status, else its series')
    bug_tracker: str | None = None  # the bug tracker's URL, from launchpad or storyboard

    @property
    def label(self) -> str:
        return f'{self.deliverable} {self.version}'

    def key(self, action: str, repo: str | None = None) -> str:
        return '/'.join(x for x in (self.deliverable, self.series, self.version, repo, action) if x)

    @property
    def identity(self) -> tuple[str, str, str, list[tuple[str, str]]]:
        """What names this release in the ledger's file name and the announcement's Message-ID."""
        return self.deliverable, self.series, self.version, [(t.repo, t.hash) for t in self.targets]


@dataclass(frozen=True)
class NewBranch:
    """A branch the request creates: its name, and the commit it starts at in each repository."""

    name: str
    points: dict[str, str]  # repo -> commit


#: New branches by the release they start from, ``(deliverable, version)``; version ``''`` when none of
#: the request's releases is theirs.
Branches = dict[tuple[str, str], list[NewBranch]]


def _target(ctx: DeliverableContext, d: Deliverable, release: Release, repo: str, sha: str, *,
            closing: bool) -> Target:
    prev = lineage.range_start(d, ctx.older_files, release, repo)  # notes, shortlog and announcement
    settings = (d.repository_settings or {}).get(repo)
    build = not closing and d.release_type in ARTIFACT_TYPES and (settings is None or settings.builds_artifacts)
    return Target(repo, sha, prev.version if prev else None, prev.hash if prev else None, build,
                  declared_name(d, release, repo))


def items_of(contexts: Iterable[DeliverableContext]) -> list[Item]:
    """The new releases of every changed file, in file order."""
    items = []
    for ctx in contexts:
        d = ctx.deliverable
        for release in ctx.new_releases:
            if not release.version:
                continue
            closing = parse_special(release.version) is not None
            v = parse_semver(release.version)
            announce = not closing and (v is None or not v.is_prerelease or v.pre_kind == 'rc')
            targets = tuple(_target(ctx, d, release, p.repo, p.hash, closing=closing)
                            for p in release.projects if p.repo and p.hash)
            items.append(Item(d.name, d.series, d.team, release.version, d.release_type, d.model,
                              release.diff_start, targets, closing, announce,
                              first_of_series=lineage.first_of_series(d, release),
                              branch=lineage.release_branch(d, release, ctx.series),
                              series_status=ctx.status, bug_tracker=bug_tracker(d)))
    return items


def bug_tracker(d: Deliverable) -> str | None:
    """Where the deliverable's bugs are filed: its ``launchpad`` project, else its ``storyboard`` one."""
    launchpad, storyboard = d.raw.get('launchpad'), d.raw.get('storyboard')
    if isinstance(launchpad, str) and launchpad:
        return f'https://bugs.launchpad.net/{quote(launchpad)}/+bugs'
    if isinstance(storyboard, (str, int)) and not isinstance(storyboard, bool) and str(storyboard):
        return f'https://storyboard.openstack.org/#!/project/{quote(str(storyboard))}'
    return None


def branches_of(contexts: Iterable[DeliverableContext]) -> Branches:
    """New branches of the request, attached to the release they start from."""
    out: Branches = {}
    for ctx in contexts:
        d = ctx.deliverable
        last = ctx.new_releases[-1].version if ctx.new_releases else None
        for branch in ctx.new_branches:
            if not branch.name:
                continue
            points = lineage.branch_points(d, branch) or {}
            if isinstance(branch.location, str):
                anchor = branch.location if branch.location in {r.version for r in ctx.new_releases} else last
            else:
                anchor = last
            out.setdefault((d.name, anchor or ''), []).append(NewBranch(branch.name, points))
    return out
