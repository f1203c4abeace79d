"""Mirroring over the network: giving up on a dead host, progress, and no stale lock files.

A real TCP server on 127.0.0.1 stands in for a git host that does not answer:
it counts every connection (every clone attempt) and closes it, or holds it
open without a word.
"""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from releasetools.cli import main
from releasetools.git.mirrors import RepoLocator
from releasetools.testing.datarepo import DataRepo
from releasetools.validate import ValidateOptions, validate

REPOS = [f'openstack/r{i}' for i in range(10)]
PROXIES = ('http_proxy', 'https_proxy', 'all_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY')


class DeadHost:
    """Accepts connections on 127.0.0.1 and counts them; closes each at once, or holds it (``hold``)."""

    def __init__(self, hold: bool = False) -> None:
        self.hold = hold
        self.count = 0
        self.held: list[socket.socket] = []
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(32)
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.count += 1
            if self.hold:
                self.held.append(conn)
            else:
                conn.close()

    def close(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


@pytest.fixture
def dead_host() -> Iterator[DeadHost]:
    host = DeadHost()
    yield host
    host.close()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXIES:
        monkeypatch.delenv(name, raising=False)


def ten_repositories(repo: DataRepo) -> str:
    settings = ''.join(f'  {r}: {{}}\n' for r in REPOS)
    projects = ''.join(f'      - repo: {r}\n        hash: {"ab" * 20}\n' for r in REPOS)
    return repo.write('hibiscus', 'nova', 'release-model: cycle-with-intermediary\nrepository-settings:\n' + settings
                      + 'releases:\n  - version: 3.0.0\n    projects:\n' + projects)


def stale(cache: Path) -> list[str]:
    """Lock files and half-made clones left in the cache directory."""
    if not cache.exists():
        return []
    return sorted(p.name for p in cache.iterdir() if p.name.endswith('.lock') or p.name.startswith('.clone-'))


def test_gives_up_after_three_failures(repo: DataRepo, dead_host: DeadHost, tmp_path: Path) -> None:
    ten_repositories(repo)
    cache = tmp_path / 'cache'
    report = validate(ValidateOptions(root=repo.root, all=True, repos=f'http://127.0.0.1:{dead_host.port}/{{repo}}',
                                      cache_dir=cache, git_workers=4))
    assert dead_host.count == 3
    reasons = {s.repo: s.reason for s in report.skipped}
    assert sorted(reasons) == REPOS
    tried = [r for r, why in reasons.items() if why.startswith('cannot fetch')]
    gave_up = [r for r, why in reasons.items()
               if why == f'gave up after 3 failures to reach 127.0.0.1:{dead_host.port}; not tried']
    assert len(tried) == 3
    assert len(gave_up) == 7
    assert stale(cache) == []
    assert [p.name for p in cache.iterdir()] == []  # no mirror either: nothing was fetched


def test_require_git_reports_every_repository(repo: DataRepo, dead_host: DeadHost, tmp_path: Path) -> None:
    ten_repositories(repo)
    report = validate(ValidateOptions(root=repo.root, all=True, repos=f'http://127.0.0.1:{dead_host.port}/{{repo}}',
                                      cache_dir=tmp_path / 'cache', require_git=True))
    rt708 = [(f.line, f.message.split(':', 1)[0]) for f in report.findings if f.check == 'RT708']
    assert rt708 == [(19 + 2 * i, f'git checks RT701,RT702,RT703,RT704,RT705,RT706,RT707 could not run for {r}')
                     for i, r in enumerate(REPOS)]
    assert sum('gave up after 3 failures' in f.message for f in report.findings) == 7
    assert dead_host.count == 3


def test_a_host_that_answers_is_not_given_up(repo: DataRepo, tmp_path: Path) -> None:
    """Repositories the server does not have (file:// to missing directories) are not network failures."""
    ten_repositories(repo)
    report = validate(ValidateOptions(root=repo.root, all=True, repos=f'file://{tmp_path}/git/{{repo}}',
                                      cache_dir=tmp_path / 'cache'))
    reasons = sorted({s.repo: s.reason for s in report.skipped}.values())
    assert len(reasons) == 10
    assert not [r for r in reasons if 'gave up' in r]
    assert stale(tmp_path / 'cache') == []


def test_progress_on_stderr_and_clean_json(repo: DataRepo, dead_host: DeadHost, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    ten_repositories(repo)
    out = io.StringIO()
    code = main(['validate', '--all', '--root', str(repo.root), '--repos', f'http://127.0.0.1:{dead_host.port}/{{repo}}',
                 '--cache-dir', str(tmp_path / 'cache'), '--progress', '--format', 'json'], out=out)
    assert code == 0
    assert {s['repo'] for s in json.loads(out.getvalue())['skipped']} == set(REPOS)
    lines = capsys.readouterr().err.splitlines()
    assert all(line.startswith('releasetools: repositories ') for line in lines)
    # A line before each clone attempted (3: then the host is given up), and one per repository done.
    cloning = [line for line in lines if ': cloning http://127.0.0.1:' in line]
    done = [line for line in lines if line not in cloning]
    assert len(cloning) == 3
    assert [line.split(':', 2)[1].strip() for line in done] == [f'repositories {n}/10' for n in range(1, 11)]


def test_no_progress_by_default_off_a_terminal(repo: DataRepo, dead_host: DeadHost, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    ten_repositories(repo)
    main(['validate', '--all', '--root', str(repo.root), '--repos', f'http://127.0.0.1:{dead_host.port}/{{repo}}',
          '--cache-dir', str(tmp_path / 'cache')], out=io.StringIO())
    assert capsys.readouterr().err == ''


def test_lock_files_are_removed_after_a_mirror(tmp_path: Path) -> None:
    """A successful mirror and a refresh of it leave only the mirror."""
    src = tmp_path / 'src' / 'openstack' / 'nova'
    src.mkdir(parents=True)
    subprocess.run(['git', 'init', '-q', '-b', 'master', str(src)], check=True)
    subprocess.run(['git', '-C', str(src), '-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-q',
                    '--allow-empty', '-m', 'one'], check=True)
    locator = RepoLocator(f'file://{tmp_path}/src/{{repo}}', tmp_path / 'cache')
    for _ in range(2):  # clone, then fetch
        assert locator.locate('openstack/nova').path is not None
        assert [p.suffix for p in (tmp_path / 'cache').iterdir()] == ['.git']


@pytest.mark.parametrize('count', [1, 3])
def test_interrupted_clone_leaves_nothing(repo: DataRepo, tmp_path: Path, count: int) -> None:
    """Ctrl-C (SIGINT to the process group) while a clone waits on a silent server: exit 130, no lock left.

    With 3 repositories the other two wait their turn in other threads: they must not start a clone after
    the interruption (each would wait a minute on the silent server).
    """
    host = DeadHost(hold=True)
    try:
        projects = ''.join(f'      - repo: {r}\n        hash: {"ab" * 20}\n' for r in REPOS[:count])
        repo.write('hibiscus', 'nova', f'release-model: cycle-with-rc\nreleases:\n  - version: 3.0.0\n'
                                       f'    projects:\n{projects}')
        cache = tmp_path / 'cache'
        env = {k: v for k, v in os.environ.items() if k not in PROXIES}
        env['PYTHONPATH'] = str(Path(__file__).resolve().parents[1])
        proc = subprocess.Popen([sys.executable, '-m', 'releasetools', 'validate', '--all', '--root', str(repo.root),
                                 '--repos', f'http://127.0.0.1:{host.port}/{{repo}}', '--cache-dir', str(cache)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                start_new_session=True)
        deadline = time.monotonic() + 30
        while host.count == 0 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert host.count == 1
        assert [p for p in cache.iterdir() if p.name.endswith('.lock')]  # the lock is held now
        os.killpg(proc.pid, signal.SIGINT)
        started = time.monotonic()
        _, err = proc.communicate(timeout=50)
        assert time.monotonic() - started < 20  # no clone was started after the interruption
        assert host.count == 1
        assert proc.returncode == 130, err
        assert err.strip() == 'releasetools: interrupted'
        assert stale(cache) == []
    finally:
        host.close()
        if 'proc' in locals() and proc.poll() is None:  # a failed test leaves no process behind
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_worker_processes_share_the_count(repo: DataRepo, dead_host: DeadHost, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """With files split over forked workers, the dead host still costs 3 attempts in all, not 3 per worker."""
    from releasetools.validate import engine as validate_module

    monkeypatch.setattr(validate_module, 'PARALLEL_THRESHOLD', 4)
    if validate_module._workers(len(REPOS)) < 2:
        pytest.skip('one CPU: validate runs a single process here')
    for i, name in enumerate(REPOS):
        repo.write('hibiscus', f'd{i}', f'release-model: cycle-with-rc\nreleases:\n  - version: 3.0.0\n'
                                        f'    projects:\n      - repo: {name}\n        hash: {"ab" * 20}\n')
    report = validate(ValidateOptions(root=repo.root, all=True, repos=f'http://127.0.0.1:{dead_host.port}/{{repo}}',
                                      cache_dir=tmp_path / 'cache'))
    assert report.checked == 10
    assert dead_host.count == 3
    assert sum('gave up after 3 failures' in s.reason for s in report.skipped) == 7 * 7  # 7 checks each
    assert stale(tmp_path / 'cache') == []


@pytest.mark.parametrize(('message', 'network'), [
    ("fatal: unable to access 'http://127.0.0.1:9/a/b/': Failed to connect to 127.0.0.1 port 9: Connection refused",
     True),
    ("fatal: unable to access 'https://git.invalid/a/b/': Could not resolve host: git.invalid", True),
    ("fatal: unable to access 'http://127.0.0.1:9/a/b/': Empty reply from server", True),
    ('ssh: connect to host review.example.org port 29418: Connection timed out', True),
    ("fatal: repository 'https://opendev.org/openstack/python-tlsclient/' not found", False),
    ("fatal: '/srv/git/openstack/proxy-ssl' does not appear to be a git repository", False),
    ('git@github.com: Permission denied (publickey).', False),
])
def test_network_failures(message: str, network: bool) -> None:
    from releasetools.git.mirrors import is_network_failure

    assert is_network_failure(message) is network


def test_refused_port_gives_up_too(repo: DataRepo, tmp_path: Path) -> None:
    """Nothing listens on the port (connection refused): 3 clones are tried, 7 are not."""
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()  # the port is now refused
    ten_repositories(repo)
    report = validate(ValidateOptions(root=repo.root, all=True, repos=f'http://127.0.0.1:{port}/{{repo}}',
                                      cache_dir=tmp_path / 'cache'))
    reasons = {s.repo: s.reason for s in report.skipped}
    assert sum('Connection refused' in why or 'Failed to connect' in why for why in reasons.values()) == 3
    assert sum(why.startswith('gave up after 3 failures') for why in reasons.values()) == 7
    assert stale(tmp_path / 'cache') == []
