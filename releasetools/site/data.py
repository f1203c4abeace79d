"""What the site shows, read from a data repository: compact values and a parse cache.

The site needs a small part of each deliverable file (team, type, versions,
links), so each file is reduced to a :class:`SiteDeliverable` once and kept in
a pickle keyed by the file's size and modification time. A rebuild after one
file changed parses one file instead of six thousand.
"""

from __future__ import annotations

import os
import pickle
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..core.errors import UsageError
from ..core.model import INDEPENDENT, Deliverable
from ..core.textsafety import remote_url, safe_link, text_start_line
from ..data import atomic
from ..data.load import SERIES_STATUS, list_deliverable_files, load_deliverable_file, load_series
from ..data.yamlio import YamlProblem, YMap, date_to_str, read_yaml_file
from .calendar import Calendar, load_calendars

__all__ = [
    'CONFIG_FILE',
    'TEMPLATE_FIELDS',
    'SiteConfig',
    'SiteData',
    'SiteDeliverable',
    'SiteRelease',
    'SiteRepo',
    'SiteSeries',
    'fill_template',
    'load_site_config',
    'load_site_data',
    'template_problem',
]

#: Optional settings of the site, under the data repository.
CONFIG_FILE = 'data/site.yaml'

#: Bump when the cached values change shape: an old cache is then ignored.
_CACHE_VERSION = 2


@dataclass(frozen=True)
class SiteConfig:
    """Title and link templates; the defaults point at OpenDev and PyPI like the OpenStack site.

    Placeholders: ``{repo}`` (e.g. ``openstack/nova``), ``{tarball}`` (tarball
    base name), ``{version}``, ``{name}`` (PyPI name), ``{hash}``.
    """

    title: str = 'Releases'
    base_url: str = ''
    tarball_url: str = 'https://tarballs.opendev.org/{repo}/{tarball}-{version}.tar.gz'
    signature_url: str = 'https://tarballs.opendev.org/{repo}/{tarball}-{version}.tar.gz.asc'
    pypi_url: str = 'https://pypi.org/project/{name}/{version}/'
    commit_url: str = 'https://opendev.org/{repo}/commit/{hash}'


_CONFIG_KEYS = {'title': 'title', 'base-url': 'base_url', 'tarball-url': 'tarball_url',
                'signature-url': 'signature_url', 'pypi-url': 'pypi_url', 'commit-url': 'commit_url'}

#: The placeholders a link template may name, and nothing else.
TEMPLATE_FIELDS = ('repo', 'tarball', 'version', 'name', 'hash')
_SAMPLE = {'repo': 'org/repo', 'tarball': 'repo', 'version': '1.0.0', 'name': 'repo', 'hash': '0' * 40}
_PLACEHOLDERS_HINT = 'placeholders: ' + ' '.join(f'{{{f}}}' for f in TEMPLATE_FIELDS) + ' (write {{ and }} for braces)'


def template_problem(template: str) -> str | None:
    """Why ``template`` is not a usable link template, or None.

    Only plain names of :data:`TEMPLATE_FIELDS` are placeholders: no
    attributes or indexes (``{hash.__class__}`` would be evaluated by
    ``str.format``), no positional fields, conversions or format specs.
    """
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        return f'{template!r} is not a usable template ({exc})'
    for _, field_name, spec, conversion in parsed:
        if field_name is None:
            continue
        if field_name not in TEMPLATE_FIELDS:
            return f'{{{field_name}}} in {template!r} is not a placeholder'
        if spec or conversion:
            return f'{{{field_name}{"!" + conversion if conversion else ""}{":" + spec if spec else ""}}} ' \
                   f'in {template!r}: placeholders take no conversion or format'
    # Filled with sample values: a placeholder in front ("{name}:x") would let data choose the scheme.
    sample = ''.join(literal + (_SAMPLE[name] if name else '') for literal, name, _, _ in parsed)
    if not safe_link(sample):
        return f'{template!r} is not an http, https, mailto or relative URL'
    return None


@lru_cache(maxsize=64)
def _compiled(template: str) -> tuple[tuple[str, str | None], ...]:
    problem = template_problem(template)
    if problem is not None:
        raise UsageError(f'link template: {problem}', _PLACEHOLDERS_HINT)
    return tuple((literal, name) for literal, name, _, _ in string.Formatter().parse(template))


def fill_template(template: str, values: Mapping[str, str]) -> str:
    """``template`` with its placeholders replaced by ``values``, never evaluating anything else."""
    out = []
    for literal, field_name in _compiled(template):
        out.append(literal)
        if field_name is not None:
            out.append(values[field_name])
    return ''.join(out)


