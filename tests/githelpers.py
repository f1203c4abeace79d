"""Real git repositories for the tests of the git-backed checks (the fixtures are in tests.gitfixtures).

Everything here builds repositories with the ``git`` command in a temporary
directory: no mocks. Identity and dates are fixed (:data:`GIT_ENV`), so commit
ids are the same on every run and no test sleeps.

:func:`make_source_repo` builds the history of a Python project ``nova``::

    R0 ── A ── B ── C ── D ───── D2 ── M ── E          master
          │         │    │╲            /
          │         │    │ F ─────────╯                feature/side (merged by M)
          │         │    ╰ U                         review/unmerged (never merged)
          │         ╰ S1 ── S2                       stable/2026.1 (cut at C)
          ╰ SA                                       stable/2025.2 (cut at A)

    tags: 1.0.0 -> A (annotated)    1.0.1 -> SA (annotated)    1.1.0 -> B (lightweight)
          2.0.0 -> C (annotated)    inner-3.0.0 -> M (annotated)
          3.0.0 -> the tag inner-3.0.0 (a tag of a tag, so it peels to M)

``requirements.txt`` has ``oslo.config>=9.0.0`` everywhere except S2
(``>=9.1.0``, a raise on the stable branch) and E (``>=9.2.0``, a raise on
master).

:class:`DataRepo` writes a data repository (series table, deliverable files)
under git and validates what the working tree adds to its last commit.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from releasetools.core.findings import Report
from releasetools.validate import ValidateOptions, validate

__all__ = [
    'FLAMINGO',
    'GAZPACHO',
    'GIT_ENV',
    'GIT_RULES',
    'HIBISCUS',
    'RANDOM',
    'WORLD',
    'DataRepo',
    'Sources',
    'build_sources',
    'commit_file',
    'deliverable',
    'git',
    'git_findings',
    'make_package_repo',
    'make_source_repo',
    'other_findings',
    'rel',
]

#: Fixed identity and dates: the same commit ids on every run; no user or system config.
GIT_ENV = {
    'GIT_AUTHOR_NAME': 'Test Author',
    'GIT_AUTHOR_EMAIL': 'author@example.org',
    'GIT_AUTHOR_DATE': '2026-01-01T00:00:00+0000',
    'GIT_COMMITTER_NAME': 'Test Committer',
    'GIT_COMMITTER_EMAIL': 'committer@example.org',
    'GIT_COMMITTER_DATE': '2026-01-01T00:00:00+0000',
    'GIT_CONFIG_GLOBAL': os.devnull,
    'GIT_CONFIG_NOSYSTEM': '1',
}

GIT_RULES = ('RT701', 'RT702', 'RT703', 'RT704', 'RT705', 'RT706', 'RT707')

NOVA = 'openstack/nova'

#: A well-formed commit id that no repository has.
RANDOM = '5e' * 20

SETUP_CFG = '[metadata]\nname = {name}\nsummary = A test package\n\n[files]\npackages = {name}\n'
REQUIREMENTS = 'pbr>=2.0.0  # Apache-2.0\noslo.config>={oslo}\nrequests>=2.25.0\n'


def git(cwd: Path, *args: str, input: str | None = None) -> str:
    """Run git with the fixed identity and dates; return its stdout, stripped."""
    proc = subprocess.run(['git', *args], cwd=cwd, capture_output=True, text=True, input=input,
                          env={**os.environ, **GIT_ENV}, check=False)
    if proc.returncode != 0:
        raise AssertionError(f'git {" ".join(args)} failed in {cwd}: {proc.stderr}')
    return proc.stdout.strip()


def commit_file(repo: Path, files: dict[str, str | None], message: str) -> str:
    """Write (or delete, for None) ``files`` in ``repo``, commit them all; return the commit id."""
    for name, content in files.items():
        path = repo / name
        if content is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content)
    git(repo, 'add', '-A')
    git(repo, 'commit', '-q', '--allow-empty', '-m', message)
    return git(repo, 'rev-parse', 'HEAD')


def init_repo(path: Path, branch: str = 'master') -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, 'init', '-q', '-b', branch)
    return path


def make_package_repo(path: Path, *commits: dict[str, str | None], branch: str = 'master') -> list[str]:
    """A repository at ``path`` with one commit per ``files`` mapping; return the commit ids."""
    init_repo(path, branch)
    return [commit_file(path, files, f'commit {i}') for i, files in enumerate(commits)]


def make_source_repo(path: Path, name: str = 'nova') -> dict[str, str]:
    """The history drawn in the module docstring; return the commit (and object) ids by name."""
    init_repo(path)
    ids: dict[str, str] = {}
    base = {'setup.cfg': SETUP_CFG.format(name=name), 'requirements.txt': REQUIREMENTS.format(oslo='9.0.0')}
    ids['R0'] = commit_file(path, {**base, 'README.rst': 'root\n'}, 'Initial layout')
    ids['A'] = commit_file(path, {'README.rst': 'release 1.0\n'}, 'Prepare 1.0')
    git(path, 'tag', '-a', '-m', 'nova 1.0.0', '1.0.0')
    git(path, 'branch', 'stable/2025.2')
    ids['B'] = commit_file(path, {'nova.py': 'feature = 1\n'}, 'Add a feature')
    git(path, 'tag', '1.1.0')  # lightweight
    ids['C'] = commit_file(path, {'nova.py': 'feature = 2\n'}, 'Prepare 2.0')
    git(path, 'tag', '-a', '-m', 'nova 2.0.0', '2.0.0')
    git(path, 'branch', 'stable/2026.1')

    git(path, 'checkout', '-q', 'stable/2025.2')
    ids['SA'] = commit_file(path, {'fix.txt': 'fix on 2025.2\n'}, 'Backport a fix to 2025.2')
    git(path, 'tag', '-a', '-m', 'nova 1.0.1', '1.0.1')
    git(path, 'checkout', '-q', 'stable/2026.1')
    ids['S1'] = commit_file(path, {'fix.txt': 'fix on 2026.1\n'}, 'Backport a fix to 2026.1')
    ids['S2'] = commit_file(path, {'requirements.txt': REQUIREMENTS.format(oslo='9.1.0')},
                            'Raise the oslo.config minimum on 2026.1')

    git(path, 'checkout', '-q', 'master')
    ids['D'] = commit_file(path, {'nova.py': 'feature = 3\n'}, 'Work after the branch point')
    git(path, 'checkout', '-q', '-b', 'review/unmerged')
    ids['U'] = commit_file(path, {'nova.py': 'feature = "never merged"\n'}, 'An unmerged review')
    git(path, 'checkout', '-q', '-b', 'feature/side', ids['D'])
    ids['F'] = commit_file(path, {'side.txt': 'side work\n'}, 'Side work')
    git(path, 'checkout', '-q', 'master')
    ids['D2'] = commit_file(path, {'README.rst': 'more\n'}, 'More work on master')
    git(path, 'merge', '-q', '--no-ff', '-m', 'Merge feature/side', 'feature/side')
    ids['M'] = git(path, 'rev-parse', 'HEAD')
    git(path, 'tag', '-a', '-m', 'inner tag', 'inner-3.0.0')
    git(path, '-c', 'advice.nestedTag=false', 'tag', '-a', '-m', 'nova 3.0.0', '3.0.0', 'inner-3.0.0')
    ids['E'] = commit_file(path, {'requirements.txt': REQUIREMENTS.format(oslo='9.2.0')},
                           'Raise the oslo.config minimum on master')
    ids['tag-2.0.0'] = git(path, 'rev-parse', 'refs/tags/2.0.0')
    ids['tree-E'] = git(path, 'rev-parse', f'{ids["E"]}^{{tree}}')
    ids['blob-setup.cfg'] = git(path, 'rev-parse', f'{ids["E"]}:setup.cfg')
    return ids


@dataclass(frozen=True)
class Sources:
    """Source repositories, laid out as ``<parent>/<org>/<name>`` for ``--repos <parent>/{repo}``."""

    parent: Path
    ids: dict[str, str]
    renamed: str  # the one commit of openstack/renamed (package os-renamed)
    toml: list[str]  # openstack/tomlpkg: [pyproject name tomlpkg, pyproject name other-pkg]
    many: list[str]  # openstack/many: a linear history of 21 commits
    shallow_parent: Path  # <shallow_parent>/openstack/nova: `clone --depth 1` of nova
    mirror_parent: Path  # <mirror_parent>/openstack/nova: `clone --mirror` of nova

    @property
    def template(self) -> str:
        return f'{self.parent}/{{repo}}'

    def path(self, repo: str = NOVA) -> Path:
        return self.parent / repo

    def __getitem__(self, name: str) -> str:
        return self.ids[name]

    def expand(self, text: str) -> str:
        """Replace ``@NAME`` by the id of that commit (see the module docstring), ``@RANDOM``,
        ``@renamed``, ``@toml0``/``@toml1`` or ``@many0``..``@many20``."""
        extra = {'RANDOM': RANDOM, 'renamed': self.renamed, **{f'toml{i}': c for i, c in enumerate(self.toml)},
                 **{f'many{i}': c for i, c in enumerate(self.many)}}
        return re.sub(r'@([\w.-]+)', lambda m: {**self.ids, **extra}[m.group(1)], text)


def build_sources(top: Path) -> Sources:
    parent = top / 'src'
    ids = make_source_repo(parent / NOVA)
    renamed = make_package_repo(parent / 'openstack/renamed',
                                {'setup.cfg': SETUP_CFG.format(name='os-renamed')})
    toml = make_package_repo(
        parent / 'openstack/tomlpkg',
        {'setup.cfg': '[files]\npackages = tomlpkg\n',
         'pyproject.toml': '[build-system]\nrequires = ["pbr"]\n\n[project]\nname = "tomlpkg"\n'},
        {'pyproject.toml': '[project]\nname = "other-pkg"\n'},
    )
    many = make_package_repo(parent / 'openstack/many', {'setup.cfg': SETUP_CFG.format(name='many')},
                             *({'counter.txt': f'{i}\n'} for i in range(1, 21)))
    shallow_parent = top / 'shallow'
    (shallow_parent / 'openstack').mkdir(parents=True)
    git(top, 'clone', '-q', '--depth', '1', f'file://{parent / NOVA}', str(shallow_parent / NOVA))
    mirror_parent = top / 'mirror'
    (mirror_parent / 'openstack').mkdir(parents=True)
    git(top, 'clone', '-q', '--mirror', str(parent / NOVA), str(mirror_parent / NOVA))
    return Sources(parent, ids, renamed[0], toml, many, shallow_parent, mirror_parent)


# --- the data repository ----------------------------------------------------------------

SERIES_STATUS = """\
---
- name: hibiscus
  release-id: '2026.2'
  status: development
  initial-release: 2026-09-30
