"""The request as a plan of units: one per new release, each with the units it waits for.

A unit is one deliverable release (``<deliverable>-<version>``): its tag, build,
push, branches, publish, notes and announcement. Units wait for each other in two
cases only: a later release of the same deliverable waits for the earlier one, and
a unit whose package requires another unit's package *at its new version* (the
requirement admits the new version and not the one before it) waits for it.

Requirements are read at the release hash from ``requirements.txt``, through the
same batched git facts list-changes reads, with no network (``offline``: local
repositories and the mirror cache). A repository that cannot be read adds no
edge: the plan says so in its notes, never guesses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import Version

from ..artifacts.plan import Item
from ..core.errors import ReleaseToolsError, UsageError
from ..core.pkgmeta import package_name, requirements
from ..core.versions import pep440
from ..git.facts import RepoFacts, RepoRequest, gather_all
from ..git.mirrors import RepoLocator, default_cache_dir
from .options import ReleaseOptions

__all__ = ['Plan', 'Unit', 'plan_of', 'plan_units', 'unit_id']

#: The files read at each release hash: the requirements, and what names the package.
_FILES = ('requirements.txt', 'setup.cfg', 'pyproject.toml')


@dataclass(frozen=True)
class Unit:
    """One deliverable release of the request, and the units it waits for."""

    id: str
    item: Item
    after: tuple[str, ...]
    #: Each repository's package name (canonical), when the data or the repository says.
    packages: tuple[tuple[str, str], ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {'id': self.id, 'deliverable': self.item.deliverable, 'series': self.item.series,
                'version': self.item.version, 'repos': [t.repo for t in self.item.targets],
                'after': list(self.after)}

    def package(self, repo: str) -> str | None:
        return dict(self.packages).get(repo)


@dataclass(frozen=True)
class Plan:
    """The units in an order where each comes after those it waits for; notes say what could not be read."""

    units: tuple[Unit, ...]
    notes: tuple[str, ...] = ()

    def get(self, unit: str) -> Unit:
        for u in self.units:
            if u.id == unit:
                return u
        known = ', '.join(u.id for u in self.units) or 'none: the request adds no release'
        raise UsageError(f'no unit {unit!r} in the request; its units: {known}',
                         'releasetools release --plan lists them')

    def by_id(self) -> dict[str, Unit]:
        return {u.id: u for u in self.units}


def unit_id(item: Item) -> str:
    """``<deliverable>-<version>``, safe for file names and CI job names."""
    return re.sub(r'[^A-Za-z0-9._-]+', '_', f'{item.deliverable}-{item.version}')


def _version(text: str | None) -> Version | None:
    return pep440(text) if text else None


def _needs_new(spec: Any, new: Version | None, previous: Version | None) -> bool:
    """Whether a requirement needs the new version: it admits it and not the release before it."""
    if new is None or not spec.contains(new, prereleases=True):
        return False
    return previous is None or not spec.contains(previous, prereleases=True)


def plan_units(items: list[Item], facts: Mapping[str, RepoFacts | str]) -> Plan:
    """The plan of ``items`` (in file order) from the git facts of their repositories (pure)."""
    notes = tuple(f'{repo}: cannot read its requirements ({why}): no requirement edge from it'
                  for repo, why in sorted(facts.items()) if isinstance(why, str))

    def blob(repo: str, sha: str, name: str) -> bytes | None:
        got = facts.get(repo)
        return got.files.get((sha, name)) if isinstance(got, RepoFacts) else None

    ids = [unit_id(i) for i in items]
    packages: list[tuple[tuple[str, str], ...]] = []
    for item in items:
        named = []
        for t in item.targets:
            name = t.name or package_name(blob(t.repo, t.hash, 'setup.cfg'), blob(t.repo, t.hash, 'pyproject.toml'))
            if name:
                named.append((t.repo, canonicalize_name(name)))
        packages.append(tuple(named))
    after: list[list[str]] = [[] for _ in items]
    last: dict[str, int] = {}
    for n, item in enumerate(items):
        if item.deliverable in last:
            after[n].append(ids[last[item.deliverable]])
        last[item.deliverable] = n
    _requirement_waits(items, ids, packages, blob, after)
    units = [Unit(ids[n], item, tuple(after[n]), packages[n]) for n, item in enumerate(items)]
    return Plan(_ordered(units), notes)


def _requirement_waits(items: list[Item], ids: list[str], packages: list[tuple[tuple[str, str], ...]],
                       blob: Callable[[str, str, str], bytes | None], after: list[list[str]]) -> None:
    """Add to ``after`` the units whose new package version a unit's requirements ask for."""
    # Which units release each package (in file order), so a requirement finds its providers directly.
    providers: dict[str, list[tuple[int, str]]] = {}
    for m, named in enumerate(packages):
        for repo, name in named:
            providers.setdefault(name, []).append((m, repo))
    for n, item in enumerate(items):
        for t in item.targets:
            for req in requirements(blob(t.repo, t.hash, 'requirements.txt')):
                for m, repo in providers.get(canonicalize_name(req.name), ()):
                    other = items[m]
                    if other.deliverable == item.deliverable or ids[m] in after[n]:
                        continue
                    previous = next((x.previous_version for x in other.targets if x.repo == repo), None)
                    if _needs_new(req.specifier, _version(other.version), _version(previous)):
                        after[n].append(ids[m])


def _ordered(units: list[Unit]) -> tuple[Unit, ...]:
    """File order, except that a unit moves after those it waits for; a cycle is an error."""
    done: list[Unit] = []
    placed: set[str] = set()
    pending = list(units)
    while pending:
        ready = next((u for u in pending if set(u.after) <= placed), None)
        if ready is None:
            raise ReleaseToolsError('the units of the request wait for each other in a cycle: '
                                    + '; '.join(f'{u.id} waits for {", ".join(u.after)}' for u in pending),
                                    'a requirement on a new version must not go both ways: split the request')
        done.append(ready)
        placed.add(ready.id)
        pending.remove(ready)
    return tuple(done)


def plan_of(opts: ReleaseOptions, items: list[Item]) -> Plan:
    """The plan of the request's ``items``, reading requirements at each release hash (no network)."""
    wanted: dict[str, RepoRequest] = {}
    for item in items:
        for t in item.targets:
            got = wanted.setdefault(t.repo, RepoRequest())
            got.commits.add(t.hash)
            got.files.update((t.hash, name) for name in _FILES)
    locator = RepoLocator(opts.remotes, opts.cache_dir or default_cache_dir(), offline=True)
    return plan_units(items, gather_all(locator, wanted))
