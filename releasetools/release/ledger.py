"""The release ledger: a journal of completed steps, and the lock that serialises runs.

Each completed step is one JSON line, written and fsynced before the next
step starts, so a run killed at any point leaves a ledger that tells the
truth: a re-run skips what it records and resumes at the first step not done.

A record that cannot be written whole (a full disk, a short write, a failed
fsync) is cut back off the file and raises ``LedgerError``: the step counts
as not done, and the job stops rather than go on without a memory.

Where the ledger lives: ``--ledger FILE``, else ``$RELEASETOOLS_LEDGER``,
else ``$XDG_STATE_HOME/releasetools/ledgers/<id>.jsonl`` (``XDG_STATE_HOME``
defaults to ``~/.local/state``), ``<id>`` a hash of the request's identity
(each release's deliverable, series, version and repository commits). It is
outside the work directory on purpose: a re-run with a fresh ``--workdir``
finds the memory of the run before it and does nothing twice.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import ReleaseToolsError

if TYPE_CHECKING:
    from ..artifacts.plan import Item
    from .options import ReleaseOptions

__all__ = ['LEDGER_ENV', 'Ledger', 'LedgerError', 'default_ledger', 'ledger_path', 'lock', 'request_identity',
           'run_locks']

#: The environment variable naming the ledger file (below ``--ledger``, above the default).
LEDGER_ENV = 'RELEASETOOLS_LEDGER'

_HINT = 'inspect it by hand; never delete it blindly (it is what stops a re-run from acting twice)'


class LedgerError(ReleaseToolsError):
    """The ledger cannot be read or written: the job must not go on."""


def request_identity(releases: Iterable[tuple[str, str, str, Iterable[tuple[str, str]]]]) -> str:
    """A stable hash of (deliverable, series, version, [(repo, commit)]) for every release of a request."""
    canonical = sorted([d, s, v, sorted([r, h] for r, h in targets)] for d, s, v, targets in releases)
    return hashlib.sha256(json.dumps(canonical, separators=(',', ':')).encode()).hexdigest()


def default_ledger(identity: str, environ: dict[str, str] | None = None) -> Path:
    """Where the ledger of the request with ``identity`` lives unless --ledger says otherwise."""
    env = os.environ if environ is None else environ
    if env.get(LEDGER_ENV):
        return Path(env[LEDGER_ENV])
    state = Path(env['XDG_STATE_HOME']) if env.get('XDG_STATE_HOME') else Path.home() / '.local' / 'state'
    return state / 'releasetools' / 'ledgers' / f'{identity[:32]}.jsonl'


def ledger_path(opts: ReleaseOptions, items: list[Item]) -> Path:
    """--ledger, else RELEASETOOLS_LEDGER, else a file named by the request outside the work directory.

    A work directory that still holds the ledger of an earlier version (WORKDIR/ledger.jsonl) keeps
    using it while the new default does not exist: an upgrade must not forget what was done.
    """
    if opts.ledger:
        return opts.ledger
    path = default_ledger(request_identity(i.identity for i in items))
    legacy = opts.workdir / 'ledger.jsonl'
    return legacy if legacy.is_file() and not path.exists() and not os.environ.get(LEDGER_ENV) else path


def _os_error(path: Path, doing: str, exc: OSError) -> LedgerError:
    reason = exc.strerror or str(exc)
    return LedgerError(f'{path}: cannot {doing} the release ledger: {reason}',
                       'give --ledger (or RELEASETOOLS_LEDGER) a writable file on a disk with space')


class Ledger:
    """Completed steps by key; ``record`` appends durably."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.done: dict[str, dict[str, Any]] = {}
        if path.is_dir():
            raise LedgerError(f'{path}: the release ledger is a directory, not a file',
                              'pass --ledger a file name (it is created when missing)')
        try:  # not path.exists(): it says False for a symbolic link loop, which is no empty ledger
            data = path.read_bytes()
        except FileNotFoundError:
            data = b''
        except OSError as exc:
            raise _os_error(path, 'read', exc) from None
        lines = data.split(b'\n')
        for number, raw in enumerate(lines, 1):
            if not raw.strip():
                continue
            try:
                entry = json.loads(raw.decode('utf-8'))
            except (UnicodeDecodeError, json.JSONDecodeError):
                # A record is complete once its newline is written: only a last line
                # without one can be torn (a crash while appending it), and it is no record.
                if number == len(lines):
                    break
                raise LedgerError(f'{path}:{number}: the release ledger is corrupt (not a JSON line in UTF-8)',
                                  _HINT) from None
            if not isinstance(entry, dict) or not isinstance(entry.get('key'), str):
                raise LedgerError(f'{path}:{number}: the release ledger is corrupt (a record is a JSON object '
                                  'with a "key" string)', _HINT)
            self.done[entry['key']] = entry

    def get(self, key: str) -> dict[str, Any] | None:
        return self.done.get(key)

    def record(self, key: str, **detail: Any) -> None:
        """Append one record and fsync it; on any failure cut it off again and raise LedgerError."""
        entry = {'key': key, 'at': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()), **detail}
        data = (json.dumps(entry, sort_keys=True) + '\n').encode()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as exc:
            raise _os_error(self.path, 'open', exc) from None
        try:
            # Units of one request, on several nodes, append to one shared ledger: one record at a time.
            fcntl.flock(fd, fcntl.LOCK_EX)
            _drop_torn_tail(fd)
            start = os.fstat(fd).st_size
            try:
                _write_all(fd, data)
                os.fsync(fd)
            except OSError as exc:
                # Nothing half-written may stay: a re-run must see the step as not done.
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, start)
                    os.fsync(fd)
                raise LedgerError(f'{self.path}: cannot record "{key}" in the release ledger: '
                                  f'{exc.strerror or exc}; the step counts as not done',
                                  'free space (or fix the disk), then run the same command again') from None
        except OSError as exc:
            raise _os_error(self.path, 'write', exc) from None
        finally:
            os.close(fd)
        self.done[key] = entry


