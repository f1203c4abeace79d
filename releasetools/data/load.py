"""Reading a data repository into the model: series table and deliverable files.

All reading of ``deliverables/`` and ``data/`` happens here. Bad input never
raises: every problem becomes a finding carrying the file and line, and the
file is then left out of the checks that need its content.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..core.errors import UsageError
from ..core.findings import Finding, Severity
from ..core.model import Branch, Deliverable, Project, Release, RepoSettings, Series, SeriesTable
from .loadchecks import loader_finding, loader_problem
from .yamlio import YamlProblem, YList, YMap, date_to_str, parse_yaml, read_yaml_file

__all__ = [
    'DELIVERABLES',
    'SERIES_STATUS',
    'LoadedFile',
    'deliverable_from_raw',
    'list_deliverable_files',
    'load_deliverable_bytes',
    'load_deliverable_file',
    'load_series',
    'split_deliverable_path',
]

SERIES_STATUS = 'data/series_status.yaml'
DELIVERABLES = 'deliverables'


@dataclass(frozen=True)
class LoadedFile:
    """A deliverable file as read: the deliverable, or the finding that stopped it."""

    path: str
    deliverable: Deliverable | None
    problem: Finding | None = None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def load_series(root: Path) -> tuple[SeriesTable, list[Finding]]:
    """Read ``data/series_status.yaml``; a missing file is a usage error."""
    path = root / SERIES_STATUS
    if not path.is_file():
        raise UsageError(f'{root} has no {SERIES_STATUS}: it is not a release data repository',
                         'pass --root with the top of a data repository')
    findings: list[Finding] = []
    try:
        raw = read_yaml_file(path)
    except YamlProblem as problem:
        return SeriesTable(()), [loader_finding(SERIES_STATUS, problem)]
    if not isinstance(raw, YList):
        return SeriesTable(()), [loader_finding(SERIES_STATUS, loader_problem('series-not-list', 1))]
    series: list[Series] = []
    seen: set[str] = set()
    for i, entry in enumerate(raw):
        line = raw.item_lines[i]
        if not isinstance(entry, YMap) or not isinstance(entry.get('name'), str):
            findings.append(Finding('RT102', Severity.ERROR, SERIES_STATUS, line,
                                    'each series needs a name (a mapping with a "name" key)'))
            continue
        name = entry['name']
        if name in seen:
            findings.append(loader_finding(SERIES_STATUS, loader_problem('series-twice', line, name=name)))
            continue
        seen.add(name)
        release_id = entry.get('release-id')
        series.append(Series(
            name=name,
            release_id=str(release_id) if release_id is not None else None,
            status=str(entry.get('status', '')),
            initial_release=date_to_str(entry.get('initial-release')),
            slurp=bool(entry.get('slurp', False)),
            eol_date=date_to_str(entry.get('eol-date')),
            line=line,
        ))
    return SeriesTable(tuple(series)), findings


def split_deliverable_path(relpath: str) -> tuple[str, str] | None:
    """``deliverables/<series>/<name>.yaml`` -> (series, name), else None."""
    parts = relpath.split('/')
    if len(parts) != 3 or parts[0] != DELIVERABLES or not parts[2].endswith('.yaml'):
        return None
    name = parts[2][:-5]
    if not name or not parts[1]:
        return None
    return parts[1], name


def _projects(raw: Any) -> tuple[Project, ...]:
    if not isinstance(raw, YList):
        return ()
    out = []
    get = dict.get
    for i, p in enumerate(raw):
        if p.__class__ is YMap:
            # _str() in line: a file of 16,000 releases has as many projects.
            repo, sha, base, comment = get(p, 'repo'), get(p, 'hash'), get(p, 'tarball-base'), get(p, 'comment')
            out.append(Project(repo if repo.__class__ is str else None, sha if sha.__class__ is str else None,
                               base if base.__class__ is str else None,
                               comment if comment.__class__ is str else None, p.line))
        else:
            out.append(Project(None, None, line=raw.item_lines[i]))
    return tuple(out)


def _releases(raw: Any) -> tuple[Release, ...]:
    if not isinstance(raw, YList):
        return ()
    out = []
    no_flags: frozenset[str] = frozenset()
    for i, r in enumerate(raw):
        if r.__class__ is not YMap:
            out.append(Release(None, (), line=raw.item_lines[i], index=i))
            continue
        flags = r.get('flags')
        version, diff_start = r.get('version'), r.get('diff-start')
        out.append(Release(
            version if version.__class__ is str else None,
            _projects(r.get('projects')),
            diff_start if diff_start.__class__ is str else None,
            frozenset(f for f in flags if isinstance(f, str)) if isinstance(flags, list) else no_flags,
            r.line,
            i,
        ))
    return tuple(out)


def _branches(raw: Any) -> tuple[Branch, ...]:
    if not isinstance(raw, YList):
        return ()
    out = []
    for i, b in enumerate(raw):
        if not isinstance(b, YMap):
            out.append(Branch(None, None, line=raw.item_lines[i], index=i))
            continue
        location = b.get('location')
        if not isinstance(location, (str, Mapping)):
            location = None
        out.append(Branch(_str(b.get('name')), location, b.line, i))
    return tuple(out)


def _repo_settings(raw: Any) -> dict[str, RepoSettings] | None:
    if not isinstance(raw, Mapping):
        return None
    out = {}
    for repo, value in raw.items():
        if not isinstance(repo, str):
            continue
        settings = value if isinstance(value, Mapping) else {}
        flags = settings.get('flags')
        out[repo] = RepoSettings(
            repo, _str(settings.get('pypi-name')), _str(settings.get('tarball-base')),
            frozenset(f for f in flags if isinstance(f, str)) if isinstance(flags, list) else frozenset())
    return out


def _frozen(mapping: dict[str, RepoSettings] | None) -> Mapping[str, RepoSettings] | None:
    return None if mapping is None else MappingProxyType(mapping)


def deliverable_from_raw(raw: Mapping[str, Any], series: str, name: str, path: str) -> Deliverable:
    """Build the model from a parsed file; wrong types become None/empty."""
    return Deliverable(
        name=name,
        series=series,
        path=path,
        team=_str(raw.get('team')),
        type=_str(raw.get('type')),
        release_model=_str(raw.get('release-model')),
        release_type=_str(raw.get('release-type')) or 'python-service',
        stable_branch_type=_str(raw.get('stable-branch-type')) or 'std',
        stable_status=_str(raw.get('stable-status')),
        repository_settings=_frozen(_repo_settings(raw.get('repository-settings'))),
        releases=_releases(raw.get('releases')),
        branches=_branches(raw.get('branches')),
        raw=raw,
    )


def _from_parsed(relpath: str, data: Any) -> LoadedFile:
    split = split_deliverable_path(relpath)
    assert split is not None, relpath
    if not isinstance(data, YMap):
        kind = 'empty' if data is None else f'a {type(data).__name__.replace("Y", "").lower()}'
        line = getattr(data, 'line', 1) or 1
        return LoadedFile(relpath, None, loader_finding(relpath, loader_problem('not-mapping', line, shape=kind)))
    return LoadedFile(relpath, deliverable_from_raw(data, split[0], split[1], relpath))


def load_deliverable_file(root: Path, relpath: str) -> LoadedFile:
    """Read one deliverable file of the working tree."""
    try:
        data = read_yaml_file(os.path.join(root, relpath))
    except YamlProblem as problem:
        return LoadedFile(relpath, None, loader_finding(relpath, problem))
    return _from_parsed(relpath, data)


def load_deliverable_bytes(relpath: str, content: bytes) -> LoadedFile:
    """Parse a deliverable file's content (e.g. as it was at the base revision)."""
    try:
        data = parse_yaml(content)
    except YamlProblem as problem:
        return LoadedFile(relpath, None, loader_finding(relpath, problem))
    return _from_parsed(relpath, data)


