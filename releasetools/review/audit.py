"""``audit``: does the world hold every release the data says was made?

For every release of the series read (default: every series), each of its
repositories must have the tag named by the version, at the commit the data
gives (an annotated tag peeled to its commit). One ``for-each-ref`` per
repository answers every release of it, whatever the number of files.

With ``--index`` and ``--tarballs`` the release's sdists and wheels are looked
for too (``auditfiles``): on the index, in the tarballs directory, with the same
sha256 in both. Closing tags (``-eol``) have no files; release types that build
no Python artifacts, and repositories flagged ``no-artifact-build-job``, neither.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..artifacts.plan import ARTIFACT_TYPES
from ..core.model import Deliverable, Release
from ..core.pkgmeta import declared_name
from ..git import repo as gitrepo
from ..git.mirrors import DEFAULT_TEMPLATE, RepoLocator, default_cache_dir
from .auditfiles import IndexReader, TarballsReader, check_files
from .cycledata import for_each_repo, load_deliverables

__all__ = ['AuditOptions', 'AuditProblem', 'AuditReport', 'audit', 'render_json', 'render_text']


@dataclass(frozen=True)
class AuditOptions:
    root: Path
    series: str | None = None
    repos: str | None = None
    offline: bool = False
    cache_dir: Path | None = None
    index: str | None = None  # the simple API's URL
    tarballs: Path | None = None
    workers: int = 4
    #: Called with a line per repository located or fetched (``--progress``); None: quiet.
    progress: Callable[[str], None] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class AuditProblem:
    deliverable: str
    series: str
    version: str
    repo: str
    where: str  # 'tag', 'index' or 'tarballs'
    status: str  # 'missing', 'different' or 'unavailable'
    detail: str


@dataclass(frozen=True)
class AuditReport:
    series: str | None
    tags: int
    repositories: int
    artifacts: int
    problems: tuple[AuditProblem, ...]
    unread: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems and not self.unread


#: One tag to check: deliverable, series, version, commit.
_Tag = tuple[str, str, str, str]


def _tags(files: dict[str, list[Deliverable]]) -> dict[str, list[_Tag]]:
    work: dict[str, list[_Tag]] = {}
    for series in sorted(files):
        for d in sorted(files[series], key=lambda d: d.name):
            for r in d.releases:
                for p in r.projects:
                    if r.version and p.repo and p.hash:
                        work.setdefault(p.repo, []).append((d.name, d.series, r.version, p.hash.lower()))
    return work


def _read_tags(repo: str, path: Path, tags: list[_Tag]) -> list[AuditProblem]:
    refs = gitrepo.list_refs(path)
    out = []
    for name, series, version, sha in tags:
        found = refs.tags.get(version)
        if found is None:
            out.append(AuditProblem(name, series, version, repo, 'tag', 'missing', f'no tag {version}'))
        elif found != sha:
            out.append(AuditProblem(name, series, version, repo, 'tag', 'different',
                                    f'tag {version} is at {found}, the data says {sha}'))
    return out


def _unavailable(repo: str, why: str, tags: list[_Tag]) -> list[AuditProblem]:
    return [AuditProblem(name, series, version, repo, 'tag', 'unavailable', why) for name, series, version, _ in tags]


def _builds(d: Deliverable, r: Release, repo: str) -> bool:
    settings = (d.repository_settings or {}).get(repo)
    return (r.closing_tag is None and d.release_type in ARTIFACT_TYPES
            and (settings is None or settings.builds_artifacts))


def _files(files: dict[str, list[Deliverable]], opts: AuditOptions) -> tuple[int, list[AuditProblem]]:
    index = IndexReader(opts.index) if opts.index else None
    tarballs = TarballsReader(opts.tarballs) if opts.tarballs else None
    checked = 0
    out = []
    for series in sorted(files):
        for d in sorted(files[series], key=lambda d: d.name):
            for r in d.releases:
                for p in r.projects:
                    if not (r.version and p.repo and _builds(d, r, p.repo)):
                        continue
                    checked += 1
                    name = declared_name(d, r, p.repo) or p.repo.rsplit('/', 1)[-1]
                    out += [AuditProblem(d.name, d.series, r.version, p.repo, c.where, c.status, c.detail)
                            for c in check_files(name, r.version, index, tarballs)]
    return checked, out


def audit(opts: AuditOptions) -> AuditReport:
    """Check the tags (and, when asked, the files) of every release of the series (None: of all)."""
    loaded, series = load_deliverables(opts.root, opts.series)
    work = _tags(loaded.files)
    locator = RepoLocator(opts.repos or DEFAULT_TEMPLATE, opts.cache_dir or default_cache_dir(), opts.offline,
                          opts.progress)
    results = for_each_repo(locator, work, _read_tags, _unavailable, opts.workers)
    problems = [p for repo in sorted(results) for p in results[repo]]
    checked = 0
    if opts.index or opts.tarballs:
        checked, found = _files(loaded.files, opts)
        problems += found
    return AuditReport(series, sum(len(t) for t in work.values()), len(work), checked, tuple(problems),
                       tuple(loaded.problems))


def render_text(report: AuditReport) -> str:
    scope = report.series or 'every series'
    files = f', {report.artifacts} releases\' files' if report.artifacts else ''
    lines = [f'audit of {scope}: {report.tags} tags in {report.repositories} repositories{files}: '
             f'{len(report.problems) or "no"} problem{"s" * (len(report.problems) != 1)}']
    unread: dict[tuple[str, str], int] = {}
    for p in report.problems:
        if p.where == 'tag' and p.status == 'unavailable':  # one line per repository, not per release
            unread[(p.repo, p.detail)] = unread.get((p.repo, p.detail), 0) + 1
        else:
            lines.append(f'{p.series}/{p.deliverable} {p.version} {p.repo}: {p.where} {p.status}: {p.detail}')
    lines += [f'{repo}: {n} tag{"s" * (n != 1)} not checked: {why}' for (repo, why), n in unread.items()]
    lines += [f'not read: {problem}' for problem in report.unread]
    return '\n'.join(lines) + '\n'


def render_json(report: AuditReport) -> str:
    data = {'series': report.series, 'tags': report.tags, 'repositories': report.repositories,
            'artifacts': report.artifacts, 'ok': report.ok,
            'problems': [asdict(p) for p in report.problems], 'unread': list(report.unread)}
    return json.dumps(data, indent=2) + '\n'
