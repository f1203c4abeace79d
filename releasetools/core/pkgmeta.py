"""Package metadata read from a commit's files, without building or running anything."""

from __future__ import annotations

import configparser
import re
import tomllib
from collections.abc import Iterator
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from .model import Deliverable, Release
from .versions import pep440

__all__ = ['declared_name', 'import_name', 'lower_bounds', 'package_name', 'raised_minimums', 'requirements']


def declared_name(d: Deliverable, release: Release, repo: str) -> str | None:
    """The package name the data gives ``repo`` in ``release`` (None: none given).

    ``pypi-name`` of its ``repository-settings``, else the ``tarball-base`` of
    its project entry in the release, else that of its settings. Without one,
    the convention is the repository's last path component.
    """
    settings = (d.repository_settings or {}).get(repo)
    tarball = next((p.tarball_base for p in release.projects if p.repo == repo and p.tarball_base), None)
    return (settings.pypi_name if settings else None) or tarball or (settings.tarball_base if settings else None)


def _setup_cfg(blob: bytes | None, section: str, option: str) -> str | None:
    """``option`` of ``[section]`` in a ``setup.cfg`` (None: no file, no such option, or not readable)."""
    if blob is None:
        return None
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(blob.decode('utf-8', 'replace'))
        return parser.get(section, option, fallback=None)
    except configparser.Error:
        return None


def package_name(blob_cfg: bytes | None, blob_toml: bytes | None) -> str | None:
    """The distribution name in ``setup.cfg`` ``[metadata]`` or ``pyproject.toml`` ``[project]``."""
    name = _setup_cfg(blob_cfg, 'metadata', 'name')
    if name:
        return name.strip()
    if blob_toml is not None:
        try:
            data: dict[str, Any] = tomllib.loads(blob_toml.decode('utf-8', 'replace'))
        except tomllib.TOMLDecodeError:
            return None
        name = data.get('project', {}).get('name')
        if isinstance(name, str):
            return name
    return None


def import_name(setup_cfg: bytes | None, pyproject: bytes | None) -> str | None:
    """The top-level package: ``[files] packages`` of setup.cfg, else the distribution name."""
    packages = _setup_cfg(setup_cfg, 'files', 'packages') or ''
    first = next((p.strip() for p in packages.splitlines() if p.strip()), None)
    if first:
        return first
    name = package_name(setup_cfg, pyproject)
    if name is None:
        return None
    return re.sub(r'[-.]+', '_', name).lower()


def requirements(blob: bytes | None) -> Iterator[Requirement]:
    """The requirements of a requirements.txt; comments, options (-r, -e) and bad lines skipped."""
    if blob is None:
        return
    for raw in blob.decode('utf-8', 'replace').splitlines():
        line = raw.split('#', 1)[0].strip()
        if not line or line.startswith('-'):
            continue
        try:
            yield Requirement(line)
        except InvalidRequirement:
            continue


def lower_bounds(blob: bytes | None) -> dict[str, Version]:
    """The lower bound of each requirement of a requirements.txt (canonical names)."""
    out: dict[str, Version] = {}
    for req in requirements(blob):
        for spec in req.specifier:
            if spec.operator in ('>=', '==', '~=', '>', '==='):
                bound = pep440(spec.version.rstrip('.*'))
                if bound is None:
                    continue
                name = canonicalize_name(req.name)
                if name not in out or bound > out[name]:
                    out[name] = bound
    return out


def raised_minimums(old: bytes | None, new: bytes | None) -> list[str]:
    """Requirements of a requirements.txt whose lower bound went up from ``old`` to ``new`` (``name old -> new``)."""
    before, after = lower_bounds(old), lower_bounds(new)
    return [f'{n} {before[n]} -> {after[n]}' for n in sorted(after) if n in before and after[n] > before[n]]
