"""Git rules: what a release names must exist, move forward and sit on the right branch.

These rules are as pure as the others: they read :class:`RepoFacts` that the
runner gathered beforehand (``ctx.git``), in a few batched git processes per
repository. ``wanted`` tells the runner which commits and files to gather.
"""

from __future__ import annotations

import configparser
import tomllib
from collections.abc import Iterator
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from ..findings import Severity
from ..gitfacts import RepoFacts, RepoRequest
from ..model import OPEN_STATUSES, Release
from ..versions import SemVer, parse_semver, parse_special
from . import DeliverableContext, Problem, Skip, rule

#: Release types whose repositories are Python packages with metadata to check.
PYTHON_TYPES = frozenset({'python-service', 'python-pypi', 'neutron', 'horizon'})
_SHALLOW = 'the repository is a shallow clone, so history cannot be followed; fetch it with --unshallow'


# --- what to gather -------------------------------------------------------

def _semver(release: Release) -> SemVer | None:
    return parse_semver(release.version) if release.version else None


def previous_release(ctx: DeliverableContext, release: Release, repo: str) -> tuple[str, str] | None:
    """(version, hash) of the release ``release`` must descend from in ``repo``.

    A patch release follows the highest earlier release of its X.Y line; other
    releases follow the highest earlier ``X.Y.0``-type release of this file
    (the branch line); the first of a series follows the previous series'
    stable branch point (or its last such release).
    """
    v = _semver(release)
    if v is None:
        return None

    def on_line(r: Release) -> bool:
        p = _semver(r)
        if p is None or p >= v or repo not in r.repos:
            return False
        return p.release[:2] == v.release[:2] if v.patch > 0 else p.patch == 0

    own = [r for r in ctx.deliverable.releases[:release.index] if on_line(r)]
    if v.patch > 0 and not own:
        own = [r for o in ctx.older_files for r in o.releases if on_line(r)]
    if own:
        best = max(own, key=_semver)  # type: ignore[arg-type,return-value]
        return best.version or '', best.hashes[repo] or ''
    if v.patch > 0 or not ctx.older_files:
        return None
    previous = ctx.older_files[0]
    by_version = {r.version: r for r in previous.releases}
    for branch in previous.branches:
        if branch.name and branch.name.startswith('stable/') and isinstance(branch.location, str):
            point = by_version.get(branch.location)
            if point is not None and point.hashes.get(repo):
                return point.version or '', point.hashes[repo] or ''
    candidates = [r for r in previous.releases if on_line(r)]
    if candidates:
        best = max(candidates, key=_semver)  # type: ignore[arg-type,return-value]
        return best.version or '', best.hashes[repo] or ''
    return None


def _is_patch(release: Release) -> bool:
    v = _semver(release)
    return v is not None and v.patch > 0 and not v.is_prerelease


def wanted(ctx: DeliverableContext) -> dict[str, RepoRequest]:
    """The commits and files the git rules will ask about, per repository."""
    requests: dict[str, RepoRequest] = {}

    def want(repo: str) -> RepoRequest:
        return requests.setdefault(repo, RepoRequest())

    d = ctx.deliverable
    for release in ctx.new_releases:
        for project in release.projects:
            if not project.repo or not project.hash:
                continue
            req = want(project.repo)
            req.commits.add(project.hash)
            req.files.add((project.hash, 'setup.cfg'))
            req.files.add((project.hash, 'pyproject.toml'))
            prev = previous_release(ctx, release, project.repo)
            if prev and prev[1]:
                req.commits.add(prev[1])
                if _is_patch(release):
                    req.files.add((prev[1], 'requirements.txt'))
                    req.files.add((project.hash, 'requirements.txt'))
    by_version = {r.version: r for r in d.releases}
    for branch in ctx.new_branches:
        if isinstance(branch.location, dict):
            for repo, sha in branch.location.items():
                if isinstance(sha, str):
                    want(repo).commits.add(sha)
        elif isinstance(branch.location, str) and branch.location in by_version:
            # The release may be old: RT705 still needs its commits in the walked history.
            for repo, sha in by_version[branch.location].hashes.items():
                if repo and sha:
                    want(repo).commits.add(sha)
    return requests


# --- helpers over the gathered facts --------------------------------------

