"""Git rules: what a release names must exist, move forward and sit on the right branch.

These rules are as pure as the others: they read :class:`RepoFacts` that the
runner gathered beforehand (``ctx.git``), in a few batched git processes per
repository. ``gitplan.wanted`` tells the runner which commits and files to gather.
"""

from __future__ import annotations

from collections.abc import Iterator

from packaging.utils import canonicalize_name

from ..core import lineage
from ..core.findings import Severity
from ..core.pkgmeta import declared_name, package_name, raised_minimums
from . import DeliverableContext, Problem, Skip, describe, rule
from .gitplan import closed_branch_gone, closing_tags, expected_branches, facts_for, is_patch, previous_release

#: Release types whose repositories are Python packages with metadata to check.
PYTHON_TYPES = frozenset({'python-service', 'python-pypi', 'neutron', 'horizon'})
_SHALLOW = 'the repository is a shallow clone, so history cannot be followed; fetch it with --unshallow'


RT708 = describe('RT708', 'git', """A git check that cannot run fails the gate (``validate --require-git``).

    In CI mode (``--require-git``, or ``RELEASETOOLS_REQUIRE_GIT=1``) a
    repository that cannot be read (unreachable, missing, an unsafe name) or a
    check that cannot be made (a shallow clone) is an error naming the
    repository and the reason, at the first line that names it, so the gate
    never passes hashes it did not check. Without it these checks are listed
    as skipped.""", made_by=('releasetools/validate/engine.py', '_unchecked_git'))


# --- the rules ------------------------------------------------------------

@rule('RT701')
def check_commit_exists(ctx: DeliverableContext) -> Iterator[Problem | Skip]:
    """Every hash names a commit that exists in the repository.

    Not a tree or a blob, and not a commit only a fork or an unmerged review
    has: the repository of record must have it.
    """
    yield from _release_hashes(ctx)
    yield from _branch_locations(ctx)


def _release_hashes(ctx: DeliverableContext) -> Iterator[Problem | Skip]:
    """RT701 for the hashes of the new releases."""
    for release in ctx.new_releases:
        for project in release.projects:
            facts = facts_for(ctx, project.repo)
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


def _branch_locations(ctx: DeliverableContext) -> Iterator[Problem | Skip]:
    """RT701 for the commits new branches are located at (a repo -> commit map)."""
    for branch in ctx.new_branches:
        if isinstance(branch.location, dict):
            for repo, sha in branch.location.items():
                facts = facts_for(ctx, repo)
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
            facts = facts_for(ctx, project.repo)
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
            facts = facts_for(ctx, project.repo)
            if facts is None or not project.repo or not project.hash or facts.object_type(project.hash) != 'commit':
                continue
            prev = previous_release(ctx, release, project.repo)
            if prev is None or not prev.hash:
                continue
            answer = facts.is_ancestor(prev.hash, project.hash)
            if answer is None:
                if facts.shallow:
                    yield Skip(facts.repo, _SHALLOW)
                elif facts.object_type(prev.hash) != 'commit':
                    yield Problem(project.line, f'the previous release {prev.version} of {project.repo} names '
                                  f'{prev.hash}, which is not in the repository')
            elif not answer:
                yield Problem(project.line, f'{project.hash} does not descend from {prev.version} ({prev.hash[:12]}) '
                              f'in {project.repo}', 'release a commit that contains the previous release')


@rule('RT704')
def check_branch_membership(ctx: DeliverableContext) -> Iterator[Problem | Skip]:
    """A release's commit is on the branch its series dictates.

    The default branch for the development series and independent
    deliverables; ``stable/<series>`` (or ``stable/<release-id>``) once it
    exists, ``unmaintained/...`` after that. Commits only on other branches,
    unmerged reviews or forks can never be released. When a closed series'
    branch was deleted, its closing tag (``<series>-eol`` or ``-eom``) stands
    in for it: the commit must be in that tag's history.
    """
    for release in ctx.new_releases:
        for project in release.projects:
            facts = facts_for(ctx, project.repo)
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
            gone = closed_branch_gone(ctx, facts)
            if gone:
                tags = closing_tags(ctx, facts)
                if not tags:
                    yield Skip(facts.repo, gone)
                    continue
                closed = [facts.is_ancestor(project.hash, sha) for sha in tags.values()]
                if any(closed):
                    continue
                if None in closed:
                    yield Skip(facts.repo, _SHALLOW)
                    continue
                yield Problem(project.line, f'{project.hash[:12]} is not in the history of {" or ".join(tags)} '
                              f'of {project.repo}, which closed the deleted branch of {ctx.deliverable.series}',
                              'release a commit of the series\' branch')
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
    for branch in ctx.new_branches:
        points = lineage.branch_points(ctx.deliverable, branch)
        if not branch.name or points is None:  # a version the file does not have: RT603 reports it
            continue
        need_default = not isinstance(branch.location, str)  # a tagless branch point
        for repo, sha in points.items():
            facts = facts_for(ctx, repo)
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


@rule('RT706')
def checkpackage_name(ctx: DeliverableContext) -> Iterator[Problem | Skip]:
    """The package built from the commit has the name the data promises.

    ``pypi-name`` (or ``tarball-base``, or the repository's last path
    component) matches ``[metadata] name`` in ``setup.cfg`` or ``[project]
    name`` in ``pyproject.toml`` at the released commit. Read with git, no
    code is run. Not checked for ``artifact-link-mode: none``: nothing is
    published under a package name then.
    """
    d = ctx.deliverable
    if d.release_type not in PYTHON_TYPES or d.raw.get('artifact-link-mode') == 'none':
        return
    settings = d.repository_settings or {}
    for release in ctx.new_releases:
        if ctx.is_special(release):
            continue
        for project in release.projects:
            facts = facts_for(ctx, project.repo)
            if facts is None or not project.repo or not project.hash or facts.object_type(project.hash) != 'commit':
                continue
            if (s := settings.get(project.repo)) is not None and not s.builds_artifacts:
                continue
            name = package_name(facts.files.get((project.hash, 'setup.cfg')),
                                 facts.files.get((project.hash, 'pyproject.toml')))
            if name is None:
                yield Skip(facts.repo, f'no package name in setup.cfg or pyproject.toml at {project.hash[:12]}')
                continue
            expected = declared_name(d, release, project.repo) or project.repo.rsplit('/', 1)[-1]
            if canonicalize_name(name) != canonicalize_name(expected):
                yield Problem(project.line, f'{project.repo} at {project.hash[:12]} builds package {name!r}, '
                              f'not {expected!r}', 'set pypi-name/tarball-base in repository-settings to match')


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
        if not is_patch(release):
            continue
        for project in release.projects:
            facts = facts_for(ctx, project.repo)
            if facts is None or not project.repo or not project.hash:
                continue
            prev = previous_release(ctx, release, project.repo)
            if prev is None or not prev.hash:
                continue
            if facts.object_type(prev.hash) != 'commit' or facts.object_type(project.hash) != 'commit':
                if facts.shallow:  # else RT701/RT703 report the missing commit
                    yield Skip(facts.repo, _SHALLOW)
                continue
            raised = raised_minimums(facts.files.get((prev.hash, 'requirements.txt')),
                                     facts.files.get((project.hash, 'requirements.txt')))
            if raised:
                yield Problem(project.line, f'{release.version} is a patch release but raises minimum requirements '
                              f'of {project.repo} since {prev.version}: {", ".join(raised)}',
                              'release a minor version instead',
                              Severity.WARNING if stable else Severity.ERROR)
