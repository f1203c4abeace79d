"""The release job's child processes: what each may see, and that none outlives the job.

**Environments.** ``python -m build`` runs the project's own ``setup.py``, its
build backend and every build dependency: code the release team does not
control. It, twine, git and gpg therefore each get an environment built from
an allow-list (:func:`environment`), never a copy of ours: the index password
reaches twine only (as ``TWINE_*``), ``GNUPGHOME`` reaches gpg (and git when
it signs) only.

**Lifetime.** Every build, upload and signature runs under a small guard
process (``release/_guard.py PARENT -- CMD...``) that
leads a process group of its own (``start_new_session``) holding the command
and everything the command starts. The guard ends the whole group when:

- the job ends it (:func:`end_all`, called when the job finishes, fails, or
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
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from ..core.errors import ReleaseToolsError

__all__ = ['Terminated', 'end_all', 'environment', 'guarded', 'live_children', 'run']

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


# -- tracking -------------------------------------------------------------------------------------

#: Files a child creates get modes that do not depend on the runner's umask (a wheel records them).
UMASK = 0o022

#: The guard: a standalone script (standard library only, run with ``-I``), so it starts
#: whatever the child's environment is.
_GUARD = Path(__file__).with_name('_guard.py')

_LIVE: set[subprocess.Popen[bytes]] = set()
_LOCK = threading.Lock()


def live_children() -> list[int]:
    """Process ids of the guards still running (each leads its command's process group)."""
    with _LOCK:
        return [p.pid for p in _LIVE if p.poll() is None]


def end_all() -> None:
    """Kill every running child's whole process group; safe in a signal handler."""
    for pid in live_children():
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)


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
        end_all()
        if signum == signal.SIGTERM:
            raise Terminated('terminated')
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            previous[sig] = signal.signal(sig, handler)
    try:
        yield
    finally:
        end_all()
        for sig, old in previous.items():
            signal.signal(sig, old)  # type: ignore[arg-type]


def run(cmd: Sequence[str], cwd: Path, env: Mapping[str, str], what: str, *, timeout: float = 1800,
        input: bytes | None = None) -> str:
    """Run ``cmd`` under a guard; return its stdout, raise ReleaseToolsError with its output's tail on failure.

    The child runs in a process group of its own, with :data:`UMASK`, in ``env`` only.
    """
    guard = [sys.executable, '-I', str(_GUARD), str(os.getpid()), '--', *cmd]
    try:
        proc = subprocess.Popen(guard, cwd=cwd, env=dict(env), stdin=subprocess.PIPE if input else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                                umask=UMASK)
    except OSError as exc:
        raise ReleaseToolsError(f'{what}: cannot start {cmd[0]}: {exc.strerror}') from None
    with _LOCK:
        _LIVE.add(proc)
    try:
        try:
            out, err = proc.communicate(input, timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise ReleaseToolsError(f'{what} timed out after {timeout:.0f} s') from None
    finally:
        with _LOCK:
            _LIVE.discard(proc)
    text_out = out.decode('utf-8', 'replace')
    if proc.returncode != 0:
        text = (text_out + err.decode('utf-8', 'replace')).strip()
        tail = '\n'.join(text.splitlines()[-15:])
        if proc.returncode < 0:
            tail = (tail + '\n' if tail else '') + f'(ended by signal {-proc.returncode})'
        raise ReleaseToolsError(f'{what} failed:\n{tail}')
    return text_out
