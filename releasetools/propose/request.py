"""Writing one reviewable request that touches many deliverable files: all of it, or nothing.

The cycle-wide commands (``propose-final``, ``propose-milestone``,
``propose-branches``) append entries to dozens of files at once. The request
is one unit for the reviewer, so it is one unit here:

1. :func:`locked_texts` takes the lock of every file the request may touch,
   in sorted order (two runs never wait on each other in a circle), and reads
   them under the locks: a second run at once plans from what the first wrote.
2. The caller computes each file's new text (``data.yamledit.append_to_list``:
   byte for byte, one entry more) as :class:`FileChange` values.
3. :func:`write_request` validates the whole request as ``validate`` would
   (the pure rules, on the would-be contents, each file judged against what it
   is now) and writes nothing if any file fails; then it replaces every file
   atomically (``data.atomic``). Should a write fail half way (a full disk), the
   files already replaced get their old bytes back: nothing is left half done.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import ReleaseToolsError
from ..core.findings import Severity
from ..core.model import Deliverable, SeriesTable
from ..data import atomic
from ..data.load import escapes, list_deliverable_files, load_deliverable_bytes, load_deliverable_file
from ..data.yamledit import locked_file, write_atomically
from ..rules import DeliverableContext, Problem, run_rules

__all__ = ['FileChange', 'RequestRefused', 'check_request', 'locked_texts', 'write_request']


@dataclass(frozen=True)
class FileChange:
    """One file of a request: its path (relative to the root), its bytes now and its new text."""

    path: str
    old: bytes
    new: str


class RequestRefused(ReleaseToolsError):
    """The request would not validate (or could not be written): no file was changed."""

    def __init__(self, message: str, problems: Sequence[tuple[str, str]] = ()) -> None:
        super().__init__(message, 'fix the files named, or leave those deliverables out, and run again')
        #: (file, what is wrong) for every file that failed.
        self.problems = tuple(problems)


@contextlib.contextmanager
def locked_texts(root: Path, paths: Iterable[str], *, lock: bool = True) -> Iterator[dict[str, bytes]]:
    """Lock every file of ``paths`` (relative to ``root``), in sorted order; yield their bytes, read under the locks.

    With ``lock`` False (a dry run) the files are only read. A path that is a
    link leading out of the data repository is refused before anything is locked.
    """
    ordered = sorted(set(paths))
    real_root = os.path.realpath(root)
    for rel in ordered:
        if escapes(real_root, str(root / rel)):
            raise ReleaseToolsError(f'{rel} is a symbolic link out of the data repository; nothing was written',
                                    'replace the link with the file itself (validate reports it as RT007)')
    with contextlib.ExitStack() as stack:
        if lock:
            for rel in ordered:  # sorted: every run takes the locks in the same order
                stack.enter_context(locked_file(root / rel))
        yield {rel: (root / rel).read_bytes() for rel in ordered}


def _others(root: Path, files: Sequence[str], names: set[str], edited: Mapping[str, Deliverable]
            ) -> dict[str, list[Deliverable]]:
    """Every series file of each deliverable name, as it will be after the request (for the rules' history)."""
    out: dict[str, list[Deliverable]] = {name: [] for name in names}
    for rel in files:
        name = rel.rsplit('/', 1)[1]
        if name not in names:
            continue
        d = edited.get(rel)
        if d is None:
            d = load_deliverable_file(root, rel).deliverable
        if d is not None:
            out[name].append(d)
    return out


def check_request(root: Path, series: SeriesTable, changes: Sequence[FileChange]) -> list[tuple[str, str]]:
    """(file, problem) for every error the pure rules find in the request; empty when it validates.

    Each file is checked as ``validate`` checks a request: the file as it is
    now is the base, so only the new entries are judged; the deliverable's
    other series files are taken as the request leaves them. The git rules are
    not run (they need the repositories; validate runs them on the request).
    """
    problems: list[tuple[str, str]] = []
    edited: dict[str, Deliverable] = {}
    bases: dict[str, Deliverable | None] = {}
    for change in changes:
        loaded = load_deliverable_bytes(change.path, change.new.encode('utf-8'))
        if loaded.deliverable is None:
            assert loaded.problem is not None
            problems.append((change.path, f'line {loaded.problem.line}: {loaded.problem.message}'))
            continue
        edited[change.path] = loaded.deliverable
        bases[change.path] = load_deliverable_bytes(change.path, change.old).deliverable
    files, _ = list_deliverable_files(root)
    dirs = frozenset(p.split('/')[1] for p in files)
    others = _others(root, files, {p.rsplit('/', 1)[1] for p in edited}, edited)
    for path, d in edited.items():
        mine = tuple(o for o in others[path.rsplit('/', 1)[1]] if o.path != path)
        ctx = DeliverableContext(d, series, mine, bases[path], True, dirs)
        for r, item in run_rules(ctx, frozenset({'git'})):
            if isinstance(item, Problem) and (item.severity or r.severity) is Severity.ERROR:
                problems.append((path, f'[{r.id}] line {item.line}: {item.message}'))
    return problems


def write_request(root: Path, series: SeriesTable, changes: Sequence[FileChange], *, dry_run: bool = False) -> None:
    """Validate the whole request, then replace every file; on any failure no file is changed.

    Call it inside :func:`locked_texts` for the same files, with the ``old``
    bytes read there. ``dry_run`` validates and writes nothing.
    """
    problems = check_request(root, series, changes)
    if problems:
        listed = '; '.join(f'{path}: {problem}' for path, problem in problems)
        raise RequestRefused(f'the request would not validate, so no file was written: {listed}', problems)
    if dry_run:
        return
    done: list[FileChange] = []
    try:
        for change in changes:
            write_atomically(root / change.path, change.new)
            done.append(change)
    except OSError as exc:
        restored = _restore(root, done)
        raise RequestRefused(f'cannot write {change.path}: {exc.strerror or exc}; {restored}',
                             [(change.path, str(exc.strerror or exc))]) from None


def _restore(root: Path, done: Sequence[FileChange]) -> str:
    """Put back the old bytes of the files already written; say what was done."""
    failed = []
    for change in reversed(done):
        try:
            atomic.write_bytes(root / change.path, change.old)
        except OSError:
            failed.append(change.path)
    if failed:
        return f'and could not restore {", ".join(sorted(failed))}: check them by hand (git diff)'
    if done:
        one = len(done) == 1
        return (f'the {len(done)} file{"" if one else "s"} already written got '
                f'{"its" if one else "their"} old bytes back')
    return 'no file was changed'