def load_site_config(root: Path) -> SiteConfig:
    """Read ``data/site.yaml`` when there is one; unknown keys and bad templates are usage errors."""
    path = root / CONFIG_FILE
    if not path.is_file():
        return SiteConfig()
    try:
        raw = read_yaml_file(path)
    except YamlProblem as problem:
        raise UsageError(f'{CONFIG_FILE}:{problem.line}: {problem.message}') from None
    if raw is None:
        return SiteConfig()
    if not isinstance(raw, Mapping):
        raise UsageError(f'{CONFIG_FILE} must be a mapping of settings', f'keys: {", ".join(_CONFIG_KEYS)}')
    values: dict[str, str] = {}
    for key, value in raw.items():
        line = raw.line_of(key) if isinstance(raw, YMap) else 1
        if key not in _CONFIG_KEYS:
            raise UsageError(f'{CONFIG_FILE}:{line}: unknown setting {key!r}',
                             f'known settings: {", ".join(_CONFIG_KEYS)}')
        if not isinstance(value, str):
            raise UsageError(f'{CONFIG_FILE}:{line}: {key} must be a string')
        if key == 'base-url' and value and not remote_url(value):
            raise UsageError(f'{CONFIG_FILE}:{line}: base-url {value!r} is not an http or https URL',
                             'e.g. base-url: https://releases.example.org/')
        if key.endswith('-url') and key != 'base-url' and (bad := template_problem(value)) is not None:
            raise UsageError(f'{CONFIG_FILE}:{line}: {key}: {bad}', _PLACEHOLDERS_HINT)
        values[_CONFIG_KEYS[key]] = value
    return SiteConfig(**values)


@dataclass(frozen=True)
class SiteSeries:
    """A series as the home page shows it."""

    name: str
    release_id: str | None
    status: str
    initial_release: str | None
    next_phase: tuple[str, str] | None = None  # (status, date)
    signing_key: tuple[str, str, str] | None = None  # (key id, start, end) of the key signing its releases


@dataclass(frozen=True)
class SiteRepo:
    repo: str
    pypi_name: str | None = None
    tarball_base: str | None = None
    no_artifacts: bool = False


@dataclass(frozen=True)
class SiteRelease:
    version: str
    projects: tuple[tuple[str, str, str | None], ...]  # (repo, hash, tarball-base)
    signed: bool = True


@dataclass(frozen=True)
class SiteDeliverable:
    """The part of one deliverable file that the site shows."""

    name: str
    series: str
    path: str
    team: str
    type: str
    model: str
    release_notes: tuple[tuple[str, str], ...] = ()  # (label, url)
    include_pypi_link: bool = False
    artifacts: bool = True
    repos: tuple[SiteRepo, ...] = ()
    releases: tuple[SiteRelease, ...] = ()
    highlights: tuple[str, ...] = ()
    highlight_lines: tuple[int, ...] = ()  # the file line where each highlight's text starts
    mtime_ns: int = 0

    @property
    def latest(self) -> str | None:
        return self.releases[-1].version if self.releases else None

    def repo(self, name: str) -> SiteRepo | None:
        for repo in self.repos:
            if repo.repo == name:
                return repo
        return None


@dataclass(frozen=True)
class SiteData:
    """Everything the pages are made from."""

    root: Path
    series: tuple[SiteSeries, ...]
    deliverables: Mapping[str, SiteDeliverable]  # by relative path
    problems: tuple[str, ...] = ()
    config: SiteConfig = field(default_factory=SiteConfig)
    calendars: Mapping[str, Calendar] = field(default_factory=dict)  # series with a schedule page

    @property
    def current(self) -> SiteSeries | None:
        return next((s for s in self.series if s.status == 'development'), None)

    def series_order(self) -> dict[str, int]:
        """Position of each series in the data (0 newest); independent files come first."""
        order = {s.name: i for i, s in enumerate(self.series)}
        order[INDEPENDENT] = -1
        return order


def _notes(raw: Any) -> tuple[tuple[str, str], ...]:
    if isinstance(raw, str):
        return (('release notes', raw),)
    if isinstance(raw, Mapping):
        return tuple((str(k).rsplit('/', 1)[-1], v) for k, v in raw.items() if isinstance(v, str))
    return ()


def _reduce(d: Deliverable, mtime_ns: int) -> SiteDeliverable:
    raw = d.raw
    repos = tuple(SiteRepo(s.repo, s.pypi_name, s.tarball_base, 'no-artifact-build-job' in s.flags)
                  for s in (d.repository_settings or {}).values())
    releases = tuple(
        SiteRelease(r.version, tuple((p.repo, p.hash, p.tarball_base) for p in r.projects if p.repo and p.hash),
                    'skipped-sig' not in r.flags)
        for r in d.releases if r.version)
    highlights = raw.get('cycle-highlights')
    texts: list[str] = []
    starts: list[int] = []
    if isinstance(highlights, list):
        item_lines = getattr(highlights, 'item_lines', [])
        for index, text in enumerate(highlights):
            if isinstance(text, str):
                texts.append(text)
                starts.append(text_start_line(item_lines[index] if index < len(item_lines) else 1, text))
    return SiteDeliverable(
        name=d.name, series=d.series, path=d.path, team=d.team or 'unknown', type=d.type or 'other',
        model=d.model or 'unknown', release_notes=_notes(raw.get('release-notes')),
        include_pypi_link=raw.get('include-pypi-link') is True,
        artifacts=raw.get('artifact-link-mode', 'tarball') != 'none',
        repos=repos, releases=releases,
        highlights=tuple(texts), highlight_lines=tuple(starts),
        mtime_ns=mtime_ns)


