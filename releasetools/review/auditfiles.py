"""The artifact half of ``audit``: a release's files on the package index and in the tarballs directory.

The index is read as the release job reads it (``artifacts.build.index_files``:
the PEP 503 simple page of the package, with the ``#sha256=`` of each link, else
the download's own sha256). The tarballs directory is the flat one the job
copies to, each file with its ``.sha256`` line. A release's files are the ones
whose sdist or wheel name carries its version.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name

from ..artifacts import build as artifacts
from ..core.errors import ReleaseToolsError
from ..core.versions import pep440

__all__ = ['FileCheck', 'IndexReader', 'TarballsReader', 'check_files']


@dataclass(frozen=True)
class FileCheck:
    """One problem with one release's files: where ('index' or 'tarballs'), what, and the file."""

    where: str
    status: str  # 'missing', 'different' or 'unavailable'
    detail: str


def _of_version(names: Iterable[str], name: str, version: str) -> list[str]:
    """The sdist and wheel file names among ``names`` of package ``name`` at ``version``."""
    wanted = pep440(version)
    if wanted is None:
        return []
    found = []
    for file in names:
        try:
            dist, v = artifacts.describe(Path(file))
        except ReleaseToolsError:
            continue
        if dist == canonicalize_name(name) and v == wanted:
            found.append(file)
    return sorted(found)


class IndexReader:
    """The index's files of each package, one page read per package (then remembered)."""

    def __init__(self, simple_url: str) -> None:
        self.simple_url = simple_url
        self._pages: dict[str, dict[str, tuple[str, str | None]] | str] = {}

    def files(self, name: str) -> dict[str, tuple[str, str | None]] | str:
        """file -> (URL, sha256 or None), or why the page could not be read."""
        key = canonicalize_name(name)
        if key not in self._pages:
            try:
                self._pages[key] = artifacts.index_files(self.simple_url, key)
            except ReleaseToolsError as exc:
                self._pages[key] = exc.message
        return self._pages[key]

    def sha256(self, served: tuple[str, str | None]) -> str:
        return served[1] or artifacts.download_sha256(served[0])


class TarballsReader:
    """The files of the tarballs directory, listed once; their sha256 computed when asked."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        try:
            self.names = frozenset(p.name for p in directory.iterdir() if p.is_file())
        except OSError as exc:
            raise ReleaseToolsError(f'cannot read the tarballs directory {directory}: {exc.strerror}') from None

    def sha256(self, file: str) -> tuple[str, str | None]:
        """The file's sha256, and the one its ``.sha256`` line gives (None: no such line)."""
        sidecar = self.directory / f'{file}.sha256'
        said = None
        if sidecar.is_file():
            said = (sidecar.read_text(errors='replace').split() or [''])[0]
        return artifacts.sha256_of(self.directory / file), said


def check_files(name: str, version: str, index: IndexReader | None, tarballs: TarballsReader | None
                ) -> list[FileCheck]:
    """What is missing or different among ``name`` ``version``'s files on the index and in the tarballs."""
    problems: list[FileCheck] = []
    served: dict[str, tuple[str, str | None]] = {}
    if index is not None:
        page = index.files(name)
        if isinstance(page, str):
            return [FileCheck('index', 'unavailable', page)]
        served = {f: page[f] for f in _of_version(page, name, version)}
    local = _of_version(tarballs.names, name, version) if tarballs is not None else []
    if index is not None and not served and not local:
        problems.append(FileCheck('index', 'missing', f'no file of {name} {version} on the index'))
    if tarballs is not None and not local and not served:
        problems.append(FileCheck('tarballs', 'missing', f'no file of {name} {version} in {tarballs.directory}'))
    if tarballs is not None:
        problems += [p for file in local for p in _check_local(file, tarballs, index, served)]
        problems += [FileCheck('tarballs', 'missing', f'{file} is on the index, not in the tarballs directory')
                     for file in sorted(set(served) - set(local))]
    return problems


def _check_local(file: str, tarballs: TarballsReader, index: IndexReader | None,
                 served: dict[str, tuple[str, str | None]]) -> list[FileCheck]:
    """One file of the tarballs directory: its ``.sha256`` line, and the index's copy."""
    sha, said = tarballs.sha256(file)
    out = []
    if said is not None and said != sha:
        out.append(FileCheck('tarballs', 'different', f'{file}: sha256 {sha}, its .sha256 says {said}'))
    if index is None:
        return out
    if file not in served:
        return [*out, FileCheck('index', 'missing', f'{file} is in the tarballs directory, not on the index')]
    try:
        on_index = index.sha256(served[file])
    except ReleaseToolsError as exc:
        return [*out, FileCheck('index', 'unavailable', exc.message)]
    if on_index != sha:
        out.append(FileCheck('index', 'different', f'{file}: sha256 {on_index} on the index, {sha} in tarballs'))
    return out
