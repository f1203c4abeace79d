"""Building, checking, publishing and verifying a release's Python artifacts.

``python -m build`` builds at the tag (pbr takes the version from it) and the
built version must equal the requested one. Uploads go through twine with the
credentials in its environment, never on a command line or in a log. twine
refuses ``--skip-existing`` for private indexes, so idempotence is ours: the
index is asked first, and a file it already has with the same sha256 counts
as published (a different sha256 is an error).

A build of a tag is reproducible, so a re-run that builds again (a fresh
work directory, another runner) finds on the index exactly what it built:
``SOURCE_DATE_EPOCH`` is the tagged commit's committer date (the wheel's
timestamps), and the sdist is rewritten deterministically
(:func:`normalise_sdist`), since setuptools keeps the work tree's mtimes,
owners, modes and order, and gzip a timestamp and file name.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import shutil
import sys
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request
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

from ..core.errors import GitError, ReleaseToolsError
from ..core.redact import basic_authorization
from ..core.versions import pep440
from ..data.atomic import replace_atomically
from ..git.repo import run_git
from . import children

__all__ = [
    'Artifact',
    'VersionMismatch',
    'build',
    'copy_to_tarballs',
    'describe',
    'download_sha256',
    'index_files',
    'normalise_sdist',
    'sha256_of',
    'source_date_epoch',
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
    return children.run(cmd, cwd, env, what)


def source_date_epoch(source: Path) -> int | None:
    """The committer date of the commit checked out in ``source`` (None: not a git checkout)."""
    try:
        out = run_git(['log', '-1', '--format=%ct', 'HEAD'], source, base_env=children.environment('git'))
    except GitError:
        return None
    text = out.stdout.decode().strip()
    return int(text) if text.isdigit() else None


def _normal_mode(member: tarfile.TarInfo) -> int:
    if member.isdir():
        return 0o755
    if member.issym():
        return 0o777
    return 0o755 if member.mode & 0o111 else 0o644


def normalise_sdist(path: Path, epoch: int) -> None:
    """Rewrite a ``.tar.gz`` so that only its files' names and contents decide its bytes.

    Members sorted by name, each with mtime ``epoch``, owner 0/0 and names
    'root', mode 0644 (0755 for directories and executables); no pax
    headers of the original (tarfile writes what long names need); gzip
    with mtime 0, no file name, a fixed compression level.
    """
    def rewrite(tmp: Path) -> None:
        with tarfile.open(path, 'r:gz') as src:
            members = sorted(src.getmembers(), key=lambda m: m.name)
            with open(tmp, 'wb') as raw, \
                    gzip.GzipFile(filename='', mode='wb', fileobj=raw, mtime=0, compresslevel=9) as gz, \
                    tarfile.open(fileobj=gz, mode='w', format=tarfile.PAX_FORMAT) as out:
                for member in members:
                    if not (member.isfile() or member.isdir() or member.issym()):
                        raise ReleaseToolsError(f'{path.name} holds {member.name}, neither a file, '
                                                'a directory nor a symbolic link')
                    info = tarfile.TarInfo(member.name)
                    info.type = member.type
                    info.size = member.size if member.isfile() else 0
                    info.linkname = member.linkname
                    info.mode = _normal_mode(member)
                    info.mtime = epoch
                    info.uid = info.gid = 0
                    info.uname = info.gname = 'root'
                    out.addfile(info, src.extractfile(member) if member.isfile() else None)

    try:
        replace_atomically(path, rewrite)
    except (OSError, tarfile.TarError) as exc:
        raise ReleaseToolsError(f'cannot normalise {path}: {exc}') from None


def build(source: Path, outdir: Path, version: str, *, isolation: bool = True) -> list[Artifact]:
    """sdist and wheel of ``source``; the built version must be ``version``.

    Reproducible: the same commit gives the same bytes, wherever and whenever
    it is built. The sdist is built and normalised first, and the wheel is
    built from that very sdist (as ``python -m build`` does, but from the
    normalised archive: file modes in the wheel then do not depend on the
    checkout's umask).
    """
    if outdir.exists():
        shutil.rmtree(outdir)
    outdir.mkdir(parents=True)
    epoch = source_date_epoch(source)
    extra = {'SOURCE_DATE_EPOCH': str(epoch)} if epoch is not None else {}
    env = children.environment('build', extra)
    what = f'building {source.name} {version}'
    options = ['--no-isolation', '--skip-dependency-check'] if not isolation else []
    _run([sys.executable, '-m', 'build', *options, '--sdist', '--outdir', str(outdir), str(source)], source, env,
         what)
    sdists = sorted(outdir.glob('*.tar.gz'))
    if len(sdists) != 1:
        raise ReleaseToolsError(f'{what} produced {sorted(p.name for p in outdir.iterdir())}, not one sdist')
    sdist = _checked(sdists[0], version)
    if epoch is not None:
        normalise_sdist(sdist.path, epoch)
        sdist = Artifact(sdist.path, sdist.name, sdist.version, sha256_of(sdist.path))
    with tempfile.TemporaryDirectory(prefix='.unpacked-', dir=outdir.parent) as tmp:
        unpacked = _unpack(sdist.path, Path(tmp))
        _run([sys.executable, '-m', 'build', *options, '--wheel', '--outdir', str(outdir), str(unpacked)],
             unpacked, env, what)
    wheels = sorted(outdir.glob('*.whl'))
    if len(wheels) != 1:
        raise ReleaseToolsError(f'{what} produced {sorted(p.name for p in outdir.iterdir())}, not one wheel')
    return [_checked(wheels[0], version), sdist]


class VersionMismatch(ReleaseToolsError):
    """A build that gave another version than the one requested."""

    def __init__(self, file: str, built: Version, wanted: str) -> None:
        super().__init__(f'{file} was built as version {built}, not {wanted}',
                         'is the tag on the built commit, and the clone complete (not shallow)?')
        self.built = built


def _checked(path: Path, version: str) -> Artifact:
    name, built = describe(path)
    if built != pep440(version):
        raise VersionMismatch(path.name, built, version)
    return Artifact(path, name, built, sha256_of(path))


def _unpack(sdist: Path, into: Path) -> Path:
    """The sdist's top directory, extracted under ``into`` (the tar 'data' filter: no links out, no devices)."""
    try:
        with tarfile.open(sdist, 'r:gz') as tar:
            tops = {m.name.split('/', 1)[0] for m in tar.getmembers()}
            if len(tops) != 1:
                raise ReleaseToolsError(f'{sdist.name} has no single top directory: {sorted(tops)[:5]}')
            if hasattr(tarfile, 'data_filter'):
                tar.extractall(into, filter='data')
            else:  # pragma: no cover - Python 3.11.0-3.11.3: refuse what the filter would
                for m in tar.getmembers():
                    if m.name.startswith('/') or '..' in m.name.split('/') or not (m.isfile() or m.isdir()):
                        raise ReleaseToolsError(f'{sdist.name}: unsafe member {m.name}')
                tar.extractall(into)  # every member checked above
    except (OSError, tarfile.TarError) as exc:
        raise ReleaseToolsError(f'cannot unpack {sdist.name}: {exc}') from None
    return into / tops.pop()


def twine_check(artifacts: list[Artifact], *, strict: bool = True) -> None:
    """``twine check --strict``, in this process (a new interpreter per repository costs more than the check).

    Strict: a warning (no long description content type, a README that renders
    only as plain text) fails too, as on the release team's gate.

    It prints, so its output is captured by swapping sys.stdout: call it from
    one thread at a time.
    """
    import io

    from twine.commands.check import check

    output = io.StringIO()
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        failed = check([str(a.path) for a in artifacts], strict=strict)
    if failed:
        raise ReleaseToolsError(f'twine check{" --strict" if strict else ""} failed:\n{output.getvalue().strip()}')


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
        request.add_header('Authorization', basic_authorization(*auth))
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
    env = children.environment('twine')
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
            replace_atomically(dest, partial(_copy, artifact.path))
            line = f'{artifact.sha256}  {dest.name}\n'.encode()
            replace_atomically(target / f'{dest.name}.sha256', partial(_write, line))
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
