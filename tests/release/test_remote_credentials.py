"""A ``--remotes`` URL with a password: git gets it, no file and no output does; a changed --remotes is used."""

from __future__ import annotations

import base64
import http.server
import io
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from releasetools.cli import main
from releasetools.demo.sandbox import free_port
from tests.release.servers import GitHttp, _GitCgi
from tests.release.test_job import Run

GIT_USER, GIT_PASSWORD = 'pusher', 'git-Secret-77'


class _AuthCgi(_GitCgi):
    """The anonymous smart-HTTP server, except that every request needs Basic credentials."""

    seen: list[str]

    def _checked(self) -> None:
        given = self.headers.get('Authorization', '')
        self.seen.append(given)
        if given != 'Basic ' + base64.b64encode(f'{GIT_USER}:{GIT_PASSWORD}'.encode()).decode():
            self.send_response(401)
            self.send_header('WWW-Authenticate', 'Basic realm="git"')
            self.send_header('Content-Length', '0')
            self.end_headers()
            return
        self._cgi()

    do_GET = _checked
    do_POST = _checked


class AuthGitHttp(GitHttp):
    seen: list[str]

    def start(self) -> AuthGitHttp:
        self.seen = []
        handler = type('Handler', (_AuthCgi,), {'root': self.root, 'seen': self.seen})
        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self


@pytest.fixture
def gitweb(world: Run) -> Iterator[AuthGitHttp]:
    server = AuthGitHttp(world.project.remotes).start()
    yield server
    server.stop()


def with_remotes(world: Run, template: str, *extra: str) -> list[str]:
    args = world.args(*extra)
    args[args.index('--remotes') + 1] = template
    return args


def run(args: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    return main(args, out=out), out.getvalue()


def files_containing(top: Path, secret: str) -> list[Path]:
    found = subprocess.run(['grep', '-rlaF', secret, str(top)], capture_output=True, text=True, check=False)
    return [Path(p) for p in found.stdout.split()]


def test_remote_password_reaches_git_but_no_file_or_output(world: Run, gitweb: AuthGitHttp,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    template = gitweb.template.replace('http://', f'http://{GIT_USER}:{GIT_PASSWORD}@')
    code, out = run(with_remotes(world, template, '--dry-run', '--progress'))
    assert code == 1, out  # the server takes no push: the preflight says so, after a fetch that worked
    err = capsys.readouterr().err
    assert f'releasetools: {world.project.repo}: fetching http://' in err  # the progress line, redacted
    assert 'cannot fetch' not in err, err  # the credentials reached the server: the fetch worked
    assert 'planned       tag' in out, out
    assert any(s.startswith('Basic ') for s in gitweb.seen)
    assert GIT_PASSWORD not in out + err
    # The clone's .git/config used to keep the URL with the password in the work directory.
    assert files_containing(world.top, GIT_PASSWORD) == []


def test_a_changed_remotes_template_is_the_one_fetched(world: Run, capsys: pytest.CaptureFixture[str]) -> None:
    dead = f'http://127.0.0.1:{free_port()}/' + '{repo}'
    code, out = run(with_remotes(world, dead, '--dry-run'))
    assert code == 2 and 'cannot fetch demo/widget' in capsys.readouterr().err
    # The user fixes --remotes: the workspace made by the first run must not keep fetching the dead URL.
    code, out = run(world.args('--dry-run'))
    err = capsys.readouterr().err
    assert code == 0, err + out
    assert 'planned       tag' in out
