"""A small real pbr project, its bare remote, and a data repository that releases it."""

from __future__ import annotations

from pathlib import Path

from releasetools.demo.sandbox import pbr_project_files
from tests.githelpers import commit_file, git, init_repo

NOTE = """\
---
features:
  - |
    {text}
"""
SERIES = '- name: hibiscus\n  release-id: "2026.2"\n  status: development\n'


class Project:
    """``demo/widget``: a working clone (for new commits) and its bare remote (pushed to)."""

    def __init__(self, top: Path, name: str = 'widget', *, pyproject_version: str | None = None) -> None:
        self.repo = f'demo/{name}'
        self.name = name
        self.work = init_repo(top / 'work' / name)
        files = {'releasenotes/notes/first-feature-0123456789abcdef.yaml': NOTE.format(text='Widgets now spin.')}
        if pyproject_version is None:
            files |= pbr_project_files(name, 'A demo package released by the tests')
        else:  # not pbr: a static version that will not match the tag
            files |= {'README.rst': f'{name}\n\nA demo.\n', f'{name}/__init__.py': ''}
            files['pyproject.toml'] = ('[build-system]\nrequires = ["setuptools>=64"]\n'
                                       'build-backend = "setuptools.build_meta"\n\n'
                                       f'[project]\nname = "{name}"\nversion = "{pyproject_version}"\n\n'
                                       f'[tool.setuptools]\npackages = ["{name}"]\n')
        self.commits = [commit_file(self.work, files, 'Initial layout')]
        self.remotes = top / 'remotes'
        self.bare = self.remotes / 'demo' / f'{name}'
        self.bare.parent.mkdir(parents=True, exist_ok=True)
        git(top, 'clone', '-q', '--bare', str(self.work), str(self.bare))
        git(self.work, 'remote', 'add', 'origin', str(self.bare))

    def commit(self, files: dict[str, str | None], message: str) -> str:
        sha = commit_file(self.work, files, message)
        git(self.work, 'push', '-q', 'origin', 'HEAD:master')
        self.commits.append(sha)
        return sha

    @property
    def template(self) -> str:
        return str(self.remotes) + '/{repo}'

    def remote_tags(self) -> dict[str, str]:
        out = git(self.bare, 'for-each-ref', '--format=%(refname:short) %(*objectname)%(objectname)', 'refs/tags')
        return {line.split()[0]: line.split()[1][:40] for line in out.splitlines()}


class Data:
    """A data repository with one deliverable file per project, base committed."""

    def __init__(self, top: Path, *projects: Project, release_type: str = 'python-pypi') -> None:
        self.root = top / 'data'
        (self.root / 'data').mkdir(parents=True)
        (self.root / 'data' / 'series_status.yaml').write_text(SERIES)
        (self.root / 'deliverables' / '_independent').mkdir(parents=True)
        self.release_type = release_type
        for p in projects:
            self.path(p).write_text(self.header(p))
        init_repo(self.root)
        commit_file(self.root, {}, 'base')

    def path(self, p: Project) -> Path:
        return self.root / 'deliverables' / '_independent' / f'{p.name}.yaml'

    def header(self, p: Project) -> str:
        return (f'launchpad: {p.name}\nteam: demo\ntype: library\nrelease-type: {self.release_type}\n'
                f'repository-settings:\n  {p.repo}: {{}}\nreleases:\n')

    def request(self, p: Project, version: str, sha: str, *, commit_base: bool = False) -> None:
        """Append a release (as a merged request: base = HEAD^ after committing)."""
        with open(self.path(p), 'a') as fh:
            fh.write(f'  - version: {version}\n    projects:\n      - repo: {p.repo}\n        hash: {sha}\n')
        commit_file(self.root, {}, f'release {p.name} {version}')
