"""The release request: what a run works on, read once for every command.

``read_request`` finds the files a change adds or modifies against its base
(or every file, with ``all``), the series table, and each file's content at
the base. ``validate``, ``list-changes``, ``check-approval`` and the release
job all start from it.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..core.calendar import Schedule
from ..core.errors import UsageError
from ..core.findings import Finding, Severity
from ..core.model import SeriesTable
from ..git import repo as gitrepo
from . import baseline
from .calendar import load_schedule
from .load import (
    DELIVERABLES,
    escape_finding,
    escapes,
    list_deliverable_files,
    load_deliverable_bytes,
    load_series,
    split_deliverable_path,
)

__all__ = ['Request', 'read_request']


@dataclass
class Request:
    """What a run works on: the data repository, its series, the files in scope."""

    root: Path
    series: SeriesTable
    series_dirs: frozenset[str]
    by_name: dict[str, list[str]]  # file name -> every series file of that name
    targets: list[str]
    base_commit: str | None
    bases: dict[str, bytes | None]  # target -> content at the base (None: new file)
    findings: list[Finding]
    #: data/validate-baseline.yaml at the base (None: absent, or nothing to check).
    base_baseline: bytes | None = None
    #: The calendar of the series in development (None: no such series, or no calendar).
    calendar: Schedule | None = None


def _normalise(root: Path, name: str) -> str:
    """A FILE argument as a path relative to root, with / separators."""
    path = Path(name)
    absolute = path if path.is_absolute() else root / path
    rel = os.path.relpath(os.path.abspath(absolute), os.path.abspath(root))
    rel = rel.replace(os.sep, '/')
    if split_deliverable_path(rel) is None:
        raise UsageError(f'{name} is not a deliverable file (deliverables/<series>/<name>.yaml under {root})',
                         'give paths relative to --root')
    # Longer names than the file system takes can only fail later, with an OSError: say it here.
    if any(len(os.fsencode(part)) > _NAME_MAX for part in rel.split('/')):
        shown = rel if len(rel) <= 80 else rel[:77] + '...'
        raise UsageError(f'{shown}: a file name longer than {_NAME_MAX} bytes cannot be a deliverable file')
    return rel


_NAME_MAX = 255


def _escapes(root: Path, rel: str) -> bool:
    """Whether ``rel`` (or its series directory) is a link leading out of root."""
    path = root / rel
    if not (path.is_symlink() or path.parent.is_symlink() or path.parent.parent.is_symlink()):
        return False
    return escapes(os.path.realpath(root), str(path))


def read_request(root: Path, *, base: str | None = None, all: bool = False,
                 files: Sequence[str] = ()) -> Request:
    """Find what a run works on: every file (``all``), or what differs from the base.

    Raises UsageError when that cannot be done (no such root, unknown base).
    Problems of the data found on the way (series file, links out of the
    repository, deleted history) are returned as findings, not raised.
    """
    if not root.is_dir():
        raise UsageError(f'--root {root} is not a directory')
    series, series_findings = load_series(root)
    findings = list(series_findings)
    all_files, link_findings = list_deliverable_files(root)
    series_dirs = frozenset(p.split('/')[1] for p in all_files) | _series_dirs(root)
    explicit = [_normalise(root, f) for f in files]
    base_commit: str | None = None
    deleted: list[str] = []
    if all:
        targets = explicit or all_files
    else:
        base_commit = _resolve_base(root, base)
        targets, deleted = _changed(root, base_commit, explicit)
    targets = sorted(set(targets) - set(deleted))
    in_scope = None if all and not explicit else set(targets) | set(explicit)
    targets, link_problems = _inside(root, targets, all_files, link_findings, in_scope)
    findings.extend(link_problems)
    if explicit:
        missing = [t for t in targets if not (root / t).exists() and not (root / t).is_symlink()]
        if missing:
            raise UsageError(f'no such deliverable file: {", ".join(missing)}')
    bases: dict[str, bytes | None] = {}
    base_baseline: bytes | None = None
    if base_commit is not None and (targets or deleted):
        bases, base_baseline = _read_bases(root, base_commit, targets, deleted)
        findings.extend(_deleted_history(deleted, bases))
    current = series.current
    calendar = load_schedule(root, current.name) if current is not None else None
    return Request(root, series, series_dirs, _by_name(all_files), targets, base_commit, bases, findings,
                   base_baseline, calendar)


def _changed(root: Path, base_commit: str, explicit: Sequence[str]) -> tuple[list[str], list[str]]:
    """The deliverable files changed and deleted since ``base_commit`` (of ``explicit`` only, if given).

    A file named explicitly is a target even when unchanged.
    """
    changed, deleted = gitrepo.changed_paths(root, base_commit, DELIVERABLES)
    changed = [p for p in changed if split_deliverable_path(p) is not None]
    deleted = [p for p in deleted if split_deliverable_path(p) is not None]
    if explicit:
        wanted = set(explicit)
        changed = [p for p in changed if p in wanted] + [p for p in explicit if p not in set(changed)]
        deleted = [p for p in deleted if p in wanted]
    return changed, deleted


def _inside(root: Path, targets: list[str], all_files: Sequence[str], link_findings: Sequence[Finding],
            in_scope: set[str] | None) -> tuple[list[str], list[Finding]]:
    """``targets`` but those reached through a link out of the repository, and the links' findings.

    Links out of the repository found while listing are reported when they
    are in scope: every one with --all (``in_scope`` None), else those the
    request changes or names (``in_scope``).
    """
    escaped = {f.file: f for f in link_findings}
    findings: list[Finding] = []
    if in_scope is None:
        findings.extend(link_findings)
    else:
        findings.extend(f for f in link_findings if f.file in in_scope
                        or any(f.file == t.rsplit('/', 1)[0] for t in in_scope))
    listed = set(all_files) | set(escaped)
    targets = [t for t in targets if t not in escaped and t.rsplit('/', 1)[0] not in escaped]
    outside = {rel for rel in targets if rel not in listed and _escapes(root, rel)}
    findings.extend(escape_finding(rel) for rel in sorted(outside))
    return [t for t in targets if t not in outside], findings


def _read_bases(root: Path, base_commit: str, targets: Sequence[str], deleted: Sequence[str]
                ) -> tuple[dict[str, bytes | None], bytes | None]:
    """Each target's and deleted file's content at the base, and the baseline's, in one batch."""
    bases = gitrepo.read_blobs(root, base_commit, [*targets, *deleted, baseline.BASELINE_PATH])
    return bases, bases.pop(baseline.BASELINE_PATH)


