"""The one subprocess runner: every git, build, twine and gpg process starts here.

What every child gets, whoever asks for it:

- **a time limit**: :data:`READ_TIMEOUT` unless the caller says otherwise
  (builds, uploads and git's network commands take :data:`LONG_TIMEOUT`); at
  the limit the child and what it started are killed (ssh or a remote helper
  under ``git fetch``) and :class:`TimedOut` raised;
- by default the child stays in our process group: Ctrl-C at the terminal
  reaches it as it reaches us (``git/facts.py`` relies on that to end the
  clones of its worker threads); its descendants, which may hold its output
  pipes, are found and killed with it on a timeout (Linux: through ``/proc``);
- with ``guard=True`` (the release job's builds, uploads and signatures), a
  session of its own, led by a guard process (``_guard.py``) that ends the
  whole group when we end it (:func:`end_all`) and when this process dies,
  even by ``kill -9``;
- stdin closed unless ``input`` is given, output captured, never a shell;
- **redacted reports**: every message this module raises has the user-info
  of any URL masked, and the ``secrets`` it was given (core/redact.py).
  The captured bytes in :class:`Result` are the child's own: callers parse them.

It lives in ``git/`` because git is its main user; it knows nothing of git
(:func:`..git.repo.run_git` adds git's environment and messages) nor of the
release job (``artifacts/children.py`` decides which environment each kind of
child may see).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import ReleaseToolsError
from ..core.redact import redact

__all__ = ['LONG_TIMEOUT', 'READ_TIMEOUT', 'CannotStart', 'Failed', 'ProcessError', 'Result', 'TimedOut',
           'end_all', 'live_children', 'run']

#: Seconds a local command (a git read, a gpg listing) may take: generous for the largest repositories,
#: short enough that a hung child is reported rather than waited for.
READ_TIMEOUT = 300.0
#: Seconds for a build, an upload, a signature or a git transfer (clone, fetch, push).
LONG_TIMEOUT = 1800.0

#: How many lines of a failed child's output its error shows.
TAIL_LINES = 15

#: The guard: a standalone script (standard library only, run with ``-I``), so it starts
#: whatever the child's environment is.
_GUARD = Path(__file__).with_name('_guard.py')

#: Running children, and whether each leads a process group of its own (the guarded ones).
_LIVE: dict[subprocess.Popen[bytes], bool] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Result:
    """A child that ran to its end: its command, exit status and captured output."""

    args: tuple[str, ...]
    returncode: int
    stdout: bytes
    stderr: bytes

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def tail(self, lines: int = TAIL_LINES) -> str:
        """The last ``lines`` of stdout then stderr, decoded, with the signal that ended the child if one did."""
        text = (self.stdout.decode('utf-8', 'replace') + self.stderr.decode('utf-8', 'replace')).strip()
        out = '\n'.join(text.splitlines()[-lines:])
        if self.returncode < 0:
            out = (out + '\n' if out else '') + f'(ended by signal {-self.returncode})'
        return out


class ProcessError(ReleaseToolsError):
    """A child could not run to a good end; the message is redacted."""

    def __init__(self, message: str, hint: str | None = None, *, what: str) -> None:
        super().__init__(message, hint)
        self.what = what


class CannotStart(ProcessError):
    """The command could not be started (not installed, no such directory, ...)."""

    def __init__(self, message: str, *, what: str, cause: OSError) -> None:
        super().__init__(message, what=what)
        self.cause = cause


class TimedOut(ProcessError):
    """The child was still running at its time limit; its process group was killed."""

    def __init__(self, message: str, *, what: str, timeout: float) -> None:
        super().__init__(message, what=what)
        self.timeout = timeout


class Failed(ProcessError):
    """The child exited with a non-zero status (``check=True``); the message ends with its output's tail."""

    def __init__(self, message: str, *, what: str, result: Result) -> None:
        super().__init__(message, what=what)
        self.result = result


def live_children() -> list[int]:
    """Process ids of the children still running."""
    with _LOCK:
        return [p.pid for p in _LIVE if p.poll() is None]


def end_all() -> None:
    """Kill every running child and what it started; safe in a signal handler."""
    with _LOCK:
        running = [(p.pid, group) for p, group in _LIVE.items() if p.poll() is None]
    for pid, group in running:
        _kill(pid, group=group)


def _kill(pid: int, *, group: bool) -> None:
    """SIGKILL the process group ``pid`` leads, or ``pid`` and its descendants (found first: once the
    child is dead its children are re-parented and cannot be told from anyone else's)."""
    if group:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
        return
    for each in (pid, *_descendants(pid)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(each, signal.SIGKILL)


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid``, from ``/proc``; none where there is no ``/proc``."""
    children: dict[int, list[int]] = {}
    try:
        entries = [e for e in os.listdir('/proc') if e.isdigit()]
    except OSError:
        return []
    for entry in entries:
        try:
            # The command name may hold spaces and parentheses: the fields start after the last ')'.
            fields = Path(f'/proc/{entry}/stat').read_text().rsplit(')', 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        children.setdefault(int(fields[1]), []).append(int(entry))
    found: list[int] = []
    todo = [pid]
    while todo:
        below = children.get(todo.pop(), [])
        found += below
        todo += below
    return found


def _end(proc: subprocess.Popen[bytes], *, group: bool) -> None:
    """Kill the child (and its descendants), then reap it without waiting on a pipe something kept open."""
    _kill(proc.pid, group=group)
    try:
        proc.communicate(timeout=5)
    except subprocess.TimeoutExpired:  # a descendant that escaped holds the pipes: let it have them
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
        proc.wait()


def run(cmd: Sequence[str], cwd: str | os.PathLike[str] | None, *, env: Mapping[str, str], what: str | None = None,
        input: bytes | None = None, timeout: float = READ_TIMEOUT, guard: bool = False, umask: int = -1,
        check: bool = False, secrets: Iterable[str | None] = ()) -> Result:
    """Run ``cmd`` in ``cwd`` (None: ours) with exactly ``env``; the :class:`Result`, or a :class:`ProcessError`.

    ``what`` names the child in messages (default: the command's name). With
    ``check``, a non-zero exit raises :class:`Failed`; without, the caller reads
    ``returncode``. ``umask`` (when not -1) is the child's file-creation mask.
    """
    args = tuple(cmd)
    name = what or args[0]
    secrets = tuple(secrets)
    full = (sys.executable, '-I', str(_GUARD), str(os.getpid()), '--', *args) if guard else args
    try:
        proc = subprocess.Popen(full, cwd=cwd, env=dict(env),
                                stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=guard,
                                umask=umask)
    except OSError as exc:
        raise CannotStart(redact(f'{name}: cannot start {args[0]}: {exc.strerror}', secrets),
                          what=name, cause=exc) from None
    with _LOCK:
        _LIVE[proc] = guard
    try:
        out, err = proc.communicate(input, timeout=timeout)
    except subprocess.TimeoutExpired:
        _end(proc, group=guard)
        raise TimedOut(redact(f'{name} timed out after {timeout:.0f} s', secrets), what=name,
                       timeout=timeout) from None
    except BaseException:  # Ctrl-C, SIGTERM (the job's Terminated): nothing the child started is left behind
        _end(proc, group=guard)
        raise
    finally:
        with _LOCK:
            _LIVE.pop(proc, None)
    result = Result(args, proc.returncode, out, err)
    if check and not result.ok:
        raise Failed(redact(f'{name} failed:\n{result.tail()}', secrets), what=name, result=result)
    return result
