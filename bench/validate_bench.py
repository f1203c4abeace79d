#!/usr/bin/env python3
"""Benchmark ``releasetools validate`` on ~6,000 real-shaped files.

The tree is the public release data of ``../shared/upstream-sample`` (real
files: nova's long histories, openstack-ansible's big multi-repository files,
_independent's pbr), with every deliverable group copied under new names until
there are ``--files`` files, the size of the full public tree. Synthetic short
files would flatter the tool: real ones have long histories, comments,
multi-repository releases and real findings.

Prints, from one run on this machine:
  * the time to parse every file with PyYAML's CSafeLoader alone (the floor),
  * ``validate --all --offline`` and its ratio to that floor (goal <= 1.2x),
  * the wall time of the ``releasetools validate`` command for a request that
    changes one file of the same tree as a git checkout (goal < 0.5 s).

Both contenders run *cold*: each in a fresh process, with an empty cache
directory, after one untimed read of every file so that the operating
system's page cache serves both alike; the best of ``--repeat`` fresh runs is
kept for each.

Usage: python bench/validate_bench.py [--files N] [--repeat N] [--sample DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from releasetools.testing.deliverables import Release

SAMPLE = Path(__file__).resolve().parents[2] / 'shared' / 'upstream-sample'

# Each contender prints its wall time and its CPU time (its own and its worker processes').
CPU = """
import resource, time
def cpu():
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
"""

FLOOR = CPU + """
import sys, yaml
files = open(sys.argv[1]).read().split()
start, c0 = time.perf_counter(), cpu()
for name in files:
    with open(name, 'rb') as fh:
        yaml.load(fh, Loader=yaml.CSafeLoader)
print(time.perf_counter() - start, cpu() - c0)
"""

VALIDATE = CPU + """
import sys
from pathlib import Path
from releasetools.validate import ValidateOptions, validate
start, c0 = time.perf_counter(), cpu()
report = validate(ValidateOptions(root=Path(sys.argv[1]), all=True, offline=True, cache_dir=Path(sys.argv[2])))
elapsed, used = time.perf_counter() - start, cpu() - c0
assert report.checked == int(sys.argv[3]), report.checked
print(elapsed, used, len(report.errors), len(report.skipped))
"""


def build_tree(sample: Path, root: Path, wanted: int) -> int:
    """Copy the sample to ``root`` and replicate its deliverable groups to ``wanted`` files."""
    shutil.copytree(sample / 'data', root / 'data')
    groups: dict[str, list[Path]] = defaultdict(list)
    for path in sorted((sample / 'deliverables').glob('*/*.yaml')):
        groups[path.stem].append(path)
    count = 0
    copy = 0
    while count < wanted:
        for name, paths in sorted(groups.items()):
            if count >= wanted:
                break
            new_name = name if copy == 0 else f'{name}-copy{copy}'
            for path in paths:
                target = root / 'deliverables' / path.parent.name / f'{new_name}.yaml'
                target.parent.mkdir(parents=True, exist_ok=True)
                text = path.read_text(encoding='utf-8')
                if copy:
                    # The copy's own repositories: a copy is another deliverable, not a second nova.
                    text = text.replace(f'/{name}\n', f'/{new_name}\n').replace(f'/{name}:', f'/{new_name}:')
                target.write_text(text, encoding='utf-8')
                count += 1
        copy += 1
    return count


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, 'GIT_AUTHOR_NAME': 'bench', 'GIT_AUTHOR_EMAIL': 'bench@example.invalid',
           'GIT_COMMITTER_NAME': 'bench', 'GIT_COMMITTER_EMAIL': 'bench@example.invalid'}
    subprocess.run(['git', *args], cwd=root, check=True, capture_output=True, env=env)


def _fresh(code: str, *args: str) -> list[str]:
    proc = subprocess.run([sys.executable, '-c', code, *args], capture_output=True, text=True, check=True)
    return proc.stdout.split()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--files', type=int, default=6000)
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--sample', type=Path, default=SAMPLE)
    args = parser.parse_args()
    if not (args.sample / 'data' / 'series_status.yaml').is_file():
        print(f'no data sample at {args.sample}: pass --sample DIR', file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix='rt-bench-') as tmp:
        root = Path(tmp) / 'data'
        count = build_tree(args.sample, root, args.files)
        files = sorted(str(p) for p in root.glob('deliverables/*/*.yaml'))
        listing = Path(tmp) / 'files.txt'
        listing.write_text('\n'.join(files))
        size = sum(os.path.getsize(f) for f in files)
        releases = sum(Path(f).read_text(encoding='utf-8').count('version:') for f in files)  # warms the page cache
        print(f'tree: {count} real-shaped deliverable files ({len(files)} on disk), {size / 1e6:.1f} MB, '
              f'~{releases} releases, {os.cpu_count()} CPUs')

        floors, fulls = [], []
        for i in range(args.repeat):
            floors.append(tuple(map(float, _fresh(FLOOR, str(listing)))))
            cache = Path(tmp) / f'cache-{i}'  # empty: cold, no mirror, no earlier run
            elapsed, used, errors, skipped = _fresh(VALIDATE, str(root), str(cache), str(count))
            fulls.append((float(elapsed), float(used)))
        floor, full = min(f[0] for f in floors), min(f[0] for f in fulls)
        floor_cpu, full_cpu = min(f[1] for f in floors), min(f[1] for f in fulls)
        print(f'CSafeLoader parse only        : {floor:7.3f} s   CPU {floor_cpu:7.3f} s   '
              f'(fresh process, best of {args.repeat})')
        print(f'validate --all --offline      : {full:7.3f} s   CPU {full_cpu:7.3f} s   '
              f'({errors} errors, {skipped} checks skipped)')
        print(f'ratio to the floor            : {full / floor:.2f}x wall, {full_cpu / floor_cpu:.2f}x CPU '
              f'(goal <= 1.2x; validate uses up to {min(os.cpu_count() or 1, 8)} worker processes)')

        _git(root, 'init', '-q', '-b', 'master')
        _git(root, 'add', '-A')
        _git(root, 'commit', '-q', '-m', 'data')
        # A release request: one release appended to a file of the current series.
        target = root / 'deliverables' / 'hibiscus' / 'bifrost.yaml'
        target.write_text(target.read_text(encoding='utf-8') + Release.of('21.1.0', 'ab' * 20, 'openstack/bifrost')
                          .block(), encoding='utf-8')
        cmd = [sys.executable, '-m', 'releasetools', 'validate', '--root', str(root), '--base', 'HEAD', '--offline',
               '--cache-dir', str(Path(tmp) / 'cache-cli')]
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
