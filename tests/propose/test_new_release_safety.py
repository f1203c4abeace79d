"""new-release never loses or corrupts data: concurrent runs, line endings, trailing lines, links, hostile names."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from releasetools.data.yamlio import parse_yaml
from releasetools.testing.gitcmd import commit_file, git
from tests.propose.test_new_release import World


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


def _cli(world: World, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, '-m', 'releasetools', 'new-release', '--root', str(world.data), '--offline',
         '--repos', str(world.top / 'git') + '/{repo}', '--cache-dir', str(world.top / 'cache'), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, 'PYTHONPATH': str(Path(__file__).resolve().parents[2])})


def test_two_runs_at_once_never_lose_an_entry(world: World) -> None:
    """Each run lands its entry or is refused with one clear line; the file has one entry per success."""
    base = world.hibiscus.read_text()
    for attempt in range(10):
        world.hibiscus.write_text(base)
        procs = [_cli(world, 'hibiscus', 'nova', 'rc') for _ in range(2)]
        results = [(p.wait(60), *p.communicate()) for p in procs]
        landed = [out for code, out, _ in results if code == 0]
        for code, _out, err in results:
            assert 'Traceback' not in err, err
            if code != 0:
                assert code == 2 and err.startswith('releasetools: error: nothing new since 3.0.0.0rc1'), err
        releases = parse_yaml(world.hibiscus.read_text())['releases']
        assert [r['version'] for r in releases] == ['3.0.0.0rc1'][:len(landed)], (attempt, results)
        assert len(landed) == 1, (attempt, results)  # the second saw the first's entry: nothing new to release


def test_crlf_trailing_comment_and_blank_line_are_kept(world: World) -> None:
    text = world.hibiscus.read_text() + '# keep me at the end\n\n'
    world.hibiscus.write_bytes(text.encode().replace(b'\n', b'\r\n'))
    code, out = world.run('hibiscus', 'nova', 'rc')
    assert code == 0, out
    content = world.hibiscus.read_bytes()
    assert content.count(b'\n') == content.count(b'\r\n')  # every line still ends in CRLF
    assert content.endswith(f'releases:\r\n  - version: 3.0.0.0rc1\r\n    projects:\r\n      - repo: openstack/nova'
                            f'\r\n        hash: {world.c[2]}\r\n# keep me at the end\r\n\r\n'.encode())
    assert world.validate() == []


def test_crlf_kept_when_appending_to_a_list(world: World) -> None:
    git(world.src, 'checkout', '-q', 'stable/2026.1')
    fix = commit_file(world.src, {'a.py': 'fixed\n'}, 'a fix on stable')
    git(world.src, 'checkout', '-q', 'master')
    world.gazpacho.write_bytes((world.gazpacho.read_text() + '\n').encode().replace(b'\n', b'\r\n'))
    code, out = world.run('gazpacho', 'nova', 'bugfix')
    assert code == 0, out
    content = world.gazpacho.read_bytes()
    assert b'\n' not in content.replace(b'\r\n', b'')
    assert f'  - version: 2.0.1\r\n    projects:\r\n      - repo: openstack/nova\r\n        hash: {fix}\r\n'.encode() \
        in content
    assert content.endswith(b'    location: 2.0.0\r\n\r\n')


def test_a_linked_file_stays_a_link(world: World) -> None:
    """The entry is written through to the file the link points to; the link is not replaced."""
    real = world.data / 'deliverables' / 'nova-hibiscus.yaml'
    real.write_text(world.hibiscus.read_text())
    world.hibiscus.unlink()
    world.hibiscus.symlink_to('../nova-hibiscus.yaml')
    code, out = world.run('hibiscus', 'nova', 'rc')
    assert code == 0, out
    assert world.hibiscus.is_symlink()
    assert os.readlink(world.hibiscus) == '../nova-hibiscus.yaml'
    assert real.read_text().endswith(f'  - version: 3.0.0.0rc1\n    projects:\n      - repo: openstack/nova\n'
                                     f'        hash: {world.c[2]}\n')
    assert not [p.name for p in real.parent.iterdir() if p.name.startswith('.')]  # no temporary file left


@pytest.mark.parametrize(('args', 'message'), [
    (['oak', '../elm/beta', 'bugfix'], "the deliverable name '../elm/beta' is not a plain name"),
    (['hibiscus', '../gazpacho/nova', 'bugfix'], "the deliverable name '../gazpacho/nova' is not a plain name"),
    (['hib/iscus', 'nova', 'rc'], "the series name 'hib/iscus' is not a plain name"),
    (['', 'nova', 'rc'], 'the series name is empty'),
    (['hibiscus', '', 'rc'], 'the deliverable name is empty'),
    (['hibiscus', 'n' * 300, 'rc'], 'is longer than 200 characters'),
    (['s' * 300, 'nova', 'rc'], 'is longer than 200 characters'),
    (['..', 'nova', 'rc'], "the series name '..' is not a plain name"),
    (['hibiscus', 'nova\x01', 'rc'], 'is not a plain name'),
    (['hibiscus', '--', '-nova', 'rc'], "the deliverable name '-nova' is not a plain name"),
])
def test_hostile_names_are_usage_errors(world: World, args: list[str], message: str) -> None:
    proc = _cli(world, *args)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2, err
    assert 'Traceback' not in err
    assert err.startswith('releasetools: error: ') and message in err.splitlines()[0], err


def test_a_directory_in_place_of_the_file_is_named(world: World) -> None:
    world.hibiscus.unlink()
    world.hibiscus.mkdir()
    proc = _cli(world, 'hibiscus', 'nova', 'rc')
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert err.splitlines()[0] == 'releasetools: error: deliverables/hibiscus/nova.yaml is not a file', err


def test_a_link_out_of_the_data_repository_is_refused(world: World) -> None:
    outside = world.top / 'outside.yaml'
    outside.write_text(world.hibiscus.read_text())
    before = outside.read_text()
    world.hibiscus.unlink()
    world.hibiscus.symlink_to(outside)
    proc = _cli(world, 'hibiscus', 'nova', 'rc')
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert 'is a symbolic link out of the data repository' in err.splitlines()[0]
    assert outside.read_text() == before
    assert world.hibiscus.is_symlink()
