#!/usr/bin/env python3
"""Benchmark the git-backed checks against a naive one-git-process-per-check run.

Builds (with ``git fast-import``, a few seconds) a repository of ~70,000
commits: a master line and four stable branches, ~400 tags; and a data
repository whose deliverable has 300 releases on it. Then, in one run:

  * ``validate --all`` with the batched fact gathering (wall time, git processes),
  * the same questions asked the naive way: ``cat-file -t``, ``rev-parse``,
    ``merge-base --is-ancestor`` (release ancestry and branch membership) and
    ``show`` per release, one process each,

and prints both with their ratios (goal: >= 10x fewer processes, fast path < 2 s).

Usage: python bench/git_bench.py [--master N] [--stable N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from releasetools.git import repo as gitrepo
from releasetools.testing.datarepo import DataRepo
from releasetools.testing.deliverables import Release
from releasetools.testing.series import table
from releasetools.validate import ValidateOptions, validate

ENV = {**os.environ, 'GIT_AUTHOR_NAME': 'bench', 'GIT_AUTHOR_EMAIL': 'bench@example.invalid',
       'GIT_COMMITTER_NAME': 'bench', 'GIT_COMMITTER_EMAIL': 'bench@example.invalid'}
BRANCH_POINTS = (50, 100, 150, 200)  # master minor versions where stable branches are cut


def _fast_import_stream(master: int, stable: int, every: int, patches: int) -> tuple[bytes, list]:
    """A fast-import stream; returns it and the releases [(version, mark, branch)]."""
    out: list[bytes] = []
    releases: list[tuple[str, int, str]] = []
    when = 1_700_000_000

    def commit(mark: int, ref: str, parent: int | None, body: bytes, name: bytes = b'counter') -> None:
        nonlocal when
        when += 60
        out.append(b'commit %s\nmark :%d\ncommitter bench <bench@example.invalid> %d +0000\ndata 0\n'
                   % (ref.encode(), mark, when))
        if parent is not None:
            out.append(b'from :%d\n' % parent)
        out.append(b'M 644 inline %s\ndata %d\n%s\n' % (name, len(body), body))

    mark = 0
    setup = b'[metadata]\nname = repo\n'
    mark += 1
    commit(mark, 'refs/heads/master', None, setup, b'setup.cfg')
    master_marks = [mark]
    for i in range(1, master):
        mark += 1
        commit(mark, 'refs/heads/master', mark - 1, b'%d' % i)
        master_marks.append(mark)
    minor_marks = {}
    for minor, position in enumerate(range(every - 1, master, every)):
        releases.append((f'1.{minor}.0', master_marks[position], 'master'))
        minor_marks[minor] = master_marks[position]
    for point in BRANCH_POINTS:
        if point not in minor_marks:
            continue
        branch = f'stable/1.{point}'
        parent = minor_marks[point]
        step = max(1, stable // (patches + 1))
        patch = 0
        for i in range(1, stable + 1):
            mark += 1
            commit(mark, f'refs/heads/{branch}', parent, b's%d' % i)
            parent = mark
            if i % step == 0 and patch < patches:
                patch += 1
                releases.append((f'1.{point}.{patch}', mark, branch))
    for version, m, _ in releases:
        out.append(b'tag %s\nfrom :%d\ntagger bench <bench@example.invalid> %d +0000\ndata 0\n'
                   % (version.encode(), m, when))
    for i in range(100):  # unrelated lightweight tags, as real repositories have
        out.append(b'reset refs/tags/old-%d\nfrom :%d\n\n' % (i, master_marks[i * 7]))
    return b''.join(out) + b'done\n', releases


def _git(cwd: Path, *args: str, data: bytes | None = None) -> str:
    return subprocess.run(['git', *args], cwd=cwd, input=data, capture_output=True, check=True,
                          env=ENV).stdout.decode()


def main() -> int:  # noqa: PLR0915 - one linear script: build the repository, time both ways, print
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--master', type=int, default=60_000, help='commits on master')
    parser.add_argument('--stable', type=int, default=2_500, help='commits on each of 4 stable branches')
    args = parser.parse_args()
    every = args.master // 240

    with tempfile.TemporaryDirectory(prefix='rt-gitbench-') as tmp:
        top = Path(tmp)
        src = top / 'git' / 'bench' / 'repo'
        src.mkdir(parents=True)
        _git(src, 'init', '-q', '--bare', '-b', 'master')
        start = time.perf_counter()
        stream, releases = _fast_import_stream(args.master, args.stable, every, 15)
        _git(src, 'fast-import', '--quiet', '--done', data=stream)
        marks = {}
        count = int(_git(src, 'rev-list', '--all', '--count').strip())
        tags = _git(src, 'for-each-ref', '--format=%(refname:short) %(*objectname)', 'refs/tags')
        for line in tags.splitlines():
            name, sha = line.split(' ', 1)
            marks[name] = sha
        print(f'repository: {count} commits, {len(marks)} tags, {len(releases)} releases '
              f'(built in {time.perf_counter() - start:.1f} s)')

        data = DataRepo(top / 'data', table('hibiscus'), cache_dir=top / 'cache').root
        ordered = sorted(releases, key=lambda r: int(_git(src, 'show', '-s', '--format=%ct', marks[r[0]])))
        text = ['launchpad: bench\nteam: bench\ntype: library\nrelease-type: python-pypi\n'
                'repository-settings:\n  bench/repo: {}\nreleases:\n']
        text.extend(Release.of(version, marks[version], 'bench/repo').block() for version, _, _ in ordered)
        text.append('branches:\n')
        for point in BRANCH_POINTS:
            text.append(f'  - name: stable/1.{point}\n    location: 1.{point}.0\n')
        (data / 'deliverables' / '_independent' / 'bench.yaml').write_text(''.join(text))

        opts = ValidateOptions(root=data, all=True, offline=True, repos=str(top / 'git') + '/{repo}',
                               cache_dir=top / 'cache')
        before = gitrepo.CALLS['count']
        start = time.perf_counter()
        report = validate(opts)
        fast = time.perf_counter() - start
        fast_calls = gitrepo.CALLS['count'] - before
        errors = [f for f in report.findings if f.severity == 'error']
        assert not errors, errors[:5]
        assert not report.skipped, report.skipped[:5]
        print(f'batched validate --all   : {fast:6.2f} s, {fast_calls:5d} git processes '
              f'({len(report.findings)} findings, {len(report.skipped)} skipped)')

        # The naive way: one process per question, as a straightforward validator would ask.
        start = time.perf_counter()
        naive_calls = 0
        previous: dict[str, str] = {}
        for version, _, branch in ordered:
            sha = marks[version]
            line = version.rsplit('.', 1)[0] if not version.endswith('.0') else 'master'
            checks = [['cat-file', '-t', sha], ['rev-parse', f'refs/tags/{version}^{{commit}}'],
                      ['merge-base', '--is-ancestor', sha, branch], ['show', f'{sha}:setup.cfg']]
            if line in previous:
                checks.append(['merge-base', '--is-ancestor', previous[line], sha])
            for check in checks:
                subprocess.run(['git', *check], cwd=src, capture_output=True, check=False)
                naive_calls += 1
            previous[line] = sha
            if version.endswith('.0'):
                previous[version.rsplit('.', 1)[0]] = sha
        naive = time.perf_counter() - start
        print(f'naive, process per check : {naive:6.2f} s, {naive_calls:5d} git processes')
        print(f'ratio                    : {naive_calls / max(fast_calls, 1):.0f}x fewer processes, '
              f'{naive / fast:.1f}x faster (goals: >= 10x fewer, fast path < 2 s)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
