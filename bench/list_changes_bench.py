#!/usr/bin/env python3
"""Benchmark ``list-changes`` for one release against a plain ``reno report``, on a nova-size repository.

Builds with ``git fast-import`` (a few seconds) a repository the size of nova:
62,000 commits on master (plus a stable branch), ~370 version tags, 1,175 reno
note files added across the history, and a small Python package. A data
repository requests one new release: the commit after the last tag, a
typical review. Then, in one run:

  * a plain ``reno report`` of the repository (what a reviewer would otherwise
    run; killed after --reno-timeout seconds, default 180);
  * ``list-changes`` for the one release, notes preview included: cold (empty
    cache) and warm (second run);

and prints the times, the git processes and the ratio (goal: list-changes < 5 s).

Usage: python bench/list_changes_bench.py [--commits N] [--notes N] [--reno-timeout S] [--skip-reno]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from releasetools.git import repo as gitrepo
from releasetools.review import ChangesOptions, list_changes
from releasetools.testing.datarepo import DataRepo
from releasetools.testing.deliverables import Release
from releasetools.testing.series import table

ENV = {**os.environ, 'GIT_AUTHOR_NAME': 'bench', 'GIT_AUTHOR_EMAIL': 'bench@example.invalid',
       'GIT_COMMITTER_NAME': 'bench', 'GIT_COMMITTER_EMAIL': 'bench@example.invalid',
       'GIT_CONFIG_GLOBAL': os.devnull, 'GIT_CONFIG_NOSYSTEM': '1'}
SECTIONS = ('features', 'fixes', 'upgrade', 'deprecations', 'fixes', 'fixes')


def _stream(commits: int, tags: int, notes: int, stable: int) -> tuple[bytes, list[tuple[str, int]]]:
    """The fast-import stream and the version tags [(version, mark)], oldest first."""
    out: list[bytes] = []
    when = 1_500_000_000
    every_tag = (commits - 200) // tags  # the release under review follows the last tag by ~200 commits
    versions: list[tuple[str, int]] = []

    def blob_cmd(path: str, body: bytes) -> bytes:
        return b'M 644 inline %s\ndata %d\n%s\n' % (path.encode(), len(body), body)

    note_count = 0
    for mark in range(1, commits + 1):
        when += 30
        out.append(b'commit refs/heads/master\nmark :%d\nauthor dev%d <dev@example.invalid> %d +0000\n'
                   b'committer bench <bench@example.invalid> %d +0000\ndata %d\n%s\n'
                   % (mark, mark % 40, when, when, len(b'Change %d' % mark), b'Change %d' % mark))
        if mark > 1:
            out.append(b'from :%d\n' % (mark - 1))
        else:
            out.append(blob_cmd('setup.cfg', b'[metadata]\nname = bench\n\n[files]\npackages = bench_pkg\n'))
            out.append(blob_cmd('requirements.txt', b'pbr>=2.0.0\noslo.config>=9.0.0\n'))
        out.append(blob_cmd('counter', b'%d\n' % mark))
        if mark % 5000 == 1 or mark == commits:
            funcs = ''.join(f'def api_{i}(x, y=1):\n    return x\n\n\n' for i in range(mark // 5000 + 5))
            out.append(blob_cmd('bench_pkg/__init__.py', funcs.encode()))
        if mark * notes // commits != (mark - 1) * notes // commits:  # exactly ``notes``, evenly spread
            note_count += 1
            section = SECTIONS[note_count % len(SECTIONS)]
            body = f'{section}:\n  - |\n    Note {note_count}: a change described at some length, with ``code``\n' \
                   f'    and a second line of prose.\n'
            out.append(blob_cmd(f'releasenotes/notes/note-{note_count}-{note_count:016x}.yaml', body.encode()))
        if mark % every_tag == 0 and len(versions) < tags:
            n = len(versions)
            versions.append((f'{n // 100 + 1}.{n % 100 // 10}.{n % 10}', mark))
    # A stable branch off an old tag, with a few commits.
    base = versions[len(versions) // 2][1]
    for i in range(stable):
        when += 30
        mark = commits + 1 + i
        out.append(b'commit refs/heads/stable/bench\nmark :%d\ncommitter bench <bench@example.invalid> %d +0000\n'
                   b'data 10\nBackport %d\nfrom :%d\n' % (mark, when, i % 10, base if i == 0 else mark - 1))
        out.append(blob_cmd('counter', b's%d\n' % i))
    for version, mark in versions:
        out.append(b'tag %s\nfrom :%d\ntagger bench <bench@example.invalid> %d +0000\ndata 0\n'
                   % (version.encode(), mark, when))
    return b''.join(out) + b'done\n', versions


def _git(cwd: Path, *args: str, data: bytes | None = None) -> str:
    return subprocess.run(['git', *args], cwd=cwd, input=data, capture_output=True, check=True,
                          env=ENV).stdout.decode()


def _data_repo(top: Path, versions: list[tuple[str, str]], head: str) -> Path:
    data = DataRepo(top / 'data', table('hibiscus'), cache_dir=top / 'cache')

    def text(entries: list[tuple[str, str]]) -> str:
        out = ['team: bench\ntype: library\nlaunchpad: bench\nrelease-model: cycle-with-intermediary\n'
               'release-type: python-pypi\nrepository-settings:\n  bench/repo: {}\nreleases:\n']
        out.extend(Release.of(v, h, 'bench/repo').block() for v, h in entries)
        return ''.join(out)

    path = data.root / 'deliverables' / 'hibiscus' / 'bench.yaml'
    recent = versions[-20:]
    path.write_text(text(recent))
    data.init_git()
    data.commit('base')
    last = recent[-1][0]
    major, minor, patch = (int(p) for p in last.split('.'))
    path.write_text(text([*recent, (f'{major}.{minor}.{patch + 1}', head)]))
    return data.root


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--commits', type=int, default=62_000)
    parser.add_argument('--tags', type=int, default=371)
    parser.add_argument('--notes', type=int, default=1_175)
    parser.add_argument('--reno-timeout', type=float, default=180)
    parser.add_argument('--skip-reno', action='store_true', help='do not time reno report')
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix='rt-lcbench-') as tmp:
        top = Path(tmp)
        src = top / 'git' / 'bench' / 'repo'
        src.mkdir(parents=True)
        _git(src, 'init', '-q', '-b', 'master')
        start = time.perf_counter()
        stream, versions = _stream(args.commits, args.tags, args.notes, 50)
        _git(src, 'fast-import', '--quiet', '--done', data=stream)
        _git(src, 'reset', '-q', '--hard', 'master')
        shas = dict(line.split(' ', 1) for line in _git(
            src, 'for-each-ref', '--format=%(refname:short) %(*objectname)', 'refs/tags').splitlines())
        head = _git(src, 'rev-parse', 'master').strip()
        count = _git(src, 'rev-list', '--all', '--count').strip()
        notes = len(_git(src, 'ls-tree', '--name-only', 'master', 'releasenotes/notes/').splitlines())
        print(f'repository: {count} commits, {len(shas)} tags, {notes} note files '
              f'(built in {time.perf_counter() - start:.1f} s)')
        data = _data_repo(top, [(v, shas[v]) for v, _ in versions], head)

        reno_time = None
        if not args.skip_reno:
            reno = Path(sys.executable).with_name('reno')
            start = time.perf_counter()
            try:
                subprocess.run([str(reno), '-q', 'report', '--no-show-source', str(src)], capture_output=True,
                               check=True, timeout=args.reno_timeout, env=ENV)
                reno_time = time.perf_counter() - start
                print(f'plain reno report          : {reno_time:6.2f} s')
            except subprocess.TimeoutExpired:
                print(f'plain reno report          : > {args.reno_timeout:.0f} s (killed at the timeout)')
                reno_time = args.reno_timeout

        opts = ChangesOptions(root=data, base='HEAD', repos=str(top / 'git') + '/{repo}', offline=True,
                              cache_dir=top / 'cache', date=dt.date(2027, 1, 5))
        times = []
        for label in ('cold cache', 'warm cache'):
            before = gitrepo.CALLS['count']
            start = time.perf_counter()
            report = list_changes(opts)
            elapsed = time.perf_counter() - start
            times.append(elapsed)
            (release,) = report.releases
            (repo,) = release.repos
            assert repo.unavailable is None and repo.notes is not None and repo.commits is not None, repo
            print(f'list-changes, {label:10}  : {elapsed:6.2f} s, {gitrepo.CALLS["count"] - before:2d} git processes '
                  f'({release.previous_version} -> {release.version}: {len(repo.commits)} commits, '
                  f'{len(repo.notes.files)} notes, implied {repo.notes.implied_step}, '
                  f'{len(release.warnings)} warnings)')
        if reno_time is not None:
            print(f'ratio                      : {reno_time / times[0]:.0f}x faster cold, '
                  f'{reno_time / times[1]:.0f}x warm (goal: list-changes < 5 s)')
        return 0 if max(times) < 5 else 1


if __name__ == '__main__':
    sys.exit(main())