def escapes(root_real: str, path: str) -> bool:
    """Whether ``path`` resolves outside ``root_real`` (a resolved path)."""
    real = os.path.realpath(path)
    return not (real == root_real or real.startswith(root_real + os.sep))


def list_deliverable_files(root: Path, series_dirs: Iterable[str] | None = None
                           ) -> tuple[list[str], list[Finding]]:
    """All ``deliverables/<series>/<name>.yaml`` paths, and findings for links leaving the root.

    ``os.scandir`` keeps this to one system call per directory; links are
    resolved only when an entry is a link.
    """
    top = root / DELIVERABLES
    root_real = os.path.realpath(root)
    files: list[str] = []
    findings: list[Finding] = []
    try:
        series_entries = sorted(os.scandir(top), key=lambda e: e.name)
    except OSError:
        return files, findings
    wanted = set(series_dirs) if series_dirs is not None else None
    for sdir in series_entries:
        if wanted is not None and sdir.name not in wanted:
            continue
        rel_dir = f'{DELIVERABLES}/{sdir.name}'
        if sdir.is_symlink() and escapes(root_real, sdir.path):
            findings.append(escape_finding(rel_dir))
            continue
        if not sdir.is_dir():
            continue
        for entry in sorted(os.scandir(sdir.path), key=lambda e: e.name):
            if not entry.name.endswith('.yaml'):
                continue
            rel = f'{rel_dir}/{entry.name}'
            if entry.is_symlink() and escapes(root_real, entry.path):
                findings.append(escape_finding(rel))
                continue
            files.append(rel)
    return files, findings


def escape_finding(rel: str) -> Finding:
    """RT007 for a link at ``rel`` that leads outside the data repository."""
    return loader_finding(rel, loader_problem('link-escapes', 0))
