#!/usr/bin/env python3
"""Benchmark: the cost of validating one file grows linearly with its releases.

Writes one deliverable file of N releases shaped like nova's real history
(per cycle: a release candidate, the final re-tagging it, a patch release
and a minor release; 40-digit hashes, one repository), for N = ``--small``
and ``--large`` (default 2,000 and 16,000), and times ``validate --all
--offline`` on each (the ``validate`` call, each run in a fresh process so
that no cache of one run helps another; best of ``--repeat``). Prints both
times and their ratio, in wall time and in CPU time (the honest one on a
machine shared with other work): linear
is 8x for 8 times the releases (goal <= 8x; it was over 40x, with more than
2 minutes for 16,000 releases).

Usage: python bench/linearity_bench.py [--small N] [--large N] [--repeat N]
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from releasetools.testing.datarepo import DataRepo
from releasetools.testing.deliverables import Release
from releasetools.testing.series import table
from releasetools.validate import ValidateOptions, validate

HEAD = ('---\nlaunchpad: nova\nrelease-model: cycle-with-rc\nteam: nova\ntype: service\n'
        'repository-settings:\n  openstack/nova: {}\nreleases:\n')


def _release(version: str, sha: str) -> str:
    return Release.of(version, sha).block()


def deliverable(count: int) -> str:
    """A cycle-with-rc file of ``count`` releases that validates clean."""
    parts = [HEAD]
    major = 1
    while count > 0:
        sha = [hashlib.sha1(f'{major}-{i}'.encode()).hexdigest() for i in range(3)]
        cycle = [(f'{major}.0.0.0rc1', sha[0]), (f'{major}.0.0', sha[0]), (f'{major}.0.1', sha[1]),
                 (f'{major}.1.0', sha[2])]
        for version, h in cycle[:count]:
            parts.append(_release(version, h))
        count -= len(cycle)
        major += 1
    return ''.join(parts)


def timed(tmp: Path, count: int) -> tuple[float, float]:
    root = DataRepo(tmp / f'r{count}', table('hibiscus')).root
    (root / 'deliverables' / 'hibiscus' / 'nova.yaml').write_text(deliverable(count))
    start, cpu = time.perf_counter(), time.process_time()
    report = validate(ValidateOptions(root=root, all=True, offline=True, cache_dir=tmp / 'cache'))
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert report.checked == 1 and not report.errors, [f.message for f in report.errors[:3]]
    return elapsed, cpu


def _fresh(count: int) -> tuple[float, float]:
    proc = subprocess.run([sys.executable, __file__, '--one', str(count)], capture_output=True, text=True,
                          check=True)
    wall, cpu = proc.stdout.split()
    return float(wall), float(cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--small', type=int, default=2000)
    parser.add_argument('--large', type=int, default=16000)
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument('--one', type=int, help=argparse.SUPPRESS)  # a single measurement, in this process
    args = parser.parse_args()
    if args.one:
        with tempfile.TemporaryDirectory(prefix='rt-linear-') as tmp:
            print(*timed(Path(tmp), args.one))
        return 0
    # Interleaved, so that a change in the machine's load touches both sizes alike.
    small, large = [], []
    for _ in range(args.repeat):
        small.append(_fresh(args.small))
        large.append(_fresh(args.large))
    for what, i in (('wall', 0), ('CPU', 1)):
        s, g = min(t[i] for t in small), min(t[i] for t in large)
        print(f'{what:4s} {args.small:6d} releases: {s:7.3f} s   {args.large:6d} releases: {g:7.3f} s   '
              f'ratio {g / s:.2f}x (linear: {args.large / args.small:.0f}x; goal <= 8x)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
