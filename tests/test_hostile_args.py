"""Hostile arguments to validate and list-changes: a clear usage error (exit 2, one line), never a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from releasetools.testing.datarepo import DataRepo

LONG = 'x' * 300


@pytest.fixture(scope='module')
def data(tmp_path_factory: pytest.TempPathFactory) -> DataRepo:
    repo = DataRepo(tmp_path_factory.mktemp('hostile') / 'data')
    repo.init_git()
    repo.write('hibiscus', 'nova', 'release-model: cycle-with-rc\n')
    repo.commit()
    return repo


@pytest.mark.parametrize(('args', 'message'), [
    (['validate', '--all', f'deliverables/hibiscus/{LONG}.yaml'], 'a file name longer than 255 bytes'),
    (['validate', '--base', 'HEAD', f'deliverables/{LONG}/nova.yaml'], 'a file name longer than 255 bytes'),
    (['validate', '--all', 'deliverables/hib/iscus/nova.yaml'], 'is not a deliverable file'),
    (['validate', '--all', ''], 'is not a deliverable file'),
    (['validate', '--all', '../../etc/passwd'], 'is not a deliverable file'),
    (['validate', '--base', LONG], 'unknown base revision'),
    (['validate', '--base', ''], 'unknown base revision'),
    (['list-changes', '--base', 'HEAD', f'deliverables/hibiscus/{LONG}.yaml'], 'a file name longer than 255 bytes'),
    (['list-changes', '--base', 'HEAD', 'deliverables/hib/x/nova.yaml'], 'is not a deliverable file'),
    (['list-changes', '--base', LONG], 'unknown base revision'),
    # A template urllib cannot read was a ValueError traceback; a password in one is never shown.
    (['validate', '--all', '--repos', 'http://ci:Pw-in-url-9@[::1/{repo}'],
     "--repos 'http://***@[::1/{repo}' is not a valid URL"),
    (['validate', '--all', '--repos', 'http://ci:Pw-in-url-9@git.example.invalid/'],
     "--repos 'http://***@git.example.invalid/' does not contain {repo}"),
    (['list-changes', '--base', 'HEAD', '--repos', 'https://[::1/{repo}'], "--repos 'https://[::1/{repo}' is not a"),
])
def test_clear_usage_error(data: DataRepo, args: list[str], message: str) -> None:
    proc = subprocess.run([sys.executable, '-m', 'releasetools', *args[:1], '--root', str(data.root), '--offline',
                           *args[1:]], check=False, capture_output=True, text=True, timeout=60,
                          env={'PYTHONPATH': str(Path(__file__).resolve().parents[1]), 'PATH': '/usr/bin:/bin'})
    assert proc.returncode == 2, proc.stderr
    assert 'Traceback' not in proc.stderr
    first = proc.stderr.splitlines()[0]
    assert first.startswith('releasetools: error: ') and message in first, proc.stderr
    assert 'Pw-in-url-9' not in proc.stderr


def run_cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, '-m', 'releasetools', *args], check=False, capture_output=True, text=True,
                          timeout=120, env={'PYTHONPATH': str(Path(__file__).resolve().parents[1]),
                                            'PATH': '/usr/bin:/bin', 'HOME': str(home)})


@pytest.mark.parametrize(('series', 'where'), [
    ('- hibiscus\n- gazpacho\n', 'data/series_status.yaml:1: each series needs a name'),
    ('- name: [\n', 'data/series_status.yaml:2: YAML syntax error'),
    ('', 'data/series_status.yaml:1: the series list must be a YAML list'),
])
def test_site_on_a_broken_series_file_names_file_and_line(tmp_path: Path, series: str, where: str) -> None:
    repo = DataRepo(tmp_path / 'data')
    repo.write('hibiscus', 'nova', 'release-model: cycle-with-rc\n')
    (repo.root / 'data' / 'series_status.yaml').write_text(series)
    proc = run_cli('site', '--root', str(repo.root), '--output', str(tmp_path / 'site'), home=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert 'Traceback' not in proc.stderr
    # Not Sphinx's "Handler <function _builder_inited at 0x...> for event 'builder-inited' threw an exception".
    assert proc.stderr.splitlines()[0].startswith(f'releasetools: error: {where}'), proc.stderr
    assert 'Handler' not in proc.stderr


def test_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    # The name was read (with a lone surrogate), then `--write-baseline` died in the YAML emitter and
    # `site` with "Handler <function _builder_inited ...> threw an exception (... can't encode ...)".
    repo = DataRepo(tmp_path / 'data')
    repo.write('hibiscus', 'nova', 'release-model: cycle-with-rc\nbogus: 1\n')
    bad = os.fsencode(repo.root / 'deliverables' / 'hibiscus') + b'/n\xffva.yaml'
    with open(bad, 'wb') as fh:
        fh.write((repo.root / 'deliverables' / 'hibiscus' / 'nova.yaml').read_bytes())
    (repo.root / 'deliverables' / 'hibiscus' / 'nova.yaml').unlink()
    proc = run_cli('validate', '--root', str(repo.root), '--offline', '--all', '--no-baseline', home=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert 'n\\udcffva.yaml:5: error [RT101]' in proc.stdout, proc.stdout  # the file is still checked
    baseline = tmp_path / 'baseline.yaml'
    proc = run_cli('validate', '--root', str(repo.root), '--offline', '--all', '--write-baseline', str(baseline),
                   home=tmp_path)
    assert proc.returncode == 0 and 'Traceback' not in proc.stderr, proc.stderr
    assert 'file: deliverables/hibiscus/n\\xffva.yaml' in baseline.read_text()
    proc = run_cli('validate', '--root', str(repo.root), '--offline', '--all', '--baseline', str(baseline),
                   home=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr  # and the baseline accepts its errors
    proc = run_cli('site', '--root', str(repo.root), '--output', str(tmp_path / 'site'), home=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert 'left out of the site: deliverables/hibiscus/n\\xffva.yaml: the file name is not UTF-8' in proc.stdout \
        + proc.stderr, proc.stderr
    assert (tmp_path / 'site' / 'html' / 'index.html').is_file()


@pytest.mark.parametrize('command', ['validate', 'list-changes'])
def test_a_password_in_repos_is_neither_shown_nor_stored(tmp_path: Path, command: str) -> None:
    # "cannot fetch http://ci:PW@host/..." was the skip reason (validate) and the "unavailable" reason
    # (list-changes, text and JSON), and the mirror's directory name and .git/config kept the password.
    repo = DataRepo(tmp_path / 'data')
    repo.init_git()
    repo.commit()
    repo.write('hibiscus', 'nova', """\
        release-model: cycle-with-rc
        releases:
          - version: 1.0.0.0b1
            projects:
              - repo: openstack/nova
                hash: $1
        """)
    repo.commit()
    with socket.socket() as s:  # a port nobody listens on: git fails to connect at once
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    template = f'http://ci:Repo-Pw-77@127.0.0.1:{port}/' + '{repo}'
    cache = tmp_path / 'cache'
    args = ['--all'] if command == 'validate' else ['--base', 'HEAD^']
    for fmt in ('text', 'json'):
        proc = run_cli(command, '--root', str(repo.root), '--repos', template, '--cache-dir', str(cache),
                       '--format', fmt, *args, home=tmp_path)
        assert 'Traceback' not in proc.stderr, proc.stderr
        assert f'cannot fetch http://127.0.0.1:{port}/openstack/nova' in proc.stdout, proc.stdout + proc.stderr
        assert 'Repo-Pw-77' not in proc.stdout + proc.stderr
    found = subprocess.run(['grep', '-rlaF', 'Repo-Pw-77', str(cache)], capture_output=True, text=True, check=False)
    assert found.stdout == '' and not any('Repo-Pw-77' in p.name for p in cache.rglob('*'))
