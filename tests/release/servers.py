"""Real servers for the release job's tests: a package index, a mail server, a gpg home."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller
from passlib.apache import HtpasswdFile

from releasetools.demo import free_port, wait_for_port

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

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
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
