"""All git access, batched: one process answers many questions.

Every call goes through :func:`run_git`, which captures output and turns a
failure into :class:`GitError` with git's own message. Callers ask for many
facts at once (``cat-file --batch`` for file contents, one ``for-each-ref``
for all refs) instead of one process per question.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path

from .errors import GitError

__all__ = ['changed_paths', 'default_base', 'is_work_tree', 'read_blobs', 'resolve_commit', 'run_git']

_ENV = {
    # Never ask for credentials or open an editor: this runs unattended in CI.
    'GIT_TERMINAL_PROMPT': '0',
    'GIT_ASKPASS': 'true',
    'GCM_INTERACTIVE': 'never',
    'LC_ALL': 'C',
}


def run_git(args: Sequence[str], cwd: str | os.PathLike[str], *, input: bytes | None = None,
            check: bool = True, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run ``git args`` in ``cwd``; raise GitError with git's message on failure."""
    full_env = {**os.environ, **_ENV, **(env or {})}
    try:
        proc = subprocess.run(['git', *args], cwd=cwd, input=input, capture_output=True, env=full_env, check=False)
    except FileNotFoundError:
        raise GitError('git is not installed', 'install git') from None
    if check and proc.returncode != 0:
        message = proc.stderr.decode('utf-8', 'replace').strip() or f'exit status {proc.returncode}'
        raise GitError(f'git {" ".join(args[:2])} failed in {cwd}: {message}')
    return proc


def is_work_tree(path: Path) -> bool:
    proc = run_git(['rev-parse', '--is-inside-work-tree'], path, check=False)
    return proc.returncode == 0 and proc.stdout.strip() == b'true'


def resolve_commit(path: Path, rev: str) -> str | None:
    """The commit id ``rev`` names, or None if it names no commit."""
    proc = run_git(['rev-parse', '--verify', '--quiet', '--end-of-options', f'{rev}^{{commit}}'], path, check=False)
    return proc.stdout.decode().strip() if proc.returncode == 0 else None


def default_base(path: Path) -> str | None:
    """merge-base of HEAD with origin/HEAD when that exists, else HEAD^."""
    if resolve_commit(path, 'refs/remotes/origin/HEAD'):
        proc = run_git(['merge-base', 'HEAD', 'refs/remotes/origin/HEAD'], path, check=False)
        if proc.returncode == 0:
            return proc.stdout.decode().strip()
    return resolve_commit(path, 'HEAD^')


def changed_paths(path: Path, base: str, under: str) -> tuple[list[str], list[str]]:
    """Paths under ``under`` that differ between ``base`` and the working tree.

    Returns (present, deleted): files added or modified (including untracked
    files git does not ignore) and files deleted since the base. Paths are
    relative to the top of the repository.
    """
    diff = run_git(['diff', '--name-status', '--no-renames', '-z', base, '--', under], path).stdout
    fields = diff.decode('utf-8', 'surrogateescape').split('\0')
    present: list[str] = []
    deleted: list[str] = []
    for status, name in zip(fields[0::2], fields[1::2], strict=False):
        (deleted if status.startswith('D') else present).append(name)
    untracked = run_git(['ls-files', '--others', '--exclude-standard', '-z', '--', under], path).stdout
    present.extend(p for p in untracked.decode('utf-8', 'surrogateescape').split('\0') if p)
    return sorted(set(present)), sorted(deleted)


def read_blobs(path: Path, rev: str, files: Iterable[str]) -> dict[str, bytes | None]:
    """Contents of ``files`` at ``rev`` in one ``cat-file --batch``; None where absent."""
    names = list(files)
    if not names:
        return {}
    request = ''.join(f'{rev}:{name}\n' for name in names).encode('utf-8', 'surrogateescape')
    out = run_git(['cat-file', '--batch'], path, input=request).stdout
    result: dict[str, bytes | None] = {}
    pos = 0
    for name in names:
        end = out.index(b'\n', pos)
        line = out[pos:end]
        pos = end + 1
        header = line.split(b' ')
        if line.endswith((b' missing', b' ambiguous')) or len(header) != 3:
            result[name] = None
            continue
        size = int(header[2])
        result[name] = out[pos:pos + size] if header[1] == b'blob' else None
        pos += size + 1
    return result
