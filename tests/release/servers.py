"""Real servers for the release job's tests: a package index, a mail server, a gpg home."""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller
from passlib.apache import HtpasswdFile

from releasetools.demo.sandbox import free_port, wait_for_port

USER, PASSWORD = 'uploader', 's3cret-pass'


@dataclass
class Index:
    """pypiserver on 127.0.0.1 with authentication for upload, download and list."""

    root: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f'http://127.0.0.1:{self.port}/'

    def start(self) -> Index:
        self.root.mkdir(parents=True, exist_ok=True)
        htpasswd = self.root.parent / 'htpasswd'
        if not htpasswd.exists():
            ht = HtpasswdFile(str(htpasswd), new=True)
            ht.set_password(USER, PASSWORD)
            ht.save()
        server = Path(sys.executable).with_name('pypi-server')
        self.proc = subprocess.Popen([str(server), 'run', '-p', str(self.port), '-i', '127.0.0.1', '-P',
                                      str(htpasswd), '-a', 'update,download,list', '--disable-fallback',
                                      str(self.root)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None

    def files(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir())


class _Collect:
    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.refuse = False  # answer every message with 554 (the server itself stays up)

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        if self.refuse:
            return '554 refused by the test'
        self.messages.append(envelope.content)  # type: ignore[attr-defined]
        return '250 OK'


@dataclass
class Mailer:
    """aiosmtpd on 127.0.0.1, keeping every message it receives."""

    port: int = field(default_factory=free_port)
    handler: _Collect = field(default_factory=_Collect)
    controller: Controller | None = None

    @property
    def address(self) -> str:
        return f'127.0.0.1:{self.port}'

    @property
    def messages(self) -> list[bytes]:
        return self.handler.messages

    def start(self) -> Mailer:
        self.controller = Controller(self.handler, hostname='127.0.0.1', port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def make_gpg_home(path: Path) -> str:
    """A throwaway gpg home with one unprotected signing key; returns its fingerprint."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    env = {**os.environ, 'GNUPGHOME': str(path)}
    subprocess.run(['gpg', '--batch', '--passphrase', '', '--quick-gen-key', 'Release Bot <bot@example.invalid>',
                    'ed25519', 'sign', 'never'], env=env, check=True, capture_output=True)
    out = subprocess.run(['gpg', '--batch', '--list-secret-keys', '--with-colons'], env=env, check=True,
                         capture_output=True, text=True).stdout
    return next(line.split(':')[9] for line in out.splitlines() if line.startswith('fpr:'))


class _GitCgi(http.server.BaseHTTPRequestHandler):
    """Serves ``git http-backend`` (smart HTTP) anonymously: fetches work, pushes are refused."""

    root: Path

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _cgi(self) -> None:
        path, _, query = self.path.partition('?')
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        env = {**os.environ, 'GIT_PROJECT_ROOT': str(self.root), 'GIT_HTTP_EXPORT_ALL': '1',
               'REQUEST_METHOD': self.command, 'PATH_INFO': path, 'QUERY_STRING': query,
               'CONTENT_TYPE': self.headers.get('Content-Type', ''), 'CONTENT_LENGTH': str(len(body)),
               'REMOTE_ADDR': '127.0.0.1'}
        if self.headers.get('Content-Encoding'):
            env['HTTP_CONTENT_ENCODING'] = self.headers['Content-Encoding']
        if self.headers.get('Git-Protocol'):
            env['GIT_PROTOCOL'] = self.headers['Git-Protocol']
        out = subprocess.run(['git', 'http-backend'], input=body, env=env, capture_output=True, check=False).stdout
        head, _, payload = out.partition(b'\r\n\r\n')
        if not _:
            head, _, payload = out.partition(b'\n\n')
        headers = [line.split(':', 1) for line in head.decode('latin-1').splitlines() if ':' in line]
        status = next((v.strip() for k, v in headers if k.lower() == 'status'), '200 OK')
        self.send_response(int(status.split()[0]), status.partition(' ')[2] or None)
        for k, v in headers:
            if k.lower() != 'status':
                self.send_header(k, v.strip())
        self.send_header('Content-Length', str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = _cgi
    do_POST = _cgi


@dataclass
class GitHttp:
    """Repositories under ``root`` served read-only over smart HTTP on 127.0.0.1 (as an anonymous mirror)."""

    root: Path
    server: http.server.ThreadingHTTPServer | None = None

    @property
    def template(self) -> str:
        assert self.server is not None
        return f'http://127.0.0.1:{self.server.server_address[1]}/' + '{repo}'

    def start(self) -> GitHttp:
        handler = type('Handler', (_GitCgi,), {'root': self.root})
        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