def _facts(ctx: DeliverableContext, repo: str | None) -> RepoFacts | None:
    facts = ctx.git.get(repo) if repo else None
    return facts if isinstance(facts, RepoFacts) else None


def _series_branches(ctx: DeliverableContext, facts: RepoFacts, prefix: str) -> list[str]:
    d = ctx.deliverable
    series = ctx.series.get(d.series)
    names = [d.series] + ([series.release_id] if series and series.release_id else [])
    return [f'{prefix}/{n}' for n in names if f'{prefix}/{n}' in facts.refs.branches]


def expected_branches(ctx: DeliverableContext, facts: RepoFacts, release: Release) -> list[str]:
    """The branches a release's commit must be on, existing in the repository."""
    d = ctx.deliverable
    default = [facts.refs.default_branch] if facts.refs.default_branch else []
    tag = parse_special(release.version or '')
    if d.is_independent:
        listed = [b.name for b in d.branches if b.name and b.name in facts.refs.branches]
        return default + listed
    if tag is not None and tag.kind == 'last':
        return default
    stable = _series_branches(ctx, facts, 'stable')
    unmaintained = _series_branches(ctx, facts, 'unmaintained')
    if tag is not None:
        return stable + unmaintained or default
    return stable or unmaintained or default


def _closed_branch_gone(ctx: DeliverableContext, facts: RepoFacts) -> str | None:
    """Why a closed series' releases cannot be checked: its branch was deleted (None: it was not).

    At end of life the stable branch is deleted and only the ``<series>-eol``
    tag remains; the default branch is no stand-in for it (``--all`` checks
    that old history too).
    """
    d = ctx.deliverable
    series = ctx.series.get(d.series)
    if d.is_independent or series is None:
        return None
    status = d.stable_status or series.status
    if status in OPEN_STATUSES or status == 'future':
        return None
    if _series_branches(ctx, facts, 'stable') or _series_branches(ctx, facts, 'unmaintained'):
        return None
    return f'{d.series} is {status} and its stable branch is gone from {facts.repo}: no branch to check against'


# --- the rules ------------------------------------------------------------

@rule('RT701')
def check_commit_exists(ctx: DeliverableContext) -> Iterator[Problem | Skip]:
    """Every hash names a commit that exists in the repository.

    Not a tree or a blob, and not a commit only a fork or an unmerged review
    has: the repository of record must have it.
    """
    for release in ctx.new_releases:
        for project in release.projects:
            facts = _facts(ctx, project.repo)
            if facts is None or not project.hash:
                continue
            kind = facts.object_type(project.hash)
            if kind == 'commit':
                continue
            if kind == 'missing' and facts.shallow:
                yield Skip(facts.repo, f'{project.hash} is not in the shallow clone at {facts.path}')
            elif kind == 'missing':
                yield Problem(project.line, f'{project.hash} is not a commit of {project.repo}',
                              'was the change merged? copy the hash from the repository\'s branch')
            else:
                yield Problem(project.line, f'{project.hash} is a {kind} in {project.repo}, not a commit')
    for branch in ctx.new_branches:
        if isinstance(branch.location, dict):
            for repo, sha in branch.location.items():
                facts = _facts(ctx, repo)
                kind = facts.object_type(str(sha)) if facts is not None else 'commit'
                if facts is None or kind == 'commit':
                    continue
                if kind == 'missing' and facts.shallow:
                    yield Skip(facts.repo, f'{sha} is not in the shallow clone at {facts.path}')
                else:
                    yield Problem(branch.line, f'{sha} (location of {branch.name}) is not a commit of {repo}')


@rule('RT702')
def check_tag_immutable(ctx: DeliverableContext) -> Iterator[Problem]:
    """A version already tagged in the repository points at the same commit.

    Tags are never moved: if the tag exists, the release must name the
    commit the tag (peeled) points at.
    """
    for release in ctx.new_releases:
        for project in release.projects:
            facts = _facts(ctx, project.repo)
            if facts is None or not release.version or not project.hash:
                continue
            tagged = facts.refs.tags.get(release.version)
            if tagged is not None and tagged != project.hash:
                yield Problem(project.line, f'tag {release.version} of {project.repo} already points at '
                              f'{tagged}, not {project.hash}', f'use hash {tagged}, or a new version')


