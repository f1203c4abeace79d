"""Building, checking, publishing and verifying a release's Python artifacts.

``python -m build`` builds at the tag (pbr takes the version from it) and the
built version must equal the requested one. Uploads go through twine with the
credentials in its environment, never on a command line or in a log. twine
refuses ``--skip-existing`` for private indexes, so idempotence is ours: the
index is asked first, and a file it already has with the same sha256 counts
as published (a different sha256 is an error).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from html.parser import HTMLParser
from pathlib import Path

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import Version

from ..errors import ReleaseToolsError

__all__ = [
    'Artifact',
    'build',
    'copy_to_tarballs', 'describe',
    'download_sha256',
    'index_files',
    'sha256_of',
    'twine_check',
    'upload',
]

#: Network calls give up rather than hang a release job.
TIMEOUT = 60


@dataclass(frozen=True)
class Artifact:
    path: Path
    name: str  # distribution name, canonical
    version: Version
    sha256: str


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, 'rb') as fh:
        for block in iter(lambda: fh.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def describe(path: Path) -> tuple[str, Version]:
    try:
        if path.name.endswith('.whl'):
            name, version, _, _ = parse_wheel_filename(path.name)
        else:
            name, version = parse_sdist_filename(path.name)
    except (InvalidSdistFilename, InvalidWheelFilename) as exc:
        raise ReleaseToolsError(f'unexpected artifact {path.name}: {exc}') from None
    return canonicalize_name(name), version


def _run(cmd: list[str], cwd: Path, env: dict[str, str], what: str) -> str:
    try:
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=1800, check=False)
    except subprocess.TimeoutExpired:
        raise ReleaseToolsError(f'{what} timed out') from None
    if proc.returncode != 0:
        tail = '\n'.join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise ReleaseToolsError(f'{what} failed:\n{tail}')
    return proc.stdout


def build(source: Path, outdir: Path, version: str, *, isolation: bool = True) -> list[Artifact]:
    """sdist and wheel of ``source``; the built version must be ``version``."""
    if outdir.exists():
        shutil.rmtree(outdir)
    outdir.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k not in ('PBR_VERSION', 'PYTHONPATH')}
    cmd = [sys.executable, '-m', 'build', '--sdist', '--wheel', '--outdir', str(outdir), str(source)]
    if not isolation:
        cmd[3:3] = ['--no-isolation', '--skip-dependency-check']
    _run(cmd, source, env, f'building {source.name} {version}')
    artifacts = []
    for path in sorted(outdir.iterdir()):
        name, built = describe(path)
        if built != Version(version):
            raise ReleaseToolsError(f'{path.name} was built as version {built}, not {version}',
                                    'is the tag on the built commit, and the clone complete (not shallow)?')
        artifacts.append(Artifact(path, name, built, sha256_of(path)))
    kinds = {p.path.suffix for p in artifacts}
    if not artifacts or '.whl' not in kinds:
        raise ReleaseToolsError(f'building {source.name} {version} produced {[a.path.name for a in artifacts]}, '
                                'not an sdist and a wheel')
    return artifacts


def twine_check(artifacts: list[Artifact]) -> None:
    """``twine check``, in this process (a new interpreter per repository costs more than the check).

    It prints, so its output is captured by swapping sys.stdout: call it from
    one thread at a time.
    """
    import contextlib
    import io

    from twine.commands.check import check

    output = io.StringIO()
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        failed = check([str(a.path) for a in artifacts])
    if failed:
        raise ReleaseToolsError(f'twine check failed:\n{output.getvalue().strip()}')


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: dict[str, tuple[str, str | None]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != 'a':
            return
        href = dict(attrs).get('href')
        if not href:
            return
        url, _, fragment = href.partition('#')
        sha = fragment[len('sha256='):] if fragment.startswith('sha256=') else None
        self.links[urllib.parse.unquote(url.rsplit('/', 1)[-1])] = (url, sha)


def _open(url: str, auth: tuple[str, str] | None) -> bytes:
    request = urllib.request.Request(url)
    if auth is not None:
        import base64

        token = base64.b64encode(f'{auth[0]}:{auth[1]}'.encode()).decode()
        request.add_header('Authorization', f'Basic {token}')
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        return bytes(response.read())


def index_files(simple_url: str, name: str, auth: tuple[str, str] | None = None) -> dict[str, tuple[str, str | None]]:
    """file name -> (absolute URL, sha256 or None) that the index serves for ``name``."""
    page = urllib.parse.urljoin(simple_url.rstrip('/') + '/', f'{canonicalize_name(name)}/')
    try:
        html = _open(page, auth)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return {}
        raise ReleaseToolsError(f'the index answered {exc.code} for {page}') from None
    except (urllib.error.URLError, OSError) as exc:
        raise ReleaseToolsError(f'cannot reach the index at {page}: {getattr(exc, "reason", exc)}') from None
    parser = _Links()
    parser.feed(html.decode('utf-8', 'replace'))
    return {file: (urllib.parse.urljoin(page, url), sha) for file, (url, sha) in parser.links.items()}


def upload(artifacts: list[Artifact], url: str, user: str | None, password: str | None) -> None:
    """twine upload; the credentials travel in twine's environment only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith('TWINE_')}
    if user is not None:
        env['TWINE_USERNAME'] = user
    if password is not None:
        env['TWINE_PASSWORD'] = password
    cmd = [sys.executable, '-m', 'twine', 'upload', '--non-interactive', '--disable-progress-bar',
           '--repository-url', url, *(str(a.path) for a in artifacts)]
    try:
        _run(cmd, artifacts[0].path.parent, env, 'twine upload')
    except ReleaseToolsError as exc:
        message = exc.message.replace(password, '***') if password else exc.message
        raise ReleaseToolsError(message) from None


