"""Gathering the git facts the git rules read: a few batched processes per repository.

The rules say which commits and files they need (``rules.gitplan.wanted``); this
module asks git for all of them at once per repository, repositories in
parallel threads (the work is in git processes), and hands the rules a
read-only :class:`RepoFacts`.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from ..core.errors import GitError
from . import repo as gitrepo
from .mirrors import RepoLocator

__all__ = ['RepoFacts', 'RepoRequest', 'gather', 'gather_all', 'per_repository']

T = TypeVar('T')


@dataclass
class RepoRequest:
    """What the rules want to know about one repository."""

    commits: set[str] = field(default_factory=set)
    files: set[tuple[str, str]] = field(default_factory=set)  # (commit, path)
    #: Tag names whose history the rules ask about (a closed series' ``-eol``/``-eom``
    #: tag stands in for its deleted branch); the ones the repository has are walked.
    tags: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class RepoFacts:
    """Read-only answers about one repository, for pure rules."""

    repo: str
    path: Path
    refs: gitrepo.Refs
    types: Mapping[str, str]
    shallow: frozenset[str]
    ancestry: gitrepo.Ancestry
    files: Mapping[tuple[str, str], bytes | None]

    def object_type(self, sha: str) -> str:
        return self.types.get(sha, 'missing')

    def is_ancestor(self, ancestor: str, descendant: str) -> bool | None:
        """None when unknown: a commit is missing, or history is cut by a shallow clone."""
        answer = self.ancestry.is_ancestor(ancestor, descendant)
        if answer is False and self.shallow:
            return None
        return answer

    def on_branch(self, sha: str, branch: str) -> bool | None:
        """Whether ``sha`` is reachable from ``branch`` (None: no such branch or unknown)."""
        tip = self.refs.branches.get(branch)
        if tip is None or not self.ancestry.known(sha):
            return None
        if sha in self.ancestry.reachable(tip):
            return True
        return None if self.shallow else False


def gather(locator: RepoLocator, repo: str, request: RepoRequest) -> RepoFacts | str:
    """Facts about ``repo``, or the reason they cannot be had (never raises for git)."""
    located = locator.locate(repo)
    if located.path is None:
        return located.reason or 'unavailable'
    path = located.path
    try:
        refs = gitrepo.list_refs(path)
        types = gitrepo.object_types(path, request.commits)
        shallow = gitrepo.shallow_boundary(path)
        commits = {sha for sha, kind in types.items() if kind == 'commit'}
        tagged = {refs.tags[t] for t in request.tags if t in refs.tags}
        ancestry = gitrepo.Ancestry(path, commits | tagged | set(refs.branches.values()))
        files = gitrepo.read_files_at(path, ((c, f) for c, f in request.files if c in commits))
    except GitError as exc:
        return f'cannot read {path}: {exc.message}'
    return RepoFacts(repo, path, refs, types, shallow, ancestry, files)


def gather_all(locator: RepoLocator, requests: Mapping[str, RepoRequest], workers: int = 4
               ) -> dict[str, RepoFacts | str]:
    """Facts for every repository, several repositories at a time."""
    return per_repository(locator, list(requests), lambda repo: gather(locator, repo, requests[repo]), workers)


def per_repository(locator: RepoLocator, repos: Sequence[str], one: Callable[[str], T], workers: int = 4
                   ) -> dict[str, T]:
    """``one(repo)`` for every repository, ``workers`` at a time, in the order of ``repos``.

    The locator's network guard is told how many repositories come (its
    progress counts them). On an interruption no other repository starts;
    the running ones end with their git process.
    """
    if not repos:
        return {}
    locator.guard.expect(len(repos))
    if len(repos) == 1 or workers <= 1:
        return {repo: one(repo) for repo in repos}
    pool = concurrent.futures.ThreadPoolExecutor(min(workers, len(repos)))
    try:
        futures = {repo: pool.submit(one, repo) for repo in repos}
        return {repo: f.result() for repo, f in futures.items()}
    except BaseException:
        locator.guard.stop()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
