"""The release job against real components: bare git remotes, pypiserver, aiosmtpd, gpg."""

from __future__ import annotations

import email
import http.server
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from releasetools.cli import main
from releasetools.release.ledger import lock
from releasetools.testing.gitcmd import git
from releasetools.testing.pbrproject import Project, ReleaseData
from tests.release.servers import PASSWORD, USER, Index, Mailer, make_gpg_home


@pytest.fixture
def index(tmp_path: Path) -> Iterator[Index]:
    server = Index(tmp_path / 'index' / 'packages').start()
    yield server
    server.stop()


@pytest.fixture
def mailer() -> Iterator[Mailer]:
    server = Mailer().start()
    yield server
    server.stop()


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('RELEASETOOLS_INDEX_USER', USER)
    monkeypatch.setenv('RELEASETOOLS_INDEX_PASSWORD', PASSWORD)


class Run:
    def __init__(self, top: Path, project: Project, data: ReleaseData) -> None:
        self.top, self.project, self.data = top, project, data
        self.work = top / 'releasework'

    def args(self, *extra: str, index: Index | None = None, mailer: Mailer | None = None) -> list[str]:
        args = ['release', '--root', str(self.data.root), '--remotes', self.project.template,
                '--workdir', str(self.work), '--cache-dir', str(self.top / 'cache'), '--no-build-isolation',
                '--tarballs', str(self.top / 'tarballs')]
        if index is not None:
            args += ['--index-url', index.url]
        if mailer is not None:
            args += ['--smtp', mailer.address, '--mail-to', 'announce@example.invalid']
        return [*args, *extra]

    def __call__(self, *extra: str, index: Index | None = None, mailer: Mailer | None = None) -> tuple[int, str]:
        out = io.StringIO()
        code = main(self.args(*extra, index=index, mailer=mailer), out=out)
        return code, out.getvalue()

    def ledger(self) -> dict[str, dict]:
        # The default ledger: outside the workdir, under XDG_STATE_HOME (tests/release/conftest.py).
        found = sorted((self.top / 'state' / 'releasetools' / 'ledgers').glob('*.jsonl'))
        path = found[0] if found else self.work / 'ledger.jsonl'
        entries = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
        return {e['key']: e for e in entries}


@pytest.fixture
def world(tmp_path: Path) -> Run:
    project = Project(tmp_path)
    data = ReleaseData(tmp_path, project)
    data.request(project, '1.0.0', project.commits[0])
    return Run(tmp_path, project, data)


def statuses(text: str) -> list[tuple[str, str]]:
    rows = []
    for line in text.splitlines():
        parts = line.split()
        if parts and parts[0] in ('done', 'already', 'skipped', 'failed', 'planned'):
            status = 'already done' if parts[0] == 'already' else parts[0]
            action = parts[2] if parts[0] == 'already' else parts[1]
            rows.append((status, action))
    return rows


ALL_STEPS = [('build', 'done'), ('tag', 'done'), ('publish', 'done'), ('verify', 'done'), ('tarballs', 'done'),
             ('notes', 'done'), ('announce', 'done')]


def test_full_release_then_rerun_does_nothing_twice(world: Run, index: Index, mailer: Mailer,
                                                    credentials: None) -> None:
    code, out = world(index=index, mailer=mailer)
    assert code == 0, out
    assert [(a, s) for s, a in statuses(out)] == ALL_STEPS
    assert PASSWORD not in out
    assert world.project.remote_tags() == {'1.0.0': world.project.commits[0]}
    message = git(world.project.bare, 'cat-file', '-p', '1.0.0')
    assert 'meta:deliverable: widget' in message and 'meta:version: 1.0.0' in message
    assert index.files() == ['widget-1.0.0-py3-none-any.whl', 'widget-1.0.0.tar.gz']
    tarballs = sorted(p.name for p in (world.top / 'tarballs').iterdir())
    assert tarballs == ['widget-1.0.0-py3-none-any.whl', 'widget-1.0.0-py3-none-any.whl.sha256',
                        'widget-1.0.0.tar.gz', 'widget-1.0.0.tar.gz.sha256']
    notes = (world.work / 'notes' / 'widget' / '1.0.0.rst').read_text()
    assert 'Widgets now spin.' in notes
    assert (world.work / 'notes' / 'widget' / '1.0.0.html').exists()
    assert len(mailer.messages) == 1
    mail = email.message_from_bytes(mailer.messages[0])
    assert mail['Subject'] == '[release] widget 1.0.0'
    assert 'Widgets now spin.' in mail.get_payload()

    code, out = world(index=index, mailer=mailer)
    assert code == 0, out
    assert {s for s, _ in statuses(out)} == {'already done'}
    assert index.files() == ['widget-1.0.0-py3-none-any.whl', 'widget-1.0.0.tar.gz']
    assert len(mailer.messages) == 1


def test_dry_run_changes_nothing(world: Run, index: Index, mailer: Mailer, credentials: None) -> None:
    code, out = world('--dry-run', index=index, mailer=mailer)
    assert code == 0, out
    assert [(a, s) for s, a in statuses(out)] == [(a, 'planned') for a, _ in ALL_STEPS]
    assert 'tag 1.0.0 at' in out and f'upload to {index.url}' in out
    assert world.project.remote_tags() == {}
    assert index.files() == []
    assert mailer.messages == []
    assert world.ledger() == {}