def _series(root: Path) -> tuple[SiteSeries, ...]:
    table, findings = load_series(root)
    if findings:
        first = findings[0]
        raise UsageError(f'{first.file}:{first.line}: {first.message}', 'run releasetools validate --all')
    try:
        raw = read_yaml_file(root / SERIES_STATUS)
    except YamlProblem:  # pragma: no cover - load_series already reported it
        raw = []
    phases: dict[str, tuple[str, str]] = {}
    keys: dict[str, tuple[str, str, str]] = {}
    for entry in raw:
        if not isinstance(entry, YMap) or not isinstance(entry.get('name'), str):
            continue
        phase, key = entry.get('next-phase'), entry.get('signing-key')
        if isinstance(phase, Mapping):
            phases[entry['name']] = (str(phase.get('status', '')), date_to_str(phase.get('date')) or '')
        if isinstance(key, Mapping) and isinstance(key.get('key'), str):
            keys[entry['name']] = (key['key'], _when(key.get('start')), _when(key.get('end')))
    return tuple(SiteSeries(s.name, s.release_id, s.status, s.initial_release, phases.get(s.name), keys.get(s.name))
                 for s in table)


def _when(value: Any) -> str:
    """A signing key's start or end: a date, or a word such as ``present``."""
    return date_to_str(value) or ('' if value is None else str(value))


def _utf8(name: str) -> bool:
    try:
        name.encode('utf-8')
    except UnicodeEncodeError:
        return False
    return True


#: One cached file: mtime, size, its site values (or None) and the problem that left it out (or None).
_Entry = tuple[int, int, 'SiteDeliverable | None', 'str | None']


def _read_cache(cache: Path | None, cache_tag: str) -> dict[str, _Entry]:
    """The entries of the last build's cache; nothing when it is absent, damaged or of other code."""
    if cache is None or not cache.is_file():
        return {}
    try:
        with cache.open('rb') as fh:
            version, old = pickle.load(fh)
    except Exception:  # a damaged or foreign cache only makes this build slower
        return {}
    return old if version == (_CACHE_VERSION, cache_tag) else {}


def load_site_data(root: Path, cache: Path | None = None, config: SiteConfig | None = None,
                   cache_tag: str = '') -> SiteData:
    """Read the series and every deliverable file, reusing ``cache`` for unchanged files.

    A cache written with another ``cache_tag`` (another version of the code) is ignored.

    A file that cannot be read is left out and described in ``problems``
    (``releasetools validate`` says more); the site still builds.
    """
    series = _series(root)
    old = _read_cache(cache, cache_tag)
    paths, escapes = list_deliverable_files(root)
    new: dict[str, tuple[int, int, SiteDeliverable | None, str | None]] = {}
    problems = [f'{f.file}: {f.message}' for f in escapes]
    deliverables: dict[str, SiteDeliverable] = {}
    known = {s.name for s in series} | {INDEPENDENT}
    for rel in paths:
        if not _utf8(rel):  # a name that is not UTF-8 (lone surrogates here) can be on no page, JSON or feed
            problems.append(f'{os.fsencode(rel).decode("utf-8", "backslashreplace")}: the file name is not UTF-8')
            continue
        try:
            st = os.stat(root / rel)
        except OSError as exc:
            problems.append(f'{rel}: {exc.strerror}')
            continue
        entry = old.get(rel)
        if entry is None or entry[0] != st.st_mtime_ns or entry[1] != st.st_size:
            loaded = load_deliverable_file(root, rel)
            if loaded.deliverable is None:
                problem = loaded.problem
                entry = (st.st_mtime_ns, st.st_size, None,
                         f'{rel}:{problem.line}: {problem.message}' if problem else f'{rel}: unreadable')
            else:
                entry = (st.st_mtime_ns, st.st_size, _reduce(loaded.deliverable, st.st_mtime_ns), None)
        new[rel] = entry
        if entry[2] is not None and entry[2].series not in known:
            problems.append(f'{rel}: series {entry[2].series!r} is not in {SERIES_STATUS}; left out')
        elif entry[2] is not None:
            deliverables[rel] = entry[2]
        elif entry[3]:
            problems.append(entry[3])
    if cache is not None and new != old:
        atomic.write_bytes(cache, pickle.dumps(((_CACHE_VERSION, cache_tag), new), protocol=pickle.HIGHEST_PROTOCOL))
    calendars, calendar_problems = load_calendars(root, [s.name for s in series])
    problems.extend(calendar_problems)
    return SiteData(root, series, deliverables, tuple(problems), config or load_site_config(root), calendars)
