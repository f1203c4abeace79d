"""audit on real repositories and a real pypiserver: tags at the data's commits, files with matching sha256."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from releasetools.cli.main import main
from releasetools.demo.sandbox import free_port, wait_for_port
from releasetools.git import repo as gitrepo
from releasetools.review.audit import AuditOptions, audit
from releasetools.testing.cyclerepos import CycleWorld, Line, build_repo, cycle_world
from releasetools.testing.gitcmd import git


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out), out.getvalue()


def _opts(world: CycleWorld, series: str | None = None, **kw: object) -> AuditOptions:
    return AuditOptions(world.root, series, repos=world.repos, cache_dir=world.root.parent / 'cache',
                        **kw)  # type: ignore[arg-type]


@pytest.fixture
def world(tmp_path: Path) -> CycleWorld:
    return cycle_world(tmp_path, 4)


def test_every_tag_where_the_data_says(world: CycleWorld) -> None:
    report = audit(_opts(world))
    # 4 repositories: 1.0.0, 1.0.1, 2.0.0 each, and 2.1.0 in every other one.
    assert (report.series, report.tags, report.repositories, report.problems, report.ok) == (None, 14, 4, (), True)
    code, out = _run('audit', '--root', str(world.root), '--repos', world.repos)
    assert (code, out) == (0, 'audit of every series: 14 tags in 4 repositories: no problems\n')


def test_a_missing_and_a_moved_tag_are_reported_and_exit_1(world: CycleWorld) -> None:
    d0 = world.root.parent / 'git' / 'example' / 'd0000'
    d1 = world.root.parent / 'git' / 'example' / 'd0001'
    git(d0, 'tag', '-d', '2.0.0')
    moved_to = world.commits['example/d0001'][('master', 1)]
    git(d1, 'tag', '-f', '-a', '-m', 'moved', '1.0.0', moved_to)
    code, out = _run('audit', '--root', str(world.root), '--repos', world.repos, '--format', 'json')
    data = json.loads(out)
    assert code == 1 and data['ok'] is False
    assert [(p['deliverable'], p['version'], p['where'], p['status']) for p in data['problems']] == [
        ('d0000', '2.0.0', 'tag', 'missing'), ('d0001', '1.0.0', 'tag', 'different')]
    assert data['problems'][1]['detail'] == (f'tag 1.0.0 is at {moved_to}, the data says '
                                             f'{world.commits["example/d0001"][("master", 0)]}')
    code, text = _run('audit', 'gazpacho', '--root', str(world.root), '--repos', world.repos)
    assert code == 1
    assert text.splitlines() == ['audit of gazpacho: 8 tags in 4 repositories: 1 problem',
                                 f'gazpacho/d0001 1.0.0 example/d0001: tag different: tag 1.0.0 is at {moved_to}, '
                                 f'the data says {world.commits["example/d0001"][("master", 0)]}']


def test_lightweight_tags_count_and_an_unreadable_repository_is_a_problem(tmp_path: Path) -> None:
    world = cycle_world(tmp_path, 2)
    light = tmp_path / 'git' / 'example' / 'd0000'
    subprocess.run(['rm', '-rf', str(light)], check=True)
    ids = build_repo(light, [Line('master', 4), Line('stable/2026.1', 2, ('master', 0))],
                     {'1.0.0': ('master', 0), '1.0.1': ('stable/2026.1', 0), '2.0.0': ('master', 2)}, annotated=False)
    assert ids == world.commits['example/d0000']  # the same commits, the tags lightweight
    (tmp_path / 'git' / 'example' / 'd0001').rename(tmp_path / 'gone')
    report = audit(_opts(world, 'hibiscus'))
    assert [(p.deliverable, p.version, p.status) for p in report.problems] == [
        ('d0001', '2.0.0', 'unavailable'), ('d0001', '2.1.0', 'unavailable')]
    code, text = _run('audit', 'hibiscus', '--root', str(world.root), '--repos', world.repos)
    assert code == 1
    assert text.splitlines()[1:] == [
        f'example/d0001: 2 tags not checked: no repository at {tmp_path / "git" / "example" / "d0001"}']


def test_one_for_each_ref_per_repository(tmp_path: Path) -> None:
    per_repo = []
    for count in (2, 6):
        world = cycle_world(tmp_path / str(count), count)
        before = gitrepo.CALLS['count']
        audit(_opts(world, workers=1))
        per_repo.append((gitrepo.CALLS['count'] - before) / count)
    assert per_repo[0] == per_repo[1] <= 3  # rev-parse (locate), for-each-ref, symbolic-ref


@pytest.fixture
def index(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """pypiserver on 127.0.0.1 serving ``packages/``, open to all (the audit reads it anonymously)."""
    packages = tmp_path / 'packages'
    packages.mkdir()
    port = free_port()
    server = Path(sys.executable).with_name('pypi-server')
    proc = subprocess.Popen([str(server), 'run', '-p', str(port), '-i', '127.0.0.1', '-a', '.', '-P', '.',
                             '--disable-fallback', str(packages)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        yield f'http://127.0.0.1:{port}/simple/', packages
    finally:
        proc.terminate()
        proc.wait(10)


def _put(directory: Path, name: str, content: bytes, sidecar: str | None = None) -> None:
    (directory / name).write_bytes(content)
    if sidecar is not None:
        (directory / f'{name}.sha256').write_text(f'{sidecar}  {name}\n')


def test_files_on_the_index_and_in_the_tarballs_directory(world: CycleWorld, index: tuple[str, Path],
                                                          tmp_path: Path) -> None:
    url, packages = index
    tarballs = tmp_path / 'tarballs'
    tarballs.mkdir()

    def both(name: str, content: bytes) -> None:
        _put(packages, name, content)
        _put(tarballs, name, content, hashlib.sha256(content).hexdigest())

    for n in ('d0000', 'd0001'):
        both(f'{n}-2.0.0.tar.gz', f'{n} sdist'.encode())
        both(f'{n}-2.0.0-py3-none-any.whl', f'{n} wheel'.encode())
    _put(packages, 'd0001-2.1.0.tar.gz', b'only on the index')
    _put(packages, 'd0002-2.0.0.tar.gz', b'the index has these bytes')
    _put(tarballs, 'd0002-2.0.0.tar.gz', b'the tarballs these', hashlib.sha256(b'the tarballs these').hexdigest())
    _put(tarballs, 'd0003-2.0.0.tar.gz', b'not on the index', hashlib.sha256(b'not on the index').hexdigest())
    _put(packages, 'd0003-2.1.0.tar.gz', b'bytes')
    _put(tarballs, 'd0003-2.1.0.tar.gz', b'bytes', 'f' * 64)

    code, out = _run('audit', 'hibiscus', '--root', str(world.root), '--repos', world.repos, '--index', url,
                     '--tarballs', str(tarballs), '--format', 'json')
    data = json.loads(out)
    assert code == 1 and data['artifacts'] == 6 and data['tags'] == 6
    got = [(p['deliverable'], p['version'], p['where'], p['status'], p['detail']) for p in data['problems']]
    index_sha = hashlib.sha256(b'the index has these bytes').hexdigest()
    tarballs_sha = hashlib.sha256(b'the tarballs these').hexdigest()
    assert got == [
        ('d0001', '2.1.0', 'tarballs', 'missing', 'd0001-2.1.0.tar.gz is on the index, not in the tarballs directory'),
        ('d0002', '2.0.0', 'index', 'different',
         f'd0002-2.0.0.tar.gz: sha256 {index_sha} on the index, {tarballs_sha} in tarballs'),
        ('d0003', '2.0.0', 'index', 'missing', 'd0003-2.0.0.tar.gz is in the tarballs directory, not on the index'),
        ('d0003', '2.1.0', 'tarballs', 'different',
         f'd0003-2.1.0.tar.gz: sha256 {hashlib.sha256(b"bytes").hexdigest()}, its .sha256 says {"f" * 64}'),
    ]


def test_an_index_that_does_not_answer_is_unavailable(world: CycleWorld) -> None:
    url = f'http://127.0.0.1:{free_port()}/simple/'
    report = audit(_opts(world, 'hibiscus', index=url))
    assert report.artifacts == 6
    assert {(p.where, p.status) for p in report.problems} == {('index', 'unavailable')}
    assert all('cannot reach the index' in p.detail for p in report.problems)


def test_a_release_with_no_file_anywhere_is_missing_in_both(world: CycleWorld, index: tuple[str, Path],
                                                            tmp_path: Path) -> None:
    url, _ = index
    (tmp_path / 'tarballs').mkdir()
    report = audit(_opts(world, 'hibiscus', index=url, tarballs=tmp_path / 'tarballs'))
    first = [(p.deliverable, p.version, p.where, p.status, p.detail) for p in report.problems][:2]
    assert first == [('d0000', '2.0.0', 'index', 'missing', 'no file of d0000 2.0.0 on the index'),
                     ('d0000', '2.0.0', 'tarballs', 'missing', f'no file of d0000 2.0.0 in {tmp_path / "tarballs"}')]
    assert len(report.problems) == 12
