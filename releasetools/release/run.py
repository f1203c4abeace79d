"""Running the plan: every unit in order on one node, or one unit (``--unit ID``) on any node.

Locks: a run of the whole request holds the ledger's lock and every unit's; a
``--unit`` run holds only its unit's (``LEDGER.<unit>.lock``), so units run in
parallel on a shared ledger while two runs of one unit never overlap: the second
refuses, or with ``--wait`` waits and then finds the steps done.

Each unit's outcome is recorded in the ledger (``<deliverable>/<series>/<version>/unit``:
done, failed with the step and why, or skipped with why) for ``--summary`` and for
the units waiting for it. A ``--unit`` run counts a dependency done when the shared
ledger says so, or when the world does: its tag on each remote at the release commit
and, with an index, the index serving that version.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..artifacts import build as artifacts
from ..artifacts import children
from ..core.errors import ReleaseToolsError
from .inputs import check_inputs
from .intake import request_items
from .job import _Failed, _Job
from .ledger import Ledger, LedgerError, ledger_path, lock, run_locks
from .options import ReleaseOptions, index_auth, simple_url
from .paths import check_local_paths
from .status import JobReport, StepResult
from .units import Plan, Unit, plan_of

__all__ = ['dependency_state', 'outcome', 'run_plan', 'unit_lock']


def unit_lock(ledger: Path, unit: Unit) -> Path:
    """The lock of one unit, next to the ledger (unit ids are safe file names)."""
    return ledger.with_name(f'{ledger.stem}.{unit.id}.lock')


def _locks(opts: ReleaseOptions, ledger: Path, units: list[Unit]) -> contextlib.ExitStack:
    """A --unit run: its unit's lock (then the work directory's); a whole run: the ledger's and every unit's."""
    stack = contextlib.ExitStack()
    try:
        if opts.unit:
            stack.enter_context(lock(unit_lock(ledger, units[0]), opts.wait))
            stack.enter_context(run_locks(opts, ledger, whole=False))
            return stack
        stack.enter_context(run_locks(opts, ledger))
        for u in units:
            stack.enter_context(lock(unit_lock(ledger, u), opts.wait))
    except BaseException:
        stack.close()
        raise
    return stack


def outcome(ledger: Ledger, unit: Unit) -> dict[str, Any] | None:
    """The unit's last recorded outcome (done, failed, skipped), if any."""
    return ledger.get(unit.item.key('unit'))


def _record_outcome(job: _Job, unit: Unit, status: str, **detail: str) -> None:
    """The unit's outcome, once per change (a re-run that finds it done writes nothing)."""
    if job.opts.dry_run:
        return
    now = outcome(job.ledger, unit)
    if now is not None and now.get('status') == status and now.get('detail', '') == detail.get('detail', ''):
        return
    # Bookkeeping for --summary and the waiting units, not a step: when the ledger cannot take it (a full
    # disk), the step that met it has already said so, and --summary falls back on the world.
    with contextlib.suppress(LedgerError):
        job.ledger.record(unit.item.key('unit'), action='unit', status=status, **detail)


def dependency_state(job: _Job, plan: Plan, dep_id: str, failed: set[str]) -> str | None:
    """None when the dependency is done; else why the unit waiting for it must not run yet."""
    if dep_id in failed:
        return f'waits for {dep_id}, which failed'
    dep = plan.by_id()[dep_id]
    shared = Ledger(job.ledger.path).get(dep.item.key('unit'))  # read again: another node may have finished it
    if shared is not None and shared.get('status') == 'done':
        return None
    if shared is not None and shared.get('status') == 'failed':
        # Even when its tag and files are out (its announcement failed, say): re-run it first.
        return f'waits for {dep_id}, which failed: {shared.get("detail", "")}'
    if not job.opts.unit:
        return None if dep_id in job.finished else f'waits for {dep_id}, which is not done'
    return _world_says_not_done(job, dep)


def _world_says_not_done(job: _Job, dep: Unit) -> str | None:
    item = dep.item
    for t in item.targets:
        job.space(t.repo)
        if job.tags[t.repo].get(item.version) != t.hash:
            return f'waits for {dep.id}, which is not done yet: no tag {item.version} at {t.hash[:12]} on {t.repo}'
        name = dep.package(t.repo)
        if t.build and job.opts.index_url and name:
            served = artifacts.index_files(simple_url(job.opts), name, index_auth(job.opts))
            if not any(_file_version(f) == item.version for f in served):
                return f'waits for {dep.id}, which is not done yet: the index serves no {name} {item.version}'
    return None


def _file_version(filename: str) -> str | None:
    from packaging.utils import InvalidSdistFilename, InvalidWheelFilename, parse_sdist_filename, parse_wheel_filename

    try:
        if filename.endswith('.whl'):
            return str(parse_wheel_filename(filename)[1])
        return str(parse_sdist_filename(filename)[1])
    except (InvalidSdistFilename, InvalidWheelFilename):
        return None


def run_plan(opts: ReleaseOptions, progress: Callable[[StepResult], None],
             working: Callable[[str], None] | None) -> JobReport:
    items, branches = request_items(opts)
    plan = plan_of(opts, items)
    chosen = [plan.get(opts.unit)] if opts.unit else list(plan.units)
    report = JobReport()
    ledger = ledger_path(opts, items)
    check_local_paths(opts, ledger)
    check_inputs(opts)
    # Children (builds, uploads, signatures) end with the job: on return, on an error, on SIGTERM/SIGINT
    # (and, through their guards, when the job is killed outright).
    with _locks(opts, ledger, chosen), children.guarded():
        # Read under the lock: another run may have just finished.
        job = _Job(opts, report, progress, Ledger(ledger), working)
        failed: set[str] = set()
        if opts.unit:
            why = next((w for d in chosen[0].after if (w := dependency_state(job, plan, d, failed))), None)
            if why:
                _skip(job, chosen[0], why)
                return report
        releases = [u.item for u in chosen]
        if releases:
            job.precheck(releases)
            bad = [c for c in job.preflight(releases) if not c.ok]
            if bad and not opts.dry_run:
                raise ReleaseToolsError('preflight failed, nothing was done: '
                                        + '; '.join(f'{c.name}: {c.detail}' for c in bad),
                                        'fix what failed and run again; --dry-run shows every check')
        for n, unit in enumerate(chosen, 1):
            job.position = f'release {n}/{len(chosen)}'
            why = None if opts.unit else next((w for d in unit.after if d in failed
                                               and (w := dependency_state(job, plan, d, failed))), None)
            if why:
                failed.add(unit.id)
                _skip(job, unit, why)
                continue
            try:
                job.release(unit.item, branches.pop((unit.item.deliverable, unit.item.version), []))
            except _Failed:
                failed.add(unit.id)
                last = report.failed[-1]
                _record_outcome(job, unit, 'failed', detail=last.detail, step=last.action, label=last.label)
                continue
            job.finished.add(unit.id)
            _record_outcome(job, unit, 'done')
        if not failed and not opts.unit:
            # Branches from releases the request does not add, once its releases are done.
            job.position = 'branches'
            for (deliverable, _), rest in branches.items():
                try:
                    for branch in rest:
                        job.branch(deliverable, branch)
                except _Failed:
                    break
    return report


def _skip(job: _Job, unit: Unit, why: str) -> None:
    job.skip(unit.item.key('unit'), 'unit', unit.item.label, why)
    job.report.skipped_units.append(unit.id)
    _record_outcome(job, unit, 'skipped', detail=why)