- name: gazpacho
  release-id: '2026.1'
  status: maintained
  initial-release: 2026-04-01
- name: flamingo
  release-id: '2025.2'
  status: maintained
  initial-release: 2025-10-01
"""

SERIES = ('hibiscus', 'gazpacho', 'flamingo')


def rel(version: str, hash: str, repo: str = NOVA) -> str:
    """One release in flow style, on one line."""
    return f"{{version: '{version}', projects: [{{repo: {repo}, hash: {hash}}}]}}"


def deliverable(releases: Iterable[str] = (), *, model: str | None = 'cycle-with-rc', repo: str = NOVA,
                settings: str = '{}', extra: str | None = None, branches: Iterable[str] = ()) -> str:
    """A deliverable file whose release *n* (from 1) is on line **7 + n**.

    Lines 1-7: team, type, launchpad, the model (or ``extra`` in its place;
    each extra line beyond one moves what follows down a line),
    ``repository-settings:``, the repository with ``settings``, ``releases:``.
    ``branches`` are flow mappings, one a line after a ``branches:`` line.
    """
    fourth = extra if extra is not None else (f'release-model: {model}' if model else 'release-type: python-service')
    lines = ['team: nova', 'type: service', 'launchpad: nova', fourth, 'repository-settings:',
             f'  {repo}: {settings}']
    releases = list(releases)
    lines.append('releases:' if releases else 'releases: []')
    lines.extend(f'  - {r}' for r in releases)
    branches = list(branches)
    if branches:
        lines.append('branches:')
        lines.extend(f'  - {b}' for b in branches)
    return '\n'.join(lines) + '\n'


#: The nova files every data repository starts with (``@X`` as in :meth:`Sources.expand`).
FLAMINGO = 'deliverables/flamingo/nova.yaml'
GAZPACHO = 'deliverables/gazpacho/nova.yaml'
HIBISCUS = 'deliverables/hibiscus/nova.yaml'
WORLD = {
    FLAMINGO: deliverable([rel('1.0.0', '@A'), rel('1.0.1', '@SA')],
                          branches=['{name: stable/2025.2, location: 1.0.0}']),
    GAZPACHO: deliverable([rel('2.0.0', '@C')], branches=['{name: stable/2026.1, location: 2.0.0}']),
}


@dataclass
class DataRepo:
    """A data repository under git: base files are committed, then the working tree changes."""

    root: Path
    cache: Path
    files: dict[str, str] = field(default_factory=dict)

    @classmethod
    def create(cls, root: Path, cache: Path) -> DataRepo:
        (root / 'data').mkdir(parents=True)
        (root / 'data' / 'series_status.yaml').write_text(SERIES_STATUS)
        for name in (*SERIES, '_independent'):
            (root / 'deliverables' / name).mkdir(parents=True)
        init_repo(root)
        return cls(root, cache)

    def write(self, series: str, name: str, text: str) -> str:
        relpath = f'deliverables/{series}/{name}.yaml'
        (self.root / relpath).write_text(text)
        return relpath

    def commit(self, message: str = 'base state') -> str:
        return commit_file(self.root, {}, message)

    def request(self, sources: Sources, new: dict[str, str], base: dict[str, str | None] | None = None) -> None:
        """Commit :data:`WORLD` updated with ``base`` (None removes a file), then write ``new``."""
        for relpath, text in {**WORLD, **(base or {})}.items():
            if text is not None:
                (self.root / relpath).write_text(sources.expand(text))
        self.commit()
        for relpath, text in new.items():
            (self.root / relpath).write_text(sources.expand(text))

    def validate(self, repos: str, *, offline: bool = True, files: Sequence[str] = ()) -> Report:
        """Validate what the working tree adds to HEAD, with the repositories at ``repos``."""
        return validate(ValidateOptions(root=self.root, base='HEAD', repos=repos, offline=offline,
                                        cache_dir=self.cache, files=list(files)))


def git_findings(report: Report) -> list[tuple[str, str, int, str]]:
    """(check, file, line, severity) of the git checks' findings, sorted."""
    return sorted((f.check, f.file, f.line, str(f.severity)) for f in report.findings if f.check in GIT_RULES)


def other_findings(report: Report) -> list[tuple[str, str, int, str]]:
    """Findings of every other check: a test of the git checks expects none (its data is well formed)."""
    return [(f.check, f.file, f.line, f.message) for f in report.findings if f.check not in GIT_RULES]
