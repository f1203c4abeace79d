"""Where a deliverable's git repositories are, and keeping local mirrors of remote ones.

``--repos TEMPLATE`` names them: ``{repo}`` is replaced by the repository name
from the data (``openstack/nova``). A local path (bare or not) is used in
place. A URL is mirrored once, as a bare repository under the cache
directory, refreshed with a fetch on later runs. A lock file per mirror keeps
two runs at once from corrupting it, and a first clone is made in a temporary
directory and renamed into place, so an interrupted clone leaves nothing half
written.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import GitError, UsageError
from .gitrepo import run_git

__all__ = ['DEFAULT_TEMPLATE', 'Located', 'RepoLocator', 'default_cache_dir', 'is_remote']

DEFAULT_TEMPLATE = 'https://opendev.org/{repo}'

_URL_RE = re.compile(r'^[a-z][a-z0-9+.-]*://', re.IGNORECASE)
_SCP_RE = re.compile(r'^[\w.-]+@[\w.-]+:')

#: Give up on a server that sends nothing for this long instead of hanging CI.
_NETWORK_ENV = {'GIT_HTTP_LOW_SPEED_LIMIT': '1000', 'GIT_HTTP_LOW_SPEED_TIME': '60',
                'GIT_SSH_COMMAND': 'ssh -o BatchMode=yes -o ConnectTimeout=30'}


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/releasetools`` (``~/.cache/releasetools`` by default)."""
    base = os.environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache')
    return Path(base) / 'releasetools'


def is_remote(location: str) -> bool:
    """Whether a location needs the network (file:// URLs do not)."""
    if location.lower().startswith('file://'):
        return False
    return bool(_URL_RE.match(location) or _SCP_RE.match(location))


@dataclass(frozen=True)
class Located:
    """A repository ready to read, or the reason it is not."""

    repo: str
    path: Path | None
    reason: str | None = None


@dataclass
class RepoLocator:
    """Finds (and for URLs, mirrors) the repository of each repo name."""

    template: str = DEFAULT_TEMPLATE
    cache_dir: Path = field(default_factory=default_cache_dir)
    offline: bool = False

    def __post_init__(self) -> None:
        if '{repo}' not in self.template:
            raise UsageError(f'--repos {self.template!r} does not contain {{repo}}',
                             'e.g. --repos /srv/git/{repo} or --repos https://git.example.org/{repo}')

    def location(self, repo: str) -> str:
        return self.template.replace('{repo}', repo)

    def locate(self, repo: str) -> Located:
        """Return a readable repository for ``repo``; never raises for a missing one."""
        where = self.location(repo)
        if where.lower().startswith('file://') or is_remote(where):
            return self._mirror(repo, where)
        path = Path(where)
        if not path.exists():
            return Located(repo, None, f'no repository at {path}')
        # A prefix means a plain directory inside some other repository: never read that one instead.
        proc = run_git(['rev-parse', '--show-prefix'], path, check=False)
        if proc.returncode != 0:
            return Located(repo, None, f'{path} is not a git repository')
        if proc.stdout.strip():
            return Located(repo, None, f'{path} is not a git repository (only a directory inside one)')
        return Located(repo, path)

    def known_unreadable(self, repo: str) -> str | None:
        """Why ``repo`` cannot be read, when that is plain without git or the network; else None.

        Offline, a remote repository without a mirror is unreadable, and so
        is a local path that does not exist: the runner then plans no git
        work for it at all (the reason is the one :meth:`locate` gives).
        """
        where = self.location(repo)
        if where.lower().startswith('file://'):
            return None
        if is_remote(where):
            gone = self.offline and not self._mirror_path(where).is_dir()
        else:
            gone = not Path(where).exists()
        return self.locate(repo).reason if gone else None

    def _mirror_path(self, where: str) -> Path:
        digest = hashlib.sha256(where.encode()).hexdigest()[:12]
        tail = re.sub(r'[^\w.-]+', '_', where.split('://', 1)[-1])[-80:]
        return self.cache_dir / f'{tail}-{digest}.git'

    def _mirror(self, repo: str, where: str) -> Located:
        mirror = self._mirror_path(where)
        if self.offline and is_remote(where):
            if mirror.is_dir():
                return Located(repo, mirror)  # a local copy: usable without the network
            return Located(repo, None, f'offline, and {where} has no local mirror in {self.cache_dir}')
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f'cannot create the cache directory {self.cache_dir}: {exc.strerror}',
                             'pass --cache-dir DIR') from None
        with open(self.cache_dir / f'{mirror.name}.lock', 'w') as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                if mirror.is_dir():
                    run_git(['fetch', '--quiet', '--prune', '--tags', 'origin'], mirror, env=_NETWORK_ENV)
                else:
                    self._clone(where, mirror)
            except GitError as exc:
                return Located(repo, None, f'cannot fetch {where}: {exc.message}')
        return Located(repo, mirror)

    def _clone(self, where: str, mirror: Path) -> None:
        tmp = Path(tempfile.mkdtemp(prefix='.clone-', dir=self.cache_dir))
        try:
            run_git(['clone', '--quiet', '--mirror', '--', where, str(tmp / 'repo.git')], self.cache_dir,
                    env=_NETWORK_ENV)
            os.rename(tmp / 'repo.git', mirror)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