def download_sha256(url: str, auth: tuple[str, str] | None = None) -> str:
    try:
        return hashlib.sha256(_open(url, auth)).hexdigest()
    except (urllib.error.URLError, OSError) as exc:
        raise ReleaseToolsError(f'cannot download {url}: {getattr(exc, "reason", exc)}') from None


def copy_to_tarballs(artifacts: list[Artifact], target: Path, signing_key: str | None,
                     env: dict[str, str]) -> list[Path]:
    """Copy artifacts with a ``.sha256`` file each (and ``.asc`` signatures when signing).

    Each file is written under a temporary name and renamed, so a full or
    read-only directory leaves no partial file under a published name.
    """
    written: list[Path] = []
    try:
        target.mkdir(parents=True, exist_ok=True)
        for artifact in artifacts:
            dest = target / artifact.path.name
            _atomic(dest, partial(_copy, artifact.path))
            _atomic(target / f'{dest.name}.sha256', partial(_write, f'{artifact.sha256}  {dest.name}\n'.encode()))
            written += [dest, target / f'{dest.name}.sha256']
            if signing_key:
                _run(['gpg', '--batch', '--yes', '--local-user', signing_key, '--armor', '--detach-sign',
                      '--output', f'{dest}.asc', str(dest)], target, env, f'signing {dest.name}')
                written.append(target / f'{dest.name}.asc')
    except OSError as exc:
        raise ReleaseToolsError(f'{exc.filename or target}: cannot write to the tarballs directory: '
                                f'{exc.strerror or exc}', 'free space or fix its permissions, then run again') from None
    return written


def _copy(source: Path, tmp: Path) -> None:
    shutil.copyfile(source, tmp)


def _write(data: bytes, tmp: Path) -> None:
    tmp.write_bytes(data)


def _atomic(dest: Path, write: Callable[[Path], None]) -> None:
    tmp = dest.with_name(f'.{dest.name}.tmp')
    try:
        write(tmp)
        with open(tmp, 'rb') as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise OSError(exc.errno, exc.strerror, str(dest)) from None  # the place, not copyfile's source
