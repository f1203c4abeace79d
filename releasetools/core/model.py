"""The release data model: immutable values built from the data repository.

The model is deliberately lenient: a value of the wrong type becomes ``None``
(or an empty collection) here, and the schema checks report it from the raw
mapping kept in ``Deliverable.raw``. That way one typo produces one finding,
and every other check still runs on the rest of the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .versions import SemVer, SpecialTag, parse_semver, parse_semver_once, parse_special

__all__ = [
    'COMMIT_ID_RE',
    'INDEPENDENT',
    'OPEN_STATUSES',
    'RC_MODELS',
    'Branch',
    'Deliverable',
    'Project',
    'Release',
    'RepoSettings',
    'Series',
    'SeriesTable',
    'is_commit_id',
]

#: The directory of deliverables that follow no series.
INDEPENDENT = '_independent'

#: Series statuses in which new releases are accepted.
OPEN_STATUSES = frozenset({'development', 'maintained'})

#: A commit id as git writes it: 40 lowercase hexadecimal digits, or an abbreviation of 7 or more.
COMMIT_ID_RE = re.compile(r'[0-9a-f]{7,40}')


def is_commit_id(text: str, *, abbreviated: bool = False) -> bool:
    """Whether ``text`` is a full commit id (40 lowercase hex digits), or with ``abbreviated`` at least 7 of them.

    The data names full ids only (RT502): an abbreviation is ambiguous.
    """
    return COMMIT_ID_RE.fullmatch(text) is not None and (abbreviated or len(text) == 40)


#: Release models whose final is the last release candidate re-tagged (on the stable branch, once cut).
RC_MODELS = frozenset({'cycle-with-rc', 'cycle-with-milestones'})


@dataclass(frozen=True, slots=True)
class Series:
    """One release series from ``data/series_status.yaml``."""

    name: str
    release_id: str | None
    status: str
    initial_release: str | None = None
    slurp: bool = False
    eol_date: str | None = None
    line: int = 0


@dataclass(frozen=True)
class SeriesTable:
    """The series in data order, newest first (never alphabetical)."""

    series: tuple[Series, ...]
    _by_name: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, '_by_name', {s.name: i for i, s in enumerate(self.series)})

    def __iter__(self) -> Iterator[Series]:
        return iter(self.series)

    def __len__(self) -> int:
        return len(self.series)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def get(self, name: str) -> Series | None:
        index = self._by_name.get(name)
        return None if index is None else self.series[index]

    def index(self, name: str) -> int:
        """Position in the data: 0 is the newest series."""
        return self._by_name[name]

    @property
    def current(self) -> Series | None:
        """The series in development, if there is one."""
        for series in self.series:
            if series.status == 'development':
                return series
        return None

    def older_than(self, name: str) -> tuple[Series, ...]:
        """The series before ``name``, newest first."""
        return self.series[self._by_name[name] + 1:]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.series)

    @property
    def release_ids(self) -> frozenset[str]:
        return frozenset(s.release_id for s in self.series if s.release_id)


@dataclass(frozen=True, slots=True)
class Project:
    """One repository's part of a release."""

    repo: str | None
    hash: str | None
    tarball_base: str | None = None
    comment: str | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class Release:
    """One entry of ``releases``: a version and the commit of each repository."""

    version: str | None
    projects: tuple[Project, ...]
    diff_start: str | None = None
    flags: frozenset[str] = frozenset()
    line: int = 0
    index: int = 0

    @property
    def semver(self) -> SemVer | None:
        """The canonical version (None: a closing tag, an odd spelling, or no version)."""
        return parse_semver(self.version) if self.version else None

    @property
    def closing_tag(self) -> SpecialTag | None:
        """The closing tag this release is (``<series>-eol``, ``-eom``, ``-em``, ``-last``), None for a version."""
        return parse_special(self.version) if self.version else None

    @property
    def hashes(self) -> dict[str | None, str | None]:
        return {p.repo: p.hash for p in self.projects}

    @property
    def repos(self) -> tuple[str, ...]:
        return tuple(p.repo for p in self.projects if p.repo)


@dataclass(frozen=True, slots=True)
class Branch:
    """One entry of ``branches``; ``location`` is a version or a repo -> sha map."""

    name: str | None
    location: str | Mapping[str, str] | None
    line: int = 0
    index: int = 0


@dataclass(frozen=True, slots=True)
class RepoSettings:
    """One repository of the deliverable, from ``repository-settings``."""

    repo: str
    pypi_name: str | None = None
    tarball_base: str | None = None
    flags: frozenset[str] = frozenset()

    @property
    def retired(self) -> bool:
        """Flagged ``retired``: no longer released, nor counted among the active repositories."""
        return 'retired' in self.flags

    @property
    def builds_artifacts(self) -> bool:
        """Not flagged ``no-artifact-build-job``: sdists and wheels are built from it (and it has a package)."""
        return 'no-artifact-build-job' not in self.flags


@dataclass(frozen=True)
class Deliverable:
    """One ``deliverables/<series>/<name>.yaml`` file."""

    name: str
    series: str
    path: str
    team: str | None = None
    type: str | None = None
    release_model: str | None = None
    release_type: str = 'python-service'
    stable_branch_type: str = 'std'
    stable_status: str | None = None
    repository_settings: Mapping[str, RepoSettings] | None = None
    releases: tuple[Release, ...] = ()
    branches: tuple[Branch, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_independent(self) -> bool:
        return self.series == INDEPENDENT

    @property
    def model(self) -> str | None:
        """The effective release model: ``independent`` for ``_independent/`` files."""
        if self.is_independent and self.release_model != 'abandoned':
            return 'independent'
        return self.release_model

    @property
    def repos(self) -> tuple[str, ...]:
        """Every repository of the deliverable, settings first, then release order."""
        seen: dict[str, None] = dict.fromkeys(self.repository_settings or ())
        for release in self.releases:
            for repo in release.repos:
                seen.setdefault(repo)
        return tuple(seen)

    @cached_property
    def release_semvers(self) -> tuple[SemVer | None, ...]:
        """The canonical version of each release, in file order (None: a closing tag, an odd spelling, none).

        Each version of the file is parsed here, once, for every rule and every later series' file.
        """
        return tuple(parse_semver_once(v) if (v := r.version) else None for r in self.releases)

    @cached_property
    def semvers(self) -> tuple[SemVer, ...]:
        """The canonical versions of the file, in file order (closing tags and odd spellings left out)."""
        return tuple(v for v in self.release_semvers if v is not None)

    def line_of(self, key: str) -> int:
        find = getattr(self.raw, 'line_of', None)  # a YMap's (the data layer's)
        return find(key) if find is not None and key in self.raw else 1
