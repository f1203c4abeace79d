"""The fan-out bench's dispatcher (bench/fanout_bench.py) on a fake plan, with real worker processes:
plan order, dependencies waited for, the slots all used, dependents of a failure skipped."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

CHECKOUT = Path(__file__).resolve().parent.parent


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location('fanout_bench', CHECKOUT / 'bench' / 'fanout_bench.py')
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules['fanout_bench'] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


PLAN = {'request': 'r', 'units': [
    {'id': 'lib-1.0.0', 'after': []},
    {'id': 'a-1.0.0', 'after': []},
    {'id': 'b-1.0.0', 'after': []},
    {'id': 'svc-1.0.0', 'after': ['lib-1.0.0']},
    {'id': 'svc-1.1.0', 'after': ['svc-1.0.0']},
    {'id': 'broken-1.0.0', 'after': []},
    {'id': 'needs-broken-1.0.0', 'after': ['broken-1.0.0']},
    {'id': 'needs-needs-1.0.0', 'after': ['needs-broken-1.0.0']},
]}


def test_dispatch_waits_for_dependencies_uses_every_slot_and_skips_after_a_failure(tmp_path: Path) -> None:
    bench = _bench()
    units = bench.units_of(PLAN)

    def start(unit: object, slot: int) -> subprocess.Popen[bytes]:
        code = 1 if unit.id.startswith('broken') else 0  # type: ignore[attr-defined]
        marker = tmp_path / f'{unit.id}.slot{slot}'  # type: ignore[attr-defined]
        return subprocess.Popen([sys.executable, '-c', f'import time, pathlib; time.sleep(0.15); '
                                 f'pathlib.Path({str(marker)!r}).touch(); raise SystemExit({code})'])

    outcome = bench.dispatch(units, 2, start, poll=0.01)
    ended = sorted(p.name for p in tmp_path.iterdir())
    assert outcome.status == {'lib-1.0.0': 'done', 'a-1.0.0': 'done', 'b-1.0.0': 'done', 'svc-1.0.0': 'done',
                              'svc-1.1.0': 'done', 'broken-1.0.0': 'failed', 'needs-broken-1.0.0': 'skipped',
                              'needs-needs-1.0.0': 'skipped'}
    started = outcome.started
    assert started[:2] == ['lib-1.0.0', 'a-1.0.0']  # plan order
    assert started.index('svc-1.0.0') > started.index('lib-1.0.0')
    assert started.index('svc-1.1.0') > started.index('svc-1.0.0')  # one deliverable's releases in order
    assert 'needs-broken-1.0.0' not in started and 'needs-needs-1.0.0' not in started
    assert outcome.most_at_once == 2  # both slots used, never more
    assert {name.rsplit('.slot', 1)[1] for name in ended} == {'0', '1'}
    assert len(ended) == 6 and set(outcome.seconds) == set(started)


def test_dispatch_respects_dependencies_in_time(tmp_path: Path) -> None:
    """A dependent starts only after the unit it waits for has ended, even with free slots."""
    bench = _bench()
    units = bench.units_of({'request': 'r', 'units': [{'id': 'x', 'after': []}, {'id': 'y', 'after': ['x']}]})
    log = tmp_path / 'log'

    def start(unit: object, slot: int) -> subprocess.Popen[bytes]:
        name = unit.id  # type: ignore[attr-defined]
        return subprocess.Popen([sys.executable, '-c', f'import time; f = open({str(log)!r}, "a"); '
                                 f'f.write("start {name}\\n"); f.flush(); time.sleep(0.1); f.write("end {name}\\n")'])

    outcome = bench.dispatch(units, 4, start, poll=0.01)
    assert log.read_text().split('\n')[:4] == ['start x', 'end x', 'start y', 'end y']
    assert outcome.most_at_once == 1 and outcome.status == {'x': 'done', 'y': 'done'}


def test_projection_is_the_serial_part_plus_the_rounds_of_units() -> None:
    bench = _bench()
    assert bench.projection(2.0, 3.0, 70, 1) == 143.0
    assert bench.projection(2.0, 3.0, 70, 8) == 3.0 + 9 * 2.0  # 70 units: 9 rounds on 8 nodes
    assert bench.projection(2.0, 3.0, 70, 70) == 5.0
