#!/usr/bin/env python3
"""Benchmark the release job fanned out over nodes against one serial job (issue 15, Measure).

In one run, on real components (bare git remotes, real pbr projects, a local pypiserver with
authentication, an aiosmtpd mail sink), one request releasing ``--units`` deliverables (20):

  * serial: one ``releasetools release`` of the whole request, on one node;
  * fan-out: the same request on a second, identical world: ``release --plan --format json``,
    then each unit as ``release --unit ID`` dispatched in plan order (a unit starts once every
    unit of its ``after`` is done) to ``--workers`` worker slots (2), each slot a separate node:
    its own work directory, cache and XDG_STATE_HOME; the nodes share only the remotes, the
    index and the mail sink. Then ``release --summary``;
  * re-run: the whole request again, on a fresh node given the nodes' joined ledger records (as
    the shipped CI jobs join them): nothing is tagged, uploaded or mailed again;
  * kill: one unit of a third world started, killed (SIGKILL) once its first step is recorded,
    and re-run alone on the same node: it completes, with one upload per file and one mail.

Prints the times, the speed-up for N workers, and the projection for 70 units on N nodes from the
measured per-unit time (ideal: no queueing), with the serial part named (plan + summary + site).
Builds run without isolation, so the network does not enter the measurement.

Usage: python bench/fanout_bench.py [--units 20] [--workers 2] [--serial-only]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from releasetools.testing.deliverables import Release
from releasetools.testing.pbrproject import Project, ReleaseData
from tests.release.servers import PASSWORD, USER, Index, Mailer


@dataclass(frozen=True)
class Unit:
    """One unit of the plan: its id and the ids it waits for."""

    id: str
    after: tuple[str, ...] = ()


def units_of(plan: dict[str, object]) -> list[Unit]:
    """The units of ``release --plan --format json`` output, in plan order."""
    rows = plan['units']
    assert isinstance(rows, list), plan
    return [Unit(str(row['id']), tuple(str(a) for a in row.get('after', ()))) for row in rows]


@dataclass
class Outcome:
    """What a dispatch did: per unit, its status and time; the order units started in."""

    status: dict[str, str] = field(default_factory=dict)   # done / failed / skipped
    seconds: dict[str, float] = field(default_factory=dict)
    started: list[str] = field(default_factory=list)
    most_at_once: int = 0


def ready(units: Sequence[Unit], status: dict[str, str], running: set[str]) -> list[Unit]:
    """The units not started whose every dependency is done, in plan order."""
    return [u for u in units if u.id not in status and u.id not in running
            and all(status.get(a) == 'done' for a in u.after)]


def blocked(units: Sequence[Unit], status: dict[str, str]) -> list[Unit]:
    """The units not started that can never start: a dependency failed or was skipped."""
    return [u for u in units if u.id not in status
            and any(status.get(a) in ('failed', 'skipped') for a in u.after)]


Start = Callable[[Unit, int], 'subprocess.Popen[bytes]']


def dispatch(units: Sequence[Unit], workers: int, start: Start, poll: float = 0.02) -> Outcome:
    """Run the units on ``workers`` slots in plan order, each once its dependencies are done."""
    out = Outcome()
    running: dict[int, tuple[Unit, subprocess.Popen[bytes], float]] = {}
    while len(out.status) < len(units):
        while stuck := blocked(units, out.status):  # to a fixed point: skipping one may block more
            out.status.update((unit.id, 'skipped') for unit in stuck)
        busy = {u.id for u, _, _ in running.values()}
        for unit in ready(units, out.status, busy):
            slot = next((s for s in range(workers) if s not in running), None)
            if slot is None:
                break
            running[slot] = (unit, start(unit, slot), time.perf_counter())
            out.started.append(unit.id)
        out.most_at_once = max(out.most_at_once, len(running))
        if not running and len(out.status) < len(units) and not ready(units, out.status, set()):
            raise RuntimeError(f'the plan has a cycle or an unknown dependency: {units}')
        time.sleep(poll)
        for slot, (unit, proc, began) in list(running.items()):
            if proc.poll() is not None:
                out.status[unit.id] = 'done' if proc.returncode == 0 else 'failed'
                out.seconds[unit.id] = time.perf_counter() - began
                del running[slot]
    return out


class World:
    """``count`` pbr projects, one deliverable each, released 1.0.0 by one merged request."""

    def __init__(self, top: Path, count: int) -> None:
        self.top = top
        self.projects = [Project(top, f'dlv{i:02d}') for i in range(count)]
        self.data = ReleaseData(top, *self.projects)
        for p in self.projects:
            with open(self.data.path(p), 'a') as fh:
                fh.write(Release('1.0.0', ((p.repo, p.commits[0]),)).block())
        self.data.repo.commit(f'release {count} deliverables 1.0.0')
        self.index = Index(top / 'index' / 'packages').start()
        self.mailer = Mailer().start()

    def stop(self) -> None:
        self.index.stop()
        self.mailer.stop()

    def node(self, name: str) -> Path:
        """A node's own directory: work directory, cache, tarballs and XDG_STATE_HOME under it."""
        return self.top / 'nodes' / name

    def argv(self, node: str, *extra: str) -> list[str]:
        home = self.node(node)
        return [sys.executable, '-m', 'releasetools', 'release', '--root', str(self.data.root),
                '--remotes', self.projects[0].template, '--workdir', str(home / 'work'),
                '--cache-dir', str(home / 'cache'), '--tarballs', str(home / 'tarballs'),
                '--no-build-isolation', '--index-url', self.index.url, '--smtp', self.mailer.address,
                '--mail-to', 'announce@example.invalid', *extra]

    def env(self, node: str) -> dict[str, str]:
        return {**os.environ, 'XDG_STATE_HOME': str(self.node(node) / 'state'),
                'RELEASETOOLS_INDEX_USER': USER, 'RELEASETOOLS_INDEX_PASSWORD': PASSWORD}

    def log(self, node: str, label: str) -> Path:
        return self.node(node) / f'log-{label}.txt'

    def start(self, node: str, *extra: str, label: str = 'run') -> subprocess.Popen[bytes]:
        """Start a run in its own process group; its output goes to the node's log file ``label``."""
        log = self.log(node, label)
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, 'wb') as fh:
            return subprocess.Popen(self.argv(node, *extra), env=self.env(node), stdout=fh,
                                    stderr=subprocess.STDOUT, start_new_session=True)

    def run(self, node: str, *extra: str) -> tuple[int, str, float]:
        began = time.perf_counter()
        proc = subprocess.run(self.argv(node, *extra), env=self.env(node), capture_output=True, text=True,
                              check=False)
        return proc.returncode, proc.stdout + proc.stderr, time.perf_counter() - began

    def plan(self) -> tuple[list[Unit], float]:
        """``release --plan --format json`` (its stdout only: progress may go to stderr) and its time."""
        began = time.perf_counter()
        proc = subprocess.run(self.argv('planner', '--plan', '--format', 'json'), env=self.env('planner'),
                              capture_output=True, text=True, check=False)
        _check(proc.returncode, proc.stdout + proc.stderr, 'release --plan')
        return units_of(json.loads(proc.stdout)), time.perf_counter() - began

    def ledgers(self, node: str) -> list[Path]:
        return sorted((self.node(node) / 'state' / 'releasetools' / 'ledgers').glob('*.jsonl'))

    def join_ledgers(self, nodes: Sequence[str], into: str) -> None:
        """The nodes' ledger records in one ledger of ``into`` (a record's key: the last one wins)."""
        for node in nodes:
            for path in self.ledgers(node):
                target = self.node(into) / 'state' / 'releasetools' / 'ledgers' / path.name
                target.parent.mkdir(parents=True, exist_ok=True)
                with open(target, 'ab') as fh:
                    fh.write(path.read_bytes())


