#!/usr/bin/env python3
"""Benchmark ``propose-final`` over a 65-file series (goal: < 5 s).

Builds a data repository whose development series (hibiscus) has 65
cycle-with-rc deliverables, each at its first release candidate, each with a
real git repository in which the previous series (gazpacho) released and cut
its stable branch; then times one ``propose-final hibiscus``: the locks, the
plans, ``diff-start`` read from every repository (merge-base, tags), the whole
request validated, 65 files written. Prints the wall time and git processes.

Usage: python bench/propose_bench.py [--files N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from releasetools.git import repo as gitrepo
from releasetools.propose.final import ProposeFinalOptions, propose_final
from releasetools.testing.datarepo import DataRepo
from releasetools.testing.deliverables import Release
from releasetools.testing.gitcmd import commit_file, git, init_repo
from releasetools.testing.series import OPEN_SERIES

GOAL = 5.0


def _header(name: str) -> str:
    return (f'---\nlaunchpad: {name}\nrelease-model: cycle-with-rc\nteam: {name}\ntype: service\n'
            f'repository-settings:\n  openstack/{name}: {{}}\n')


def build(top: Path, files: int) -> Path:
    data = top / 'data'
    DataRepo(data, OPEN_SERIES)
    for i in range(files):
        name = f'service{i:03d}'
        src = init_repo(top / 'git' / 'openstack' / name)
        commit_file(src, {'setup.cfg': f'[metadata]\nname = {name}\n'}, 'layout')
        g = commit_file(src, {'a.py': '1\n'}, 'gazpacho work')
        git(src, 'tag', '-a', '-m', 'rc1', '2.0.0.0rc1')
        git(src, 'tag', '-a', '-m', 'final', '2.0.0')
        git(src, 'branch', 'stable/2026.1')
        h = commit_file(src, {'a.py': '2\n'}, 'hibiscus work')
        repo = f'openstack/{name}'
        (data / 'deliverables' / 'gazpacho' / f'{name}.yaml').write_text(
            _header(name) + 'releases:\n' + Release.of('2.0.0.0rc1', g, repo).block()
            + Release.of('2.0.0', g, repo).block() + 'branches:\n  - name: stable/2026.1\n    location: 2.0.0\n')
        (data / 'deliverables' / 'hibiscus' / f'{name}.yaml').write_text(
            _header(name) + 'releases:\n' + Release.of('3.0.0.0rc1', h, repo).block())
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--files', type=int, default=65)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix='propose-bench-') as tmp:
        top = Path(tmp)
        t0 = time.perf_counter()
        data = build(top, args.files)
        print(f'built {args.files} repositories and files in {time.perf_counter() - t0:.1f} s')
        calls = gitrepo.CALLS['count']
        t0 = time.perf_counter()
        result = propose_final(ProposeFinalOptions('hibiscus', root=data, repos=str(top / 'git') + '/{repo}',
                                                   offline=True, cache_dir=top / 'cache'))
        elapsed = time.perf_counter() - t0
        processes = gitrepo.CALLS['count'] - calls
        with_start = sum(1 for o in result.outcomes if o.added and o.notes[0].startswith('diff-start'))
    print(f'propose-final over {args.files} files: {elapsed:.2f} s, {processes} git processes, '
          f'{len(result.changed)} finals ({with_start} with diff-start)  (goal < {GOAL:.0f} s)')
    return 0 if elapsed < GOAL and len(result.changed) == args.files == with_start else 1


if __name__ == '__main__':
    sys.exit(main())