@rule('RT703')
def check_ancestry(ctx: DeliverableContext) -> Iterator[Problem | Skip]:
    """A release descends from the previous release of its line.

    No releasing older code and no rewritten history: the commit of the
    previous release on the same line (same X.Y for a patch release, else
    the branch line) is an ancestor of the new commit.
    """
    for release in ctx.new_releases:
        for project in release.projects:
            facts = _facts(ctx, project.repo)
            if facts is None or not project.repo or not project.hash or facts.object_type(project.hash) != 'commit':
                continue
            prev = previous_release(ctx, release, project.repo)
            if prev is None or not prev[1]:
                continue
            answer = facts.is_ancestor(prev[1], project.hash)
            if answer is None:
                if facts.shallow:
                    yield Skip(facts.repo, _SHALLOW)
                elif facts.object_type(prev[1]) != 'commit':
                    yield Problem(project.line, f'the previous release {prev[0]} of {project.repo} names '
                                  f'{prev[1]}, which is not in the repository')
            elif not answer:
                yield Problem(project.line, f'{project.hash} does not descend from {prev[0]} ({prev[1][:12]}) '
                              f'in {project.repo}', 'release a commit that contains the previous release')


@rule('RT704')
def check_branch_membership(ctx: DeliverableContext) -> Iterator[Problem | Skip]:
    """A release's commit is on the branch its series dictates.

    The default branch for the development series and independent
    deliverables; ``stable/<series>`` (or ``stable/<release-id>``) once it
    exists, ``unmaintained/...`` after that. Commits only on other branches,
    unmerged reviews or forks can never be released.
    """
    for release in ctx.new_releases:
        for project in release.projects:
            facts = _facts(ctx, project.repo)
            if facts is None or not project.hash or facts.object_type(project.hash) != 'commit':
                continue
            branches = expected_branches(ctx, facts, release)
            if not branches:
                yield Skip(facts.repo, 'no default branch (master or main) to check releases against')
                continue
            answers = [facts.on_branch(project.hash, b) for b in branches]
            if any(answers):
                continue
            if None in answers:
                yield Skip(facts.repo, _SHALLOW)
                continue
            gone = _closed_branch_gone(ctx, facts)
            if gone:
                yield Skip(facts.repo, gone)
                continue
            yield Problem(project.line, f'{project.hash[:12]} is not on {" or ".join(branches)} of {project.repo}',
                          'release a commit merged on that branch')


@rule('RT705')
def check_branch_points(ctx: DeliverableContext) -> Iterator[Problem | Skip]:
    """A new branch starts where the file says.

    A branch located at a version starts at that release's commit (when the
    branch already exists, it contains that commit); a tagless branch point is
    a commit of the default branch.
    """
    d = ctx.deliverable
    by_version = {r.version: r for r in d.releases}
    for branch in ctx.new_branches:
        if not branch.name:
            continue
        if isinstance(branch.location, dict):
            points = {repo: str(sha) for repo, sha in branch.location.items()}
            need_default = True
        else:
            release = by_version.get(branch.location)
            if release is None:
                continue  # RT603 reports it
            points = {r: h for r, h in release.hashes.items() if r and h}
            need_default = False
        for repo, sha in points.items():
            facts = _facts(ctx, repo)
            if facts is None:
                continue
            if facts.object_type(sha) != 'commit':
                if facts.shallow:
                    yield Skip(facts.repo, _SHALLOW)
                continue
            answers: list[bool | None] = []
            if branch.name in facts.refs.branches:
                answers.append(on := facts.on_branch(sha, branch.name))
                if on is False:
                    yield Problem(branch.line, f'{branch.name} of {repo} exists but does not contain {sha[:12]}',
                                  'the branch was cut elsewhere: correct the location')
            default = facts.refs.default_branch
            if need_default and default:
                answers.append(on := facts.on_branch(sha, default))
                if on is False:
                    yield Problem(branch.line, f'the branch point {sha[:12]} of {branch.name} is not on {default} '
                                  f'of {repo}')
            if None in answers:
                yield Skip(facts.repo, _SHALLOW)


