"""``releasetools demo``: the whole pipeline in a sandbox, through the real commands.

Builds source repositories (pbr packages with history and reno notes) and a
data repository with two series and deliverables of several models, starts a
package index (pypiserver) and a mail sink (aiosmtpd) on 127.0.0.1, then runs
what its users run: ``new-release`` proposes a release, ``validate`` and
``list-changes`` review it, the change is committed (the merge), ``release``
tags, builds, uploads, writes notes and announces, ``site`` rebuilds the
website. Offline; a second run in the same directory starts afresh (only a directory a demo made
is emptied: see :func:`_claim_sandbox`).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ..core.errors import ReleaseToolsError
from ..git.repo import run_git

__all__ = ['CommandRunner', 'DemoResult', 'free_port', 'pbr_project_files', 'run_demo', 'wait_for_port']

#: How the demo runs a releasetools command: ``main(argv, out) -> exit status`` of the CLI, handed in by
#: ``releasetools demo`` (so that this module does not import the CLI that imports it).
CommandRunner = Callable[[list[str], TextIO], int]

_USER, _PASSWORD = 'demo', 'demo-password'
_GIT_ENV = {'GIT_AUTHOR_NAME': 'Demo Developer', 'GIT_AUTHOR_EMAIL': 'dev@demo.invalid',
            'GIT_COMMITTER_NAME': 'Demo Developer', 'GIT_COMMITTER_EMAIL': 'dev@demo.invalid'}
_SERIES = """\
---
# The demo's release series, newest first.
- name: oak
  release-id: '2027.1'
  status: development
  initial-release: 2027-04-07
- name: elm
  release-id: '2026.2'
  status: maintained
  initial-release: 2026-10-07