def test_signed_tags_and_signatures(world: Run, index: Index, credentials: None, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / 'gnupg'
    key = make_gpg_home(home)
    monkeypatch.setenv('GNUPGHOME', str(home))
    code, out = world('--signing-key', key, index=index)
    assert code == 0, out
    assert '-----BEGIN PGP SIGNATURE-----' in git(world.project.bare, 'cat-file', '-p', '1.0.0')
    verify = subprocess.run(['git', 'tag', '-v', '1.0.0'], cwd=world.project.bare, capture_output=True, text=True,
                            check=False)
    assert verify.returncode == 0, verify.stderr
    sig = world.top / 'tarballs' / 'widget-1.0.0.tar.gz.asc'
    checked = subprocess.run(['gpg', '--batch', '--verify', str(sig), str(sig.with_suffix(''))],
                             capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr


def test_index_down_then_rerun_completes(world: Run, index: Index, credentials: None,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    index.stop()
    code, out = world(index=index)
    assert code == 2  # the preflight finds it before anything is public
    assert 'preflight failed, nothing was done: index: cannot reach the index' in capsys.readouterr().err
    assert world.project.remote_tags() == {}
    assert world.ledger() == {}
    index.start()
    code, out = world(index=index)
    assert code == 0, out
    assert [(a, s) for s, a in statuses(out)][:3] == [('build', 'done'), ('tag', 'done'), ('publish', 'done')]
    assert index.files() == ['widget-1.0.0-py3-none-any.whl', 'widget-1.0.0.tar.gz']


def test_smtp_down_then_rerun_sends_once(world: Run, index: Index, credentials: None) -> None:
    down = Mailer().start()  # answers EHLO and NOOP (the preflight passes), refuses the message
    down.handler.refuse = True
    try:
        code, out = world(index=index, mailer=down)
        assert code == 1, out
        assert statuses(out)[-1] == ('failed', 'announce')
        down.handler.refuse = False
        code, out = world(index=index, mailer=down)
        assert code == 0, out
        assert statuses(out)[-1] == ('done', 'announce')
        assert len(down.messages) == 1
    finally:
        down.stop()


def test_killed_between_tag_and_upload(world: Run, index: Index, credentials: None) -> None:
    # An "index" whose simple API answers the preflight's read of its root and never answers a
    # project page: the job hangs in its first look at one, after the tag is pushed; it is then killed
    # with SIGKILL. Uploads (and their preflight) go to the real index, which is down by then.
    release = threading.Event()

    class Hang(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            if self.path != '/':
                release.wait(120)
            self.send_response(200)
            self.send_header('Content-Length', '0')
            self.end_headers()

    silent = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Hang)
    silent.daemon_threads = True
    threading.Thread(target=silent.serve_forever, daemon=True).start()
    hung = f'http://127.0.0.1:{silent.server_address[1]}/'
    env = {**os.environ, 'RELEASETOOLS_INDEX_USER': USER, 'RELEASETOOLS_INDEX_PASSWORD': PASSWORD}
    args = world.args()
    proc = subprocess.Popen([sys.executable, '-m', 'releasetools', *args, '--index-url', index.url,
                             '--index-simple-url', hung], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not any(k.endswith('/tag') for k in world.ledger()):
            assert proc.poll() is None and time.monotonic() < deadline, 'the job ended before pushing the tag'
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        release.set()
        silent.shutdown()
        silent.server_close()
    assert world.project.remote_tags() == {'1.0.0': world.project.commits[0]}
    assert index.files() == []
    code, out = world(index=index)
    assert code == 0, out
    assert statuses(out)[:2] == [('already done', 'build'), ('already done', 'tag')]
    assert index.files() == ['widget-1.0.0-py3-none-any.whl', 'widget-1.0.0.tar.gz']


def test_tag_at_another_commit_stops_everything(world: Run, index: Index, credentials: None,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    other = world.project.commit({'widget/extra.py': 'x = 1\n'}, 'another commit')
    git(world.project.work, 'tag', '-a', '-m', 'wrong', '1.0.0', other)
    git(world.project.work, 'push', '-q', 'origin', 'refs/tags/1.0.0')
    code, _ = world(index=index)
    assert code == 2
    assert 'already points at' in capsys.readouterr().err
    assert world.ledger() == {}
    assert index.files() == []
    assert not (world.work / 'dist').exists()


def test_build_with_the_wrong_version_pushes_no_tag(tmp_path: Path, index: Index, credentials: None) -> None:
    project = Project(tmp_path, 'static', pyproject_version='0.0.1')
    data = ReleaseData(tmp_path, project)
    data.request(project, '1.0.0', project.commits[0])
    run = Run(tmp_path, project, data)
    code, out = run(index=index)
    assert code == 1
    assert statuses(out) == [('failed', 'build')]
    assert 'was built as version 0.0.1, not 1.0.0' in out
    assert project.remote_tags() == {}
    assert index.files() == []


def test_second_run_at_once_is_refused(world: Run, index: Index, credentials: None,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    holding = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with lock(world.work / 'ledger.lock'):
            holding.set()
            release.wait(30)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert holding.wait(10)
        code, _ = world(index=index)
        assert code == 2
        assert 'another release run holds' in capsys.readouterr().err
        assert world.project.remote_tags() == {}
    finally:
        release.set()
        thread.join()
    code, out = world(index=index)
    assert code == 0, out
