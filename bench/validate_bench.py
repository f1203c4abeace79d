#!/usr/bin/env python3
"""Benchmark ``releasetools validate`` on a generated ~6,000-file data repository.

Prints, from one run on this machine:
  * the time to parse every file with PyYAML's CSafeLoader alone (the floor),
  * ``validate --all --offline`` in-process, and its ratio to that floor (goal <= 1.5x),
  * the wall time of the ``releasetools validate`` command for a request that
    changes one file in the same repository as a git checkout (goal < 0.5 s).

Usage: python bench/validate_bench.py [--series N] [--deliverables N] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from releasetools.synth import SynthSpec, write_tree
from releasetools.validate import ValidateOptions, validate


def _best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, 'GIT_AUTHOR_NAME': 'bench', 'GIT_AUTHOR_EMAIL': 'bench@example.invalid',
           'GIT_COMMITTER_NAME': 'bench', 'GIT_COMMITTER_EMAIL': 'bench@example.invalid'}
    subprocess.run(['git', *args], cwd=root, check=True, capture_output=True, env=env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--series', type=int, default=30)
    parser.add_argument('--deliverables', type=int, default=195)
    parser.add_argument('--repeat', type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix='rt-bench-') as tmp:
        root = Path(tmp)
        count = write_tree(root, SynthSpec(series=args.series, deliverables=args.deliverables))
        files = sorted(str(p) for p in root.glob('deliverables/*/*.yaml'))
        print(f'tree: {count} deliverable files, {sum(os.path.getsize(f) for f in files) / 1e6:.1f} MB, '
              f'{os.cpu_count()} CPUs')

        def parse_only() -> None:
            for name in files:
                with open(name, 'rb') as fh:
                    yaml.load(fh, Loader=yaml.CSafeLoader)

        def validate_all() -> None:
            report = validate(ValidateOptions(root=root, all=True, offline=True))
            assert report.checked == count, report.checked

        validate_all()  # warm the page cache for both contenders alike
        floor = _best(parse_only, args.repeat)
        full = _best(validate_all, args.repeat)
        print(f'CSafeLoader parse only        : {floor:7.3f} s')
        print(f'validate --all --offline      : {full:7.3f} s   ratio {full / floor:.2f}x (goal <= 1.5x)')

        _git(root, 'init', '-q', '-b', 'master')
        _git(root, 'add', '-A')
        _git(root, 'commit', '-q', '-m', 'data')
        # A release request: one entry appended to one file of the newest series.
        newest = sorted((root / 'deliverables').iterdir())[-1]
        target = next(p for p in sorted(newest.glob('*.yaml')) if 'cycle-with-intermediary' in p.read_text())
        text = target.read_text()
        major = text.split('version: ')[-1].split('.')[0]
        head = text.split('branches:')[0]
        rest = text[len(head):]
        target.write_text(head + f'  - version: {major}.2.0\n    projects:\n      - repo: example/{target.stem}\n'
                          f'        hash: {"ab" * 20}\n' + rest)
        cmd = [sys.executable, '-m', 'releasetools', 'validate', '--root', str(root), '--base', 'HEAD', '--offline']
        walls = []
        for _ in range(max(args.repeat, 3)):
            start = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
            walls.append(time.perf_counter() - start)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert 'checked 1 file' in proc.stdout, proc.stdout
        print(f'one changed file, CLI wall    : {min(walls):7.3f} s   (median {statistics.median(walls):.3f} s; '
              'goal < 0.5 s)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