def _package_name(blob_cfg: bytes | None, blob_toml: bytes | None) -> str | None:
    if blob_cfg is not None:
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        try:
            parser.read_string(blob_cfg.decode('utf-8', 'replace'))
            name = parser.get('metadata', 'name', fallback=None)
        except configparser.Error:
            name = None
        if name:
            return name.strip()
    if blob_toml is not None:
        try:
            data: dict[str, Any] = tomllib.loads(blob_toml.decode('utf-8', 'replace'))
        except tomllib.TOMLDecodeError:
            return None
        name = data.get('project', {}).get('name')
        if isinstance(name, str):
            return name
    return None


@rule('RT706')
def check_package_name(ctx: DeliverableContext) -> Iterator[Problem | Skip]:
    """The package built from the commit has the name the data promises.

    ``pypi-name`` (or ``tarball-base``, or the repository's last path
    component) matches ``[metadata] name`` in ``setup.cfg`` or ``[project]
    name`` in ``pyproject.toml`` at the released commit. Read with git, no
    code is run.
    """
    d = ctx.deliverable
    if d.release_type not in PYTHON_TYPES:
        return
    settings = d.repository_settings or {}
    for release in ctx.new_releases:
        if ctx.is_special(release):
            continue
        for project in release.projects:
            facts = _facts(ctx, project.repo)
            if facts is None or not project.repo or not project.hash or facts.object_type(project.hash) != 'commit':
                continue
            if 'no-artifact-build-job' in getattr(settings.get(project.repo), 'flags', ()):
                continue
            name = _package_name(facts.files.get((project.hash, 'setup.cfg')),
                                 facts.files.get((project.hash, 'pyproject.toml')))
            if name is None:
                yield Skip(facts.repo, f'no package name in setup.cfg or pyproject.toml at {project.hash[:12]}')
                continue
            s = settings.get(project.repo)
            expected = (s.pypi_name if s else None) or project.tarball_base or (s.tarball_base if s else None) \
                or project.repo.rsplit('/', 1)[-1]
            if canonicalize_name(name) != canonicalize_name(expected):
                yield Problem(project.line, f'{project.repo} at {project.hash[:12]} builds package {name!r}, '
                              f'not {expected!r}', 'set pypi-name/tarball-base in repository-settings to match')


def _lower_bounds(blob: bytes | None) -> dict[str, Version]:
    out: dict[str, Version] = {}
    if blob is None:
        return out
    for raw in blob.decode('utf-8', 'replace').splitlines():
        line = raw.split('#', 1)[0].strip()
        if not line or line.startswith('-'):
            continue
        try:
            req = Requirement(line)
        except InvalidRequirement:
            continue
        for spec in req.specifier:
            if spec.operator in ('>=', '==', '~=', '>', '==='):
                try:
                    bound = Version(spec.version.rstrip('.*'))
                except InvalidVersion:
                    continue
                name = canonicalize_name(req.name)
                if name not in out or bound > out[name]:
                    out[name] = bound
    return out


@rule('RT707')
def check_requirements_patch(ctx: DeliverableContext) -> Iterator[Problem | Skip]:
    """A patch release does not raise a requirement's lower bound.

    Raising a minimum in a bug-fix release forces upgrades on people who only
    wanted the fix: an error in the development series, a warning on stable
    branches (sometimes a security fix needs it).
    """
    d = ctx.deliverable
    series = ctx.series.get(d.series)
    stable = series is not None and series.status != 'development' and not d.is_independent
    for release in ctx.new_releases:
        if not _is_patch(release):
            continue
        for project in release.projects:
            facts = _facts(ctx, project.repo)
            if facts is None or not project.repo or not project.hash:
                continue
            prev = previous_release(ctx, release, project.repo)
            if prev is None or not prev[1]:
                continue
            if facts.object_type(prev[1]) != 'commit' or facts.object_type(project.hash) != 'commit':
                if facts.shallow:  # else RT701/RT703 report the missing commit
                    yield Skip(facts.repo, _SHALLOW)
                continue
            before = _lower_bounds(facts.files.get((prev[1], 'requirements.txt')))
            after = _lower_bounds(facts.files.get((project.hash, 'requirements.txt')))
            raised = [f'{n} {before[n]} -> {after[n]}' for n in sorted(after) if n in before and after[n] > before[n]]
            if raised:
                yield Problem(project.line, f'{release.version} is a patch release but raises minimum requirements '
                              f'of {project.repo} since {prev[0]}: {", ".join(raised)}',
                              'release a minor version instead',
                              Severity.WARNING if stable else Severity.ERROR)