"""
_TEAMS = 'teams:\n  widgets:\n    ptl: alice\n    liaisons: [bob]\n'


def pbr_project_files(name: str, summary: str) -> dict[str, str]:
    """The files of a minimal pbr-based Python package ``name``."""
    return {
        'setup.py': 'import setuptools\n\nsetuptools.setup(setup_requires=["pbr"], pbr=True)\n',
        'setup.cfg': (f'[metadata]\nname = {name}\nsummary = {summary}\ndescription_file = README.rst\n'
                      'description_content_type = text/x-rst\nauthor = Demo Developers\n'
                      f'license = Apache-2.0\n\n[files]\npackages = {name}\n'),
        'README.rst': f'{"=" * len(name)}\n{name}\n{"=" * len(name)}\n\n{summary}\n',
        f'{name}/__init__.py': '',
        'requirements.txt': 'pbr>=5.0\n',
        '.gitignore': 'AUTHORS\nChangeLog\n*.egg-info\nbuild/\ndist/\n',
    }


def _note(slug: str, uid: str, section: str, text: str) -> dict[str, str]:
    return {f'releasenotes/notes/{slug}-{uid}.yaml': f'---\n{section}:\n  - |\n    {text}\n'}


@dataclass(frozen=True)
class DemoResult:
    directory: Path
    site_index: Path
    announcements: tuple[Path, ...]
    index_url: str
    packages: Path


class _Sandbox:
    def __init__(self, top: Path) -> None:
        self.top = top
        self.git_dir = top / 'git'
        self.data = top / 'releases'

    def git(self, cwd: Path, *args: str) -> str:
        return run_git(list(args), cwd, env=_GIT_ENV).stdout.decode().strip()

    def commit(self, repo: Path, files: dict[str, str], message: str) -> str:
        for name, text in files.items():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            (repo / name).write_text(text)
        self.git(repo, 'add', '-A')
        self.git(repo, 'commit', '-q', '--allow-empty', '-m', message)
        return self.git(repo, 'rev-parse', 'HEAD')

    def source(self, name: str, history: list[tuple[dict[str, str], str, str | None]]) -> dict[str, str]:
        """A package repository, pushed to its bare remote; returns tag -> commit."""
        work = self.top / 'work' / name
        work.mkdir(parents=True)
        self.git(work, 'init', '-q', '-b', 'master')
        tags = {}
        for files, message, tag in history:
            sha = self.commit(work, files, message)
            if tag:
                self.git(work, 'tag', '-a', '-m', f'{name} {tag}', tag)
                tags[tag] = sha
        bare = self.git_dir / 'demo' / name
        bare.parent.mkdir(parents=True, exist_ok=True)
        self.git(self.top, 'clone', '-q', '--bare', str(work), str(bare))
        return tags


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(('127.0.0.1', port)) == 0:
                return
        time.sleep(0.05)
    raise ReleaseToolsError(f'the demo package index did not start on 127.0.0.1:{port}')


@contextlib.contextmanager
def _package_index(root: Path) -> Iterator[str]:
    try:
        from passlib.apache import HtpasswdFile
    except ImportError:
        raise ReleaseToolsError('the demo needs pypiserver and passlib', "pip install 'releasetools[demo]'") from None
    root.mkdir(parents=True)
    htpasswd = root.parent / 'htpasswd'
    ht = HtpasswdFile(str(htpasswd), new=True)
    ht.set_password(_USER, _PASSWORD)
    ht.save()
    port = free_port()
    server = shutil.which('pypi-server') or str(Path(sys.executable).with_name('pypi-server'))
    log = open(root.parent / 'pypiserver.log', 'wb')  # noqa: SIM115 - closed below
    proc = subprocess.Popen([server, 'run', '-p', str(port), '-i', '127.0.0.1', '-P', str(htpasswd),
                             '-a', 'update,download,list', '--disable-fallback', str(root)],
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port)
        yield f'http://127.0.0.1:{port}/'
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


@contextlib.contextmanager
def _mail_sink(folder: Path) -> Iterator[str]:
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        raise ReleaseToolsError('the demo needs aiosmtpd', "pip install 'releasetools[demo]'") from None
    folder.mkdir(parents=True)

    class Keep:
        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            count = len(list(folder.iterdir()))
            (folder / f'message-{count + 1}.eml').write_bytes(envelope.content)  # type: ignore[attr-defined]
            return '250 OK'

    port = free_port()
    controller = Controller(Keep(), hostname='127.0.0.1', port=port)
    controller.start()
    try:
        yield f'127.0.0.1:{port}'
    finally:
        controller.stop()


def _run(command: CommandRunner, argv: list[str], say: Callable[[str], None], *, ok: tuple[int, ...] = (0,)) -> str:
    """Run a real releasetools command, show its output indented, fail the demo on a bad exit."""
    out = io.StringIO()
    say(f'  $ releasetools {" ".join(argv)}')
    code = command(argv, out)
    for line in out.getvalue().splitlines():
        say(f'    {line}')
    if code not in ok:
        raise ReleaseToolsError(f'the demo step "releasetools {argv[0]}" exited with {code}')
    return out.getvalue()


#: Written into the sandbox: only a directory carrying it is emptied by a later run.
SANDBOX_MARK = '.releasetools-demo'
_SANDBOX_PARTS = ('git', 'work', 'releases', 'index', 'mail', 'release-work', 'site', 'cache', 'tarballs')


def _claim_sandbox(top: Path) -> None:
    """Make ``top`` an empty sandbox; refuse a directory with other contents that no demo made.

    A demo run empties its sandbox first. Without the mark, ``demo --dir ~/src`` would delete
    ``~/src/git`` or ``~/src/site`` of a directory that only happens to have such names.
    """
    if top.is_dir() and any(top.iterdir()):
        if not (top / SANDBOX_MARK).is_file():
            raise ReleaseToolsError(f'{top}: not empty, and not a sandbox of an earlier demo run; nothing was deleted',
                                    'pass --dir a new or empty directory')
        for child in _SANDBOX_PARTS:
            shutil.rmtree(top / child, ignore_errors=True)
    try:
        top.mkdir(parents=True, exist_ok=True)
        (top / SANDBOX_MARK).write_text('made by releasetools demo: a later demo run empties this directory\n')
    except OSError as exc:
        raise ReleaseToolsError(f'{exc.filename or top}: {exc.strerror or exc}') from None


#: The demo's steps, numbered [n/STEPS] in what it says.
STEPS = 7


def run_demo(directory: Path, command: CommandRunner, say: Callable[[str], None] = print) -> DemoResult:
    """Run the whole flow in ``directory`` (emptied first) through ``command``; return where everything is."""
    top = directory.resolve()
    _claim_sandbox(top)
    box = _Sandbox(top)
    say(f'[1/{STEPS}] source repositories with history and release notes, under {box.git_dir}')
    tags = _source_repositories(box)
    say(f'[2/{STEPS}] a data repository with two series and three deliverables, at {box.data}')
    _data_repository(box, tags)
    _propose_and_review(box, command, say)
    say(f'[5/{STEPS}] the request merges')
    box.commit(box.data, {}, 'Release alpha 1.2.0')
    mail_dir = top / 'mail'
    packages = top / 'index' / 'packages'
    with _package_index(packages) as index_url, _mail_sink(mail_dir) as smtp:
        say(f'[6/{STEPS}] the release job runs: tag, build, upload to {index_url}, notes, announce via {smtp}')
        with _index_credentials():
            _release(box, command, say, index_url, smtp)
    say(f'[7/{STEPS}] the releases website is rebuilt')
    _run(command, ['site', '--root', str(box.data), '--output', str(top / 'site')], say)
    site_index = top / 'site' / 'html' / 'index.html'
    return DemoResult(top, site_index, tuple(sorted(mail_dir.iterdir())), index_url, packages)


def _source_repositories(box: _Sandbox) -> dict[str, dict[str, str]]:
    """alpha (a library with unreleased features and a fix), beta (a service) and gamma; name -> tag -> commit."""
    alpha = box.source('alpha', [
        ({**pbr_project_files('alpha', 'The alpha library.'),
          **_note('first', '1a2b3c4d5e6f7a8b', 'features', 'First release of alpha.')}, 'Initial layout', '1.0.0'),
        (_note('widgets', '2a2b3c4d5e6f7a8b', 'features', 'Widgets can now be counted.'), 'Count widgets', '1.1.0'),
        (_note('spin', '3a2b3c4d5e6f7a8b', 'features', 'Widgets can spin (``alpha.spin``).'), 'Spin widgets', None),
        (_note('fix-count', '4a2b3c4d5e6f7a8b', 'fixes', 'Counting no longer skips the last widget.'),
         'Fix the count', None),
    ])
    beta = box.source('beta', [
        ({**pbr_project_files('beta', 'The beta service.'),
          **_note('first', '5a2b3c4d5e6f7a8b', 'features', 'First release of beta.')}, 'Initial layout', '1.0.0'),
        (_note('api', '6a2b3c4d5e6f7a8b', 'upgrade', 'The v1 API is removed.'), 'Remove the v1 API', None),
    ])
    gamma = box.source('gamma', [
        ({**pbr_project_files('gamma', 'The gamma tool.'),
          **_note('first', '7a2b3c4d5e6f7a8b', 'features', 'First release of gamma.')}, 'Initial layout', '0.1.0'),
    ])
    return {'alpha': alpha, 'beta': beta, 'gamma': gamma}


_HEAD = 'launchpad: {name}\nteam: widgets\ntype: {type}\n{model}repository-settings:\n  demo/{name}: {{}}\n'


def _deliverable(name: str, kind: str, model: str | None, releases: dict[str, str], branch: str | None = None,
                 ) -> str:
    """A deliverable file of one repository, demo/NAME, with its releases and the stable branch of elm."""
    text = _HEAD.format(name=name, type=kind, model=f'release-model: {model}\n' if model else '')
    if releases:
        text += 'releases:\n' + ''.join(f'  - version: {v}\n    projects:\n      - repo: demo/{name}\n'
                                        f'        hash: {h}\n' for v, h in releases.items())
    if branch:
        text += f'branches:\n  - name: stable/2026.2\n    location: {branch}\n'
    return text


def _data_repository(box: _Sandbox, tags: dict[str, dict[str, str]]) -> None:
    """Two series, elm (maintained, with releases) and oak (in development, none yet), committed."""
    files = {
        'data/series_status.yaml': _SERIES,
        'data/teams.yaml': _TEAMS,
        'deliverables/elm/alpha.yaml': _deliverable('alpha', 'library', 'cycle-with-intermediary', tags['alpha'],
                                                    '1.1.0'),
        'deliverables/oak/alpha.yaml': _deliverable('alpha', 'library', 'cycle-with-intermediary', {}),
        'deliverables/elm/beta.yaml': _deliverable('beta', 'service', 'cycle-with-rc', tags['beta'], '1.0.0'),
        'deliverables/oak/beta.yaml': _deliverable('beta', 'service', 'cycle-with-rc', {}),
        'deliverables/_independent/gamma.yaml': _deliverable('gamma', 'other', None, tags['gamma']),
    }
    box.data.mkdir()
    box.git(box.data, 'init', '-q', '-b', 'master')
    box.commit(box.data, files, 'The release data so far')


def _propose_and_review(box: _Sandbox, command: CommandRunner, say: Callable[[str], None]) -> None:
    """Steps 3 and 4: new-release writes the request; validate, list-changes and check-approval review it."""
    repos = ['--repos', str(box.git_dir) + '/{repo}', '--cache-dir', str(box.top / 'cache')]
    say(f'[3/{STEPS}] a contributor proposes a feature release of alpha in the development series')
    _run(command, ['new-release', 'oak', 'alpha', 'feature', '--root', str(box.data), '--offline', *repos], say)
    say(f'[4/{STEPS}] CI validates it and shows the reviewers what it releases')
    _run(command, ['validate', '--root', str(box.data), '--base', 'HEAD', '--offline', *repos], say)
    _run(command, ['list-changes', '--root', str(box.data), '--base', 'HEAD', '--offline', *repos], say)
    _run(command, ['check-approval', '--root', str(box.data), '--base', 'HEAD', '--author', 'carol',
                   '--approver', 'bob'], say)


@contextlib.contextmanager
def _index_credentials() -> Iterator[None]:
    """The demo index's user and password in the environment, as CI would set them; restored after."""
    saved = {k: os.environ.get(k) for k in ('RELEASETOOLS_INDEX_USER', 'RELEASETOOLS_INDEX_PASSWORD')}
    os.environ['RELEASETOOLS_INDEX_USER'], os.environ['RELEASETOOLS_INDEX_PASSWORD'] = _USER, _PASSWORD
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _release(box: _Sandbox, command: CommandRunner, say: Callable[[str], None], index_url: str, smtp: str) -> None:
    work = box.top / 'release-work'
    _run(command, ['release', '--root', str(box.data), '--base', 'HEAD^', '--repos', str(box.git_dir) + '/{repo}',
                   '--workdir', str(work), '--ledger', str(work / 'ledger.jsonl'),
                   '--cache-dir', str(box.top / 'cache'), '--index-url', index_url, '--smtp', smtp,
                   '--mail-to', 'release-announce@demo.invalid', '--tarballs', str(box.top / 'tarballs'),
                   '--no-build-isolation', '--author', 'carol', '--approver', 'bob'], say)
