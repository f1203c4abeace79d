"""The public API of a Python package at two commits, compared with griffe (static analysis:
nothing of the package is imported or run)."""

from __future__ import annotations

import io
import logging
import os
import re
import tarfile
import tempfile
from pathlib import Path

from ..core.errors import GitError
from ..git import repo as gitrepo
from .changes import ApiResult

__all__ = ['API_RELEASE_TYPES', 'API_TYPES', 'compare_api', 'wants_api_check']

#: Deliverables whose public API others build on.
API_TYPES = ('library', 'client-library')
API_RELEASE_TYPES = ('python-pypi',)


def wants_api_check(deliverable_type: str | None, release_type: str) -> bool:
    return deliverable_type in API_TYPES or release_type in API_RELEASE_TYPES


def _extract(path: Path, commit: str, package: str, into: Path) -> bool:
    """Write ``package`` (a directory or a module) as it is at ``commit`` under ``into``."""
    for spec in (package, f'{package}.py'):
        proc = gitrepo.run_git(['archive', '--format=tar', commit, '--', spec], path, check=False)
        if proc.returncode == 0 and proc.stdout:
            with tarfile.open(fileobj=io.BytesIO(proc.stdout)) as tar:
                members = [m for m in tar.getmembers() if m.isfile() or m.isdir()]
                try:
                    tar.extractall(into, members=members, filter='data')
                except TypeError:  # Python without extraction filters
                    tar.extractall(into, members=members)
            return True
    return False


def compare_api(path: Path, old_commit: str, new_commit: str, package: str | None) -> ApiResult:
    """Incompatible changes of ``package``'s public API from ``old_commit`` to ``new_commit``."""
    if package is None:
        return ApiResult('skipped', 'no package name in setup.cfg or pyproject.toml')
    try:
        import griffe
    except ImportError:
        return ApiResult('skipped', 'griffe is not installed (pip install griffe)')
    logging.getLogger('griffe').disabled = True
    try:
        with tempfile.TemporaryDirectory(prefix='rt-api-') as tmp:
            trees = []
            for name, commit in (('old', old_commit), ('new', new_commit)):
                where = Path(tmp) / name
                where.mkdir()
                if not _extract(path, commit, package, where):
                    return ApiResult('skipped', f'package {package} not found at {commit[:12]}')
                trees.append(where)
            old, new = (griffe.load(package, search_paths=[t], allow_inspection=False, resolve_aliases=False,
                                    modules_collection=griffe.ModulesCollection(),
                                    lines_collection=griffe.LinesCollection()) for t in trees)
            prefixes = [f'{t}{os.sep}' for t in trees]
            breakages = [_tidy(b.explain(), prefixes) for b in griffe.find_breaking_changes(old, new)]
    except GitError as exc:
        return ApiResult('skipped', exc.message)
    except Exception as exc:
        return ApiResult('skipped', f'griffe could not analyse {package}: {type(exc).__name__}: {exc}')
    finally:
        logging.getLogger('griffe').disabled = False
    return ApiResult('compared', None, tuple(sorted(set(breakages))))


_ANSI_RE = re.compile(r'\x1b\[[0-9;]*m')


def _tidy(text: str, prefixes: list[str]) -> str:
    """griffe's one-line explanation without colours and with paths relative to the package's parent."""
    text = _ANSI_RE.sub('', text)
    for prefix in prefixes:
        text = text.replace(prefix, '')
    return ' '.join(text.split())