def _check(code: int, output: str, what: str) -> None:
    if code != 0:
        raise SystemExit(f'{what} failed (exit {code}):\n{output}')


def serial(top: Path, count: int) -> tuple[float, int]:
    world = World(top / 'serial', count)
    try:
        code, output, seconds = world.run('node')
        _check(code, output, 'the serial release')
        assert len(world.index.files()) == 2 * count, world.index.files()
        return seconds, len(world.mailer.messages)
    finally:
        world.stop()


@dataclass
class FanOut:
    plan: float
    units: Outcome
    wall: float
    summary: float
    rerun: float
    mails: int


def fan_out(top: Path, count: int, workers: int) -> FanOut:
    world = World(top / 'fanout', count)
    try:
        began = time.perf_counter()
        units, plan_s = world.plan()
        assert len(units) == count, units
        outcome = dispatch(units, workers, lambda unit, slot: world.start(f'worker{slot}', '--unit', unit.id,
                                                                       label=unit.id))
        nodes = [f'worker{s}' for s in range(workers)]
        world.join_ledgers(nodes, 'summary')
        code, output, summary_s = world.run('summary', '--summary')
        wall = time.perf_counter() - began
        _check(code, output, 'release --summary')
        for unit_id, status in outcome.status.items():
            if status != 'done':
                logs = [world.log(n, unit_id) for n in nodes if world.log(n, unit_id).exists()]
                raise SystemExit(f'unit {unit_id} {status}:\n' + ''.join(p.read_text() for p in logs))
        files, mails = world.index.files(), len(world.mailer.messages)
        tags = [p.remote_tags() for p in world.projects]
        assert len(files) == 2 * count, files
        world.join_ledgers(nodes, 'rerun')
        code, output, rerun_s = world.run('rerun')
        _check(code, output, 'the re-run of the whole request')
        assert world.index.files() == files and len(world.mailer.messages) == mails, 'the re-run acted again'
        assert [p.remote_tags() for p in world.projects] == tags, 'the re-run tagged again'
        return FanOut(plan_s, outcome, wall, summary_s, rerun_s, mails)
    finally:
        world.stop()


