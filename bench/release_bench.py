#!/usr/bin/env python3
"""Benchmark the release job on a 10-repository deliverable against the raw work it wraps.

In one run, on real components (bare git remotes, real pbr projects, a local
pypiserver with authentication):

  * raw: for each repository, ``python -m build`` at a tag and ``twine upload``,
    one after the other, to one index;
  * job: ``releasetools release`` of the same 10 repositories (validation, tags,
    builds, twine check, uploads, verification, notes, announcement) to a
    second index;
  * no-op: the same job run again (everything already done).

Prints the three times and job/raw (goal: under 1.2x). Builds run without
isolation in both, so the network does not enter the measurement.

Usage: python bench/release_bench.py [--repos N]
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from releasetools.cli import main as releasetools
from releasetools.testing.datarepo import DataRepo
from releasetools.testing.gitcmd import commit_file, git
from releasetools.testing.pbrproject import Project
from releasetools.testing.series import table
from tests.release.servers import PASSWORD, USER, Index


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--repos', type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix='rt-relbench-') as tmp:
        top = Path(tmp)
        projects = [Project(top, f'part{i:02d}') for i in range(args.repos)]
        raw_index = Index(top / 'raw-index' / 'packages').start()
        job_index = Index(top / 'job-index' / 'packages').start()
        env = {**os.environ, 'TWINE_USERNAME': USER, 'TWINE_PASSWORD': PASSWORD}
        try:
            start = time.perf_counter()
            for p in projects:
                clone = top / 'raw' / p.name
                git(top, 'clone', '-q', str(p.bare), str(clone))
                git(clone, 'tag', '-a', '-m', 'raw', '1.0.0')
                subprocess.run([sys.executable, '-m', 'build', '--no-isolation', '--skip-dependency-check',
                                '--outdir', str(clone / 'dist'), str(clone)], check=True, capture_output=True)
                subprocess.run([sys.executable, '-m', 'twine', 'upload', '--non-interactive',
                                '--disable-progress-bar', '--repository-url', raw_index.url,
                                *map(str, sorted((clone / 'dist').iterdir()))], check=True, capture_output=True,
                               env=env)
            raw = time.perf_counter() - start

            data = DataRepo(top / 'data', table('hibiscus'), cache_dir=top / 'cache').root
            settings = ''.join(f'  {p.repo}: {{}}\n' for p in projects)
            head = f'launchpad: parts\nteam: demo\ntype: library\nrelease-type: python-pypi\n' \
                   f'repository-settings:\n{settings}'
            path = data / 'deliverables' / '_independent' / 'parts.yaml'
            path.write_text(head)
            git(top, 'init', '-q', '-b', 'master', str(data))
            commit_file(data, {}, 'base')
            rows = ''.join(f'      - repo: {p.repo}\n        hash: {p.commits[0]}\n' for p in projects)
            path.write_text(head + f'releases:\n  - version: 1.0.0\n    projects:\n{rows}')
            commit_file(data, {}, 'release parts 1.0.0')
            command = ['release', '--root', str(data), '--remotes', projects[0].template, '--workdir',
                       str(top / 'work'), '--cache-dir', str(top / 'cache'), '--no-build-isolation',
                       '--index-url', job_index.url]
            os.environ.update({'RELEASETOOLS_INDEX_USER': USER, 'RELEASETOOLS_INDEX_PASSWORD': PASSWORD})
            start = time.perf_counter()
            out = io.StringIO()
            code = releasetools(command, out=out)
            job = time.perf_counter() - start
            assert code == 0, out.getvalue()
            assert len(job_index.files()) == 2 * args.repos, job_index.files()
            start = time.perf_counter()
            out = io.StringIO()
            code = releasetools(command, out=out)
            noop = time.perf_counter() - start
            assert code == 0 and 'done ' not in out.getvalue().replace('already done', ''), out.getvalue()
        finally:
            raw_index.stop()
            job_index.stop()
        print(f'{args.repos} repositories, {os.cpu_count()} CPUs')
        print(f'raw build + upload, sequential : {raw:6.2f} s')
        print(f'releasetools release           : {job:6.2f} s   ratio {job / raw:.2f}x (goal < 1.2x)')
        print(f'no-op re-run                   : {noop:6.2f} s')
    return 0


if __name__ == '__main__':
    sys.exit(main())