def _write_all(fd: int, data: bytes) -> None:
    """os.write until every byte is written; a write that makes no progress is ENOSPC."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[written:]


def _drop_torn_tail(fd: int) -> None:
    """Cut a partial last line (a crash while appending) so the next record starts a line."""
    size = os.fstat(fd).st_size
    if size == 0 or os.pread(fd, 1, size - 1) == b'\n':
        return
    start = max(0, size - 65536)
    tail = os.pread(fd, size - start, start)
    os.ftruncate(fd, start + tail.rfind(b'\n') + 1 if b'\n' in tail else start)


@contextlib.contextmanager
def lock(path: Path, wait: float = 0.0) -> Iterator[None]:
    """Hold an exclusive lock on ``path``; wait up to ``wait`` seconds, then refuse."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise LedgerError(f'{path}: cannot create the lock file: {exc.strerror or exc}',
                          'the work directory and the ledger\'s directory must be writable') from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 200, 0).decode('utf-8', 'replace').strip() or 'another process'
                    raise ReleaseToolsError(f'another release run holds {path} ({holder})',
                                            'wait for it to finish (or pass --wait SECONDS)') from None
                time.sleep(0.2)
        # Who holds it is a courtesy for the refusal message: a full disk must not stop the job here.
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, f'pid {os.getpid()}\n'.encode(), 0)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def run_locks(opts: ReleaseOptions, ledger: Path, *, whole: bool = True) -> contextlib.ExitStack:
    """Every lock a run holds, dry runs included, in one order: the ledger's, then the work directory's.

    A dry run takes them too: it fetches into the shared workspace, which would otherwise prune a
    running job's local tag. The work directory has its own locks, since runs with different ledgers
    can share one --workdir. A run of one unit (``whole`` false) leaves the ledger's lock to the runs
    of the whole request and takes its unit's lock instead (release.run).
    """
    holder = contextlib.ExitStack()
    paths = [ledger.with_suffix('.lock')] * whole + [opts.workdir / 'ledger.lock', opts.workdir / 'workspace.lock']
    for path in dict.fromkeys(paths):
        holder.enter_context(lock(path, opts.wait))
    return holder
