"""Where a deliverable's git repositories are, and keeping local mirrors of remote ones.

``--repos TEMPLATE`` names them: ``{repo}`` is replaced by the repository name
from the data (``openstack/nova``). A local path (bare or not) is used in
place. A URL is mirrored once, as a bare repository under the cache
directory, refreshed with a fetch on later runs. A lock file per mirror keeps
two runs at once from corrupting it, and a first clone is made in a temporary
directory and renamed into place, so an interrupted clone leaves nothing half
written; the lock file is removed when the mirror is done with, even on failure
or interruption.

The network is tried with care: a host that has not answered yet is tried one
repository at a time, and after ``GIVE_UP_AFTER`` network failures in a row
the remaining repositories of that host are not tried at all (their checks
are skipped, or errors in CI mode, with that reason), instead of spending
minutes on hundreds of clones that cannot work.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import multiprocessing
import os
import re
import shutil
import tempfile
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import GitError, UsageError
from ..core.redact import redact, remote_auth
from ..core.reponames import check_repo_name, repo_name_problem
from .repo import run_git

__all__ = ['DEFAULT_TEMPLATE', 'GIVE_UP_AFTER', 'Located', 'NetworkGuard', 'RepoLocator', 'check_template',
           'default_cache_dir', 'is_network_failure', 'is_remote']

DEFAULT_TEMPLATE = 'https://opendev.org/{repo}'

_URL_RE = re.compile(r'^[a-z][a-z0-9+.-]*://', re.IGNORECASE)
_SCP_RE = re.compile(r'^[\w.-]+@[\w.-]+:')

#: Give up on a server that sends nothing for this long instead of hanging CI.
#: Never ask for a password on the terminal either: a private or missing repository must fail, not wait.
_NETWORK_ENV = {'GIT_HTTP_LOW_SPEED_LIMIT': '1000', 'GIT_HTTP_LOW_SPEED_TIME': '60',
                'GIT_SSH_COMMAND': 'ssh -o BatchMode=yes -o ConnectTimeout=30', 'GIT_TERMINAL_PROMPT': '0'}

#: Network failures in a row, on one host, after which its other repositories are not tried.
GIVE_UP_AFTER = 3

#: What git (curl, ssh) says when the server could not be reached or did not speak. Each
#: pattern has a space or "_" that no repository name (so no URL in the message) can have.
#: An answer (no such repository, authentication refused) is not a network failure.
_NETWORK_FAILURE_RE = re.compile(
    r'could not resolve|failed to connect|connection (refused|timed out|reset|closed)|timed out|'
    r'empty reply from server|network is unreachable|no route to host|operation too slow|'
    r'recv failure|send failure|ssl certificate problem|ssl_connect|ssl_error|gnutls_handshake|'
    r'tls connection|proxy connect|the remote end hung up unexpectedly',
    re.IGNORECASE)


def is_network_failure(message: str) -> bool:
    """Whether a failed clone or fetch says the server could not be reached (not "no such repository")."""
    return bool(_NETWORK_FAILURE_RE.search(message))


def check_template(option: str, template: str) -> None:
    """UsageError unless ``template`` holds ``{repo}`` and, as a URL, is one urllib can read."""
    shown = redact(template)
    if '{repo}' not in template:
        raise UsageError(f'{option} {shown!r} does not contain {{repo}}',
                         f'e.g. {option} /srv/git/{{repo}} or {option} https://git.example.org/{{repo}}')
    if '://' in template:
        try:
            urllib.parse.urlsplit(template.replace('{repo}', 'namespace/name')).port  # noqa: B018
        except ValueError as exc:
            raise UsageError(f'{option} {shown!r} is not a valid URL: {exc}') from None


def _host_of(location: str) -> str:
    """The host (and port) of a URL or scp-like location, without any user or password."""
    if '://' in location:
        return urllib.parse.urlsplit(location).netloc.rsplit('@', 1)[-1]
    return location.split(':', 1)[0].rsplit('@', 1)[-1]


class NetworkGuard:
    """Failures in a row and progress of the mirrors of one locator, shared by threads and forked workers.

    The state lives in shared memory made before any worker is forked, so
    every worker process of one validate run counts the same failures and
    the same progress. One host is tried by one repository at a time until
    it answers (and again after a failure), so a dead host costs exactly
    ``limit`` attempts, however many threads ask.
    """

    _FAILURES, _ANSWERED, _DONE, _TOTAL, _STOPPED = range(5)

    def __init__(self, limit: int = GIVE_UP_AFTER, progress: Callable[[str], None] | None = None) -> None:
        ctx = multiprocessing.get_context('fork')
        self.limit = limit
        self.progress = progress
        self._state: Any = ctx.Array('q', 5)
        self._probe: Any = ctx.Lock()

    def gave_up(self) -> bool:
        """Whether no more attempts are to be made: too many failures, or the run is being interrupted."""
        with self._state.get_lock():
            return bool(self._state[self._FAILURES] >= self.limit or self._state[self._STOPPED])

    def stop(self) -> None:
        """The run is interrupted: attempts waiting their turn are not made."""
        with self._state.get_lock():
            self._state[self._STOPPED] = 1

    @contextlib.contextmanager
    def attempt(self) -> Iterator[None]:
        """Around one network attempt: alone while the host has not answered since its last failure."""
        with self._state.get_lock():
            suspect = self._state[self._FAILURES] > 0 or not self._state[self._ANSWERED]
        if not suspect:
            yield
            return
        with self._probe:
            yield

    def record(self, ok: bool, network: bool) -> None:
        """The outcome of one attempt: a failure of the network adds to the run, any answer ends it."""
        with self._state.get_lock():
            if ok or not network:  # the server answered (with a repository, or "no such repository")
                self._state[self._FAILURES] = 0
                self._state[self._ANSWERED] = 1
            else:
                self._state[self._FAILURES] += 1

    def expect(self, count: int) -> None:
        """``count`` more repositories will be located (for the progress total)."""
        with self._state.get_lock():
            self._state[self._TOTAL] += count

    def starting(self, repo: str, what: str) -> None:
        """Network work on ``repo`` begins (a clone can take minutes): say so before, with its number."""
        if self.progress is None:
            return
        with self._state.get_lock():
            done, total = self._state[self._DONE], self._state[self._TOTAL]
        self.progress(f'repositories {done + 1}/{max(done + 1, total)}: {repo}: {what}')

    def done(self, repo: str, what: str) -> None:
        with self._state.get_lock():
            self._state[self._DONE] += 1
            done, total = self._state[self._DONE], self._state[self._TOTAL]
        if self.progress is not None:
            self.progress(f'repositories {done}/{max(done, total)}: {repo}: {what}')


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
    #: Called with one line per repository located ("repositories 12/700: ..."), from any thread.
    progress: Callable[[str], None] | None = None
    guard: NetworkGuard = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_template('--repos', self.template)
        self.guard = NetworkGuard(progress=self.progress)

    def location(self, repo: str) -> str:
        """Where ``repo`` is; UsageError for a name that could lead outside the template."""
        return self.template.replace('{repo}', check_repo_name(repo))

    def locate(self, repo: str) -> Located:
        """Return a readable repository for ``repo``; never raises for a missing one."""
        located = self._locate(repo)
        self.guard.done(repo, 'ok' if located.path is not None else located.reason or 'unavailable')
        return located

    def _locate(self, repo: str) -> Located:
        problem = repo_name_problem(repo)
        if problem is not None:
            return Located(repo, None, f'the repository name {repo!r} {problem}; it is not resolved')
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
        So is a name that could lead outside the template: it is never resolved.
        """
        if repo_name_problem(repo) is not None:
            return self.locate(repo).reason  # refused before anything is resolved
        where = self.location(repo)
        if where.lower().startswith('file://'):
            return None
        if is_remote(where):
            gone = self.offline and not self._mirror_path(where).is_dir()
        else:
            gone = not Path(where).exists()
        return self.locate(repo).reason if gone else None

    def _mirror_path(self, where: str) -> Path:
        where = remote_auth(where)[0]  # a password is no part of a file name
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
        remote = is_remote(where)
        gave_up = f'gave up after {self.guard.limit} failures to reach {_host_of(where)}; not tried'
        if remote and self.guard.gave_up():
            return Located(repo, None, gave_up)
        with _locked(self.cache_dir / f'{mirror.name}.lock'), self.guard.attempt() if remote \
                else contextlib.nullcontext():
            if remote and self.guard.gave_up():  # decided while this one waited its turn
                return Located(repo, None, gave_up)
            url, auth = remote_auth(where)  # the mirror's config keeps no password
            self.guard.starting(repo, f'{"fetching" if mirror.is_dir() else "cloning"} {url}')
            try:
                if mirror.is_dir():
                    run_git(['remote', 'set-url', 'origin', url], mirror)
                    run_git(['fetch', '--quiet', '--prune', '--tags', 'origin'], mirror, env={**_NETWORK_ENV, **auth})
                else:
                    self._clone(url, mirror, auth)
            except GitError as exc:
                self.guard.record(False, remote and is_network_failure(exc.message))
                return Located(repo, None, f'cannot fetch {url}: {exc.message}')
            self.guard.record(True, remote)
        return Located(repo, mirror)

    def _clone(self, where: str, mirror: Path, auth: dict[str, str]) -> None:
        tmp = Path(tempfile.mkdtemp(prefix='.clone-', dir=self.cache_dir))
        try:
            run_git(['clone', '--quiet', '--mirror', '--', where, str(tmp / 'repo.git')], self.cache_dir,
                    env={**_NETWORK_ENV, **auth})
            os.rename(tmp / 'repo.git', mirror)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold the lock file ``path`` (exclusive), and remove it when done, whatever happens.

    Removing a lock file others may be waiting on is safe only if a waiter
    checks, once it holds the lock, that the name still leads to the file it
    locked; if not (the holder removed it), it locks the new file instead.
    """
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                same = os.stat(path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                try:
                    yield
                finally:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(path)  # before the lock is released: a waiter then sees it gone
                return
        finally:
            os.close(fd)