def kill_and_resume(top: Path, *, whole: bool = False) -> str:
    """Kill one unit once its first step is recorded; re-running only that unit completes it.

    ``whole``: the same with a plain ``release`` of a one-deliverable request (no --plan/--unit).
    """
    world = World(top / ('kill-whole' if whole else 'kill'), 1)
    flags: tuple[str, ...]
    try:
        if whole:
            what, flags = 'the whole request', ()
        else:
            what = world.plan()[0][0].id
            flags = ('--unit', what)
        proc = world.start('worker0', *flags)
        while proc.poll() is None and not any(p.read_bytes().count(b'\n') for p in world.ledgers('worker0')):
            time.sleep(0.01)
        if proc.poll() is not None:
            return f'{what} ended (exit {proc.returncode}) before its first record could be seen: not killed'
        os.killpg(proc.pid, signal.SIGKILL)  # the unit's own process group (start_new_session)
        proc.wait()
        records = sum(p.read_bytes().count(b'\n') for p in world.ledgers('worker0'))
        code, output, seconds = world.run('worker0', *flags)
        _check(code, output, f're-running {what} after the kill')
        assert len(world.index.files()) == 2, world.index.files()
        assert len(world.mailer.messages) == 1, 'the announcement went out more or less than once'
        return (f'{what} killed after {records} recorded step(s); re-run alone: completed in {seconds:.2f} s, '
                f'{len(world.index.files())} files on the index, 1 mail')
    finally:
        world.stop()


def projection(per_unit: float, serial_part: float, units: int, nodes: int) -> float:
    """Ideal wall time of ``units`` units on ``nodes`` nodes: no queueing, every node busy."""
    return serial_part + math.ceil(units / nodes) * per_unit


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--units', type=int, default=20)
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--serial-only', action='store_true',
                        help='only the serial job and the kill of a plain release (no --plan/--unit needed)')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix='rt-fanout-') as tmp:
        top = Path(tmp)
        serial_s, serial_mails = serial(top, args.units)
        print(f'{args.units} deliverables in one request, {os.cpu_count()} CPUs')
        print(f'serial release, one node      : {serial_s:6.2f} s  ({serial_s / args.units:.2f} s a unit, '
              f'{serial_mails} mails)')
        if args.serial_only:
            print(f'kill mid-release, plain run   : {kill_and_resume(top, whole=True)}')
            return 0
        fan = fan_out(top, args.units, args.workers)
        per_unit = sum(fan.units.seconds.values()) / len(fan.units.seconds)
        print(f'fan-out, {args.workers} worker nodes       : {fan.wall:6.2f} s  (plan {fan.plan:.2f} s, '
              f'units {per_unit:.2f} s each on average, at most {fan.units.most_at_once} at once, '
              f'summary {fan.summary:.2f} s, {fan.mails} mails)')
        print(f'speed-up for N={args.workers}               : {serial_s / fan.wall:.2f}x')
        print(f're-run of the whole request   : {fan.rerun:6.2f} s, nothing tagged, uploaded or mailed again')
        print(f'kill one worker mid-unit      : {kill_and_resume(top)}')
        serial_part = fan.plan + fan.summary
        print(f'projection, 70 units (ideal; serial part: plan {fan.plan:.2f} s + summary {fan.summary:.2f} s '
              '+ site, the site not run here: see bench/site_bench.py)')
        for nodes in (1, 2, 4, 8, 16, 35, 70):
            print(f'  N={nodes:<3} {projection(per_unit, serial_part, 70, nodes):7.1f} s + site')
    return 0


if __name__ == '__main__':
    sys.exit(main())
