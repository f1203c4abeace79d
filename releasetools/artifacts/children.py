"""The release job's child processes: what each may see, and that none outlives the job.

**Environments.** ``python -m build`` runs the project's own ``setup.py``, its
build backend and every build dependency: code the release team does not
control. It, twine, git and gpg therefore each get an environment built from
an allow-list (:func:`environment`), never a copy of ours: the index password
reaches twine only (as ``TWINE_*``), ``GNUPGHOME`` reaches gpg (and git when
it signs) only.

**Lifetime.** Every build, upload and signature runs through the one runner
(``git/process.py``) with ``guard=True``: a small guard process leads a process
group of its own holding the command and everything the command starts, and
ends the whole group when:

- the job ends it (``process.end_all``, called when the job finishes, fails, or
  receives SIGTERM/SIGINT: see :func:`guarded`);
- the job dies, even by ``kill -9``, which runs no handler: on Linux the guard
  asks the kernel for a signal when its parent dies (``prctl(PR_SET_PDEATHSIG)``),
  and everywhere it also polls its parent id once a second.

A descendant that starts a session of its own escapes the group; build
backends and twine do not.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from ..git import process

__all__ = ['UMASK', 'Terminated', 'environment', 'guarded', 'run']

#: Every kind of child gets these, when they are set.
_COMMON = ('PATH', 'HOME', 'TMPDIR', 'TEMP', 'TMP', 'LANG', 'LANGUAGE', 'TZ', 'SOURCE_DATE_EPOCH',
           'SSL_CERT_FILE', 'SSL_CERT_DIR', 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE',
           'http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY',
           'XDG_CONFIG_HOME', 'XDG_CONFIG_DIRS', 'XDG_CACHE_HOME')
_COMMON_PREFIXES = ('LC_',)

#: What each kind adds: exact names, and name prefixes.
_KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # pip installs the build dependencies: its index settings (PIP_INDEX_URL, PIP_FIND_LINKS,
    # PIP_NO_INDEX, PIP_CONFIG_FILE...) let that work offline or against a mirror.
    'build': (('VIRTUAL_ENV', 'PYTHONDONTWRITEBYTECODE'), ('PIP_',)),
    'twine': ((), ('TWINE_',)),
    'git': (('SSH_AUTH_SOCK', 'GIT_SSH', 'GIT_SSH_COMMAND', 'GIT_SSL_CAINFO', 'GIT_SSL_CAPATH',
             'GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_AUTHOR_DATE', 'GIT_COMMITTER_NAME',
             'GIT_COMMITTER_EMAIL', 'GIT_COMMITTER_DATE', 'GIT_CONFIG_GLOBAL', 'GIT_CONFIG_SYSTEM',
             'GIT_CONFIG_NOSYSTEM'), ()),
    'gpg': (('GNUPGHOME', 'GPG_AGENT_INFO', 'GPG_TTY'), ()),
}

#: Kinds that may also see the variables of another kind (git signs tags through gpg).
_WITH = {'git+gpg': ('git', 'gpg')}


def environment(kind: str, extra: Mapping[str, str] | None = None,
                source: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment a ``kind`` of child gets: allowed names of ``source`` (os.environ) plus ``extra``.

    Kinds: ``build``, ``twine``, ``git``, ``gpg``, ``git+gpg``. Nothing else
    passes: not the job's own settings (RELEASETOOLS_*), not another tool's
    credentials, not PYTHONPATH or PBR_VERSION (which would change what is built).
    """
    env_in = os.environ if source is None else source
    names: set[str] = set(_COMMON)
    prefixes: list[str] = list(_COMMON_PREFIXES)
    for part in _WITH.get(kind, (kind,)):
        if part not in _KINDS:
            raise ValueError(f'unknown kind of child process {kind!r}')
        names.update(_KINDS[part][0])
        prefixes.extend(_KINDS[part][1])
    env = {k: v for k, v in env_in.items() if k in names or k.startswith(tuple(prefixes))}
    if kind == 'twine':  # credentials come from the job (extra), never from a stray TWINE_* of ours
        env = {k: v for k, v in env.items() if k not in ('TWINE_USERNAME', 'TWINE_PASSWORD')}
    env.update(extra or {})
    return env


# -- lifetime -------------------------------------------------------------------------------------

#: Files a child creates get modes that do not depend on the runner's umask (a wheel records them).
UMASK = 0o022


class Terminated(KeyboardInterrupt):
    """The job received SIGTERM: it stops like on Ctrl-C (the CLI reports it, no traceback)."""


@contextlib.contextmanager
def guarded() -> Iterator[None]:
    """While inside: SIGTERM and SIGINT end every child first, then stop the job; on leaving, too.

    The children are ended in the handler itself, before the exception
    unwinds: a thread pool waiting for a build would otherwise wait for it.
    Handlers can only be installed from the main thread; elsewhere only the
    end-on-exit part applies.
    """
    previous: dict[signal.Signals, object] = {}

    def handler(signum: int, frame: object) -> None:
        process.end_all()
        if signum == signal.SIGTERM:
            raise Terminated('terminated')
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            previous[sig] = signal.signal(sig, handler)
    try:
        yield
    finally:
        process.end_all()
        for sig, old in previous.items():
            signal.signal(sig, old)  # type: ignore[arg-type]


def run(cmd: Sequence[str], cwd: Path, env: Mapping[str, str], what: str, *,
        timeout: float = process.LONG_TIMEOUT, input: bytes | None = None) -> str:
    """Run ``cmd`` under a guard; return its stdout, raise ReleaseToolsError with its output's tail on failure.

    The child runs in a process group of its own, with :data:`UMASK`, in ``env`` only.
    """
    result = process.run(cmd, cwd, env=env, what=what, input=input, timeout=timeout, guard=True, umask=UMASK,
                         check=True)
    return result.stdout.decode('utf-8', 'replace')
