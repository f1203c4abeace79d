#!/usr/bin/env python3
"""Benchmark ``unreleased`` and ``audit`` on a synthetic tree of many small repositories.

Builds (``testing.cyclerepos.cycle_world``: one ``git fast-import`` a repository)
N repositories, each released by a deliverable of gazpacho and of hibiscus
(3-4 tags each, half of them with an unreleased commit on master, all with
one on ``stable/2026.1``). Then times, with 1 and 4 worker threads:

  * ``unreleased`` (hibiscus, master) and ``unreleased gazpacho`` (the stable branch),
  * ``audit`` of every series (every release's tag at its commit),

and prints the git processes per repository, which must not grow with N
(goal: batched, a fixed few per repository; run with --repos 50 and 200 to see it).

Usage: python bench/cycle_bench.py [--repos N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from releasetools.git import repo as gitrepo
from releasetools.review.audit import AuditOptions, audit
from releasetools.review.unreleased import UnreleasedOptions, unreleased
from releasetools.testing.cyclerepos import cycle_world


def _measure(what: str, count: int, run: Callable[[], object]) -> None:
    before = gitrepo.CALLS['count']
    start = time.perf_counter()
    result = run()
    took = time.perf_counter() - start
    calls = gitrepo.CALLS['count'] - before
    print(f'  {what:<34} {took:6.2f} s  {calls:5d} git processes  {calls / count:4.1f} per repository'
          f'  ({result})')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--repos', type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix='cycle-bench-') as tmp:
        start = time.perf_counter()
        world = cycle_world(Path(tmp), args.repos)
        files = sum(1 for _ in world.root.glob('deliverables/*/*.yaml'))
        print(f'built {args.repos} repositories and {files} deliverable files in '
              f'{time.perf_counter() - start:.1f} s')
        cache = Path(tmp) / 'cache'
        for workers in (1, 4):
            print(f'workers={workers}')
            for series in (None, 'gazpacho'):
                opts = UnreleasedOptions(world.root, series, world.repos, cache_dir=cache, workers=workers)
                _measure(f'unreleased {series or "(hibiscus, master)"}', args.repos, partial(_unreleased, opts))
            _measure('audit (every series)', args.repos,
                     partial(_audit, AuditOptions(world.root, None, world.repos, cache_dir=cache, workers=workers)))


def _unreleased(opts: UnreleasedOptions) -> str:
    return f'{len(unreleased(opts).entries)} pending'


def _audit(opts: AuditOptions) -> str:
    report = audit(opts)
    return f'{report.tags} tags, {len(report.problems)} problems'

if __name__ == '__main__':
    main()
