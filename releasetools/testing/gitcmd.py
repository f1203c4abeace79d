"""Git for the builders: one runner with a fixed identity and dates, and commits of whole file sets.

Identity and dates are fixed (:data:`GIT_ENV`) and the user's and the system's
configuration are ignored, so a builder makes the same commit ids on every run
and on every machine, and no test sleeps to get distinct timestamps.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from ..core.errors import GitError
from ..git import process

__all__ = ['GIT_ENV', 'commit_file', 'git', 'init_repo', 'make_package_repo']

#: Fixed identity and dates: the same commit ids on every run; no user or system config.
GIT_ENV = {
    'GIT_AUTHOR_NAME': 'Test Author',
    'GIT_AUTHOR_EMAIL': 'author@example.org',
    'GIT_AUTHOR_DATE': '2026-01-01T00:00:00+0000',
    'GIT_COMMITTER_NAME': 'Test Committer',
    'GIT_COMMITTER_EMAIL': 'committer@example.org',
    'GIT_COMMITTER_DATE': '2026-01-01T00:00:00+0000',
    'GIT_CONFIG_GLOBAL': os.devnull,
    'GIT_CONFIG_NOSYSTEM': '1',
}

#: Files to write: text, or None to delete the file.
Files = Mapping[str, str | None]


def git(cwd: Path, *args: str, input: str | None = None) -> str:
    """Run git in ``cwd`` with :data:`GIT_ENV`; return its stdout, stripped.

    A failure is a :class:`GitError` that carries the command and git's own words.
    """
    result = process.run(['git', *args], cwd, env={**os.environ, **GIT_ENV},
                         input=input.encode('utf-8') if input is not None else None)
    if not result.ok:
        raise GitError(f'git {" ".join(args)} failed in {cwd}: {result.stderr.decode("utf-8", "replace").strip()}')
    return result.stdout.decode('utf-8', 'replace').strip()


def init_repo(path: Path, branch: str = 'master') -> Path:
    """An empty repository at ``path`` (created if need be) on ``branch``; return ``path``."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, 'init', '-q', '-b', branch)
    return path


def commit_file(repo: Path, files: Files, message: str) -> str:
    """Write (or delete, for None) ``files`` in ``repo``, commit the whole tree; return the commit id.

    The commit is made even when nothing changed (``--allow-empty``), so every
    call adds one commit.
    """
    for name, content in files.items():
        path = repo / name
        if content is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content)
    git(repo, 'add', '-A')
    git(repo, 'commit', '-q', '--allow-empty', '-m', message)
    return git(repo, 'rev-parse', 'HEAD')


def make_package_repo(path: Path, *commits: Files, branch: str = 'master') -> list[str]:
    """A repository at ``path`` with one commit per ``files`` mapping; return the commit ids, oldest first."""
    init_repo(path, branch)
    return [commit_file(path, files, f'commit {i}') for i, files in enumerate(commits)]
