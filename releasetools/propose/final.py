"""``releasetools propose-final SERIES``: the finals of a series, in one request.

On final-release day the release team proposes, in one change, the final of
every deliverable whose last release of the series is a candidate: ``X.Y.Z``
re-tagging the last candidate's commits, with ``diff-start`` set to the latest
tag at the base of the previous series' stable branch, so that the notes and
shortlogs span the whole cycle (FORMAT.md, "Release models"). ``diff-start``
is read from the repository (``git merge-base``, then the tags there, else
``git describe``); when the repository cannot say, it is left out, and the
report says why. Cycle-trailing deliverables make their finals later, on their
own schedule, and are skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..core import lineage
from ..core.model import RC_MODELS, Release
from ..core.policy import model_takes
from ..core.versions import parse_semver
from ..data.yamledit import append_to_list, list_layout, render_release
from ..data.yamlio import parse_yaml
from ..rules import DeliverableContext
from .cycle import Planned, RepoAccess, Repos, Result, Skipped, propose_series

__all__ = ['ProposeFinalOptions', 'diff_start', 'propose_final']

#: Version tags only: closing tags (``2025.2-eol``, ``nova-2023.2-last``) all have a "-".
_DESCRIBE = ['describe', '--tags', '--abbrev=0', '--match', '[0-9]*', '--exclude', '*-*']


@dataclass(frozen=True)
class ProposeFinalOptions:
    """What ``releasetools propose-final`` was asked to do (see ``--help``)."""

    series: str
    root: Path = Path('.')
    repos: str | None = None
    offline: bool = False
    cache_dir: Path | None = None
    dry_run: bool = False
    #: Called with a line per repository located or fetched (``--progress``); None: quiet.
    progress: Callable[[str], None] | None = field(default=None, compare=False)


def _highest_version_at(refs_tags: dict[str, str], commit: str) -> str | None:
    """The highest version tag on ``commit`` (a final above its candidates), or None."""
    versions = [v for name, sha in refs_tags.items() if sha == commit and (v := parse_semver(name)) is not None]
    return max(versions).text if versions else None


def diff_start(ctx: DeliverableContext, release: Release, repos: Repos) -> tuple[str | None, str]:
    """The ``diff-start`` of the final re-tagging ``release``, and where it came from (or why there is none).

    For each repository of the release: the base of the previous series'
    stable branch (``merge-base`` with the candidate's commit), and the
    highest version tag on it, else the nearest version tag before it. Every
    repository must agree; otherwise there is none (never a guess).
    """
    d = ctx.deliverable
    if not ctx.older_files:
        return None, f'no diff-start: {d.name} has no file in an earlier series'
    previous = ctx.older_files[0]
    names = lineage.series_branches(previous, ctx.series)
    found: dict[str, str] = {}
    where = ''
    for project in release.projects:
        repo, sha = project.repo, project.hash
        if not repo or not sha:
            return None, f'no diff-start: {release.version} names a project without repo or hash'
        refs = repos.refs(repo)
        if isinstance(refs, str):
            return None, f'no diff-start: {refs}'
        branch = next((n for n in names if n in refs.branches), None)
        if branch is None:
            return None, f'no diff-start: {repo} has no branch {" or ".join(names)} (the {previous.series} branch)'
        base = repos.git(repo, ['merge-base', refs.branches[branch], sha])
        if base is None:
            if repos.git(repo, ['cat-file', '-e', f'{sha}^{{commit}}']) is None:
                return None, f'no diff-start: {repo} has no commit {sha}'
            return None, f'no diff-start: {branch} and {sha[:12]} have no common commit in {repo}'
        tag = _highest_version_at(refs.tags, base)
        if tag is None:
            nearest = repos.git(repo, [*_DESCRIBE, base])
            tag = _highest_version_at(refs.tags, refs.tags[nearest]) if nearest in refs.tags else None
        if tag is None:
            return None, f'no diff-start: no version tag at or before the base of {branch} in {repo}'
        found[repo] = tag
        where = f'the base of {branch}'
    if len(set(found.values())) > 1:
        listed = ', '.join(f'{repo} {tag}' for repo, tag in found.items())
        return None, f'no diff-start: the repositories disagree ({listed})'
    tag = next(iter(found.values()))
    return tag, f'diff-start {tag}: the latest tag at {where}'


def _candidate(ctx: DeliverableContext) -> Release | Skipped:
    """The pre-release the final re-tags, or why there is no final to propose."""
    d = ctx.deliverable
    if d.release_model == 'cycle-trailing':
        return Skipped('cycle-trailing: its final trails the series, on its own schedule')
    if not model_takes(d.release_model, None):
        return Skipped(f'{d.release_model}: takes no new release')
    regular = [r for r in d.releases if r.semver is not None]
    if not regular:
        return Skipped(f'no release in {d.series} yet')
    last = regular[-1]
    v = last.semver
    assert v is not None
    if not v.is_prerelease:
        return Skipped(f'its last release {v.text} is not a release candidate or beta')
    if v.pre_kind == 'a' or (v.pre_kind == 'b' and d.model in RC_MODELS):
        return Skipped(f'its last release {v.text} is not a release candidate: a {d.model} final re-tags one '
                       f'(propose-milestone {d.series} rc first)')
    return last


def plan_final(ctx: DeliverableContext, text: str, repos: Repos) -> Planned | Skipped:
    """The final of one file, appended to ``text``."""
    last = _candidate(ctx)
    if isinstance(last, Skipped):
        return last
    v = last.semver
    assert v is not None
    version = '.'.join(map(str, v.release))
    projects = []
    for p in last.projects:
        entry = {'repo': p.repo or '', 'hash': p.hash or ''}
        if p.tarball_base:
            entry['tarball-base'] = p.tarball_base
        projects.append(entry)
    start, why = diff_start(ctx, last, repos)
    dash, inner = list_layout(text, parse_yaml(text), 'releases') or (2, 6)
    lines = render_release(version, projects, dash=dash, inner=inner)
    expected: dict[str, object] = {'version': version, 'projects': projects}
    if start is not None:
        lines.append(f'{" " * (dash + 2)}diff-start: {start}')
        expected['diff-start'] = start
    new = append_to_list(text, 'releases', lines, expected)
    return Planned(new, f'{version} (re-tags {last.version})', (why,))


def propose_final(opts: ProposeFinalOptions) -> Result:
    """Append the final of every deliverable of the series that is at a candidate; one request, all or nothing."""
    repos = Repos(RepoAccess(opts.repos, opts.offline, opts.cache_dir, opts.progress))
    return propose_series(f'propose-final {opts.series}', opts.root, opts.series,
                          lambda ctx, text: plan_final(ctx, text, repos), dry_run=opts.dry_run)