def _deleted_history(deleted: Sequence[str], bases: dict[str, bytes | None]) -> list[Finding]:
    """RT302 for each deleted file that held released or branched history at the base."""
    found = []
    for rel in deleted:
        content = bases.get(rel)
        old = load_deliverable_bytes(rel, content).deliverable if content is not None else None
        # A file that never released or branched erases no history when it goes.
        if old is None or old.releases or old.branches:
            found.append(Finding('RT302', Severity.ERROR, rel, 0, 'the deliverable file was deleted; released '
                                 'history cannot be removed', 'restore the file'))
    return found


def _by_name(all_files: Sequence[str]) -> dict[str, list[str]]:
    """File name -> every series file of that name."""
    by_name: dict[str, list[str]] = defaultdict(list)
    for rel in all_files:
        by_name[rel.rsplit('/', 1)[1]].append(rel)
    return dict(by_name)


def _series_dirs(root: Path) -> frozenset[str]:
    try:
        return frozenset(e.name for e in os.scandir(root / DELIVERABLES) if e.is_dir())
    except OSError:
        return frozenset()


def _resolve_base(root: Path, base: str | None) -> str:
    if not gitrepo.is_work_tree(root):
        raise UsageError(f'{root} is not a git repository, so there is no base to compare with',
                         'use --all to check every file by the content rules')
    if base is None:
        commit = gitrepo.default_base(root)
        if commit is None:
            raise UsageError('no base revision: HEAD has no parent and there is no origin/HEAD',
                             'pass --base REV, or --all')
        return commit
    commit = gitrepo.resolve_commit(root, base)
    if commit is None:
        raise UsageError(f'unknown base revision {base!r}', 'pass a commit, branch or tag of --root')
    return commit
