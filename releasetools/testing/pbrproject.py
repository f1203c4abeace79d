"""A small real pbr project with its bare remote, and a data repository that releases such projects.

For the release job and ``validate --build``: the project builds (sdist and
wheel) and its remote takes pushes of tags, as a real one would.
"""

from __future__ import annotations

from pathlib import Path

from ..core.model import INDEPENDENT
from ..demo.sandbox import pbr_project_files
from .datarepo import DataRepo
from .deliverables import Release
from .gitcmd import commit_file, git, init_repo
from .series import table

__all__ = ['NOTE', 'Project', 'ReleaseData']

#: A reno note; ``{text}`` is its one feature.
NOTE = """\
---
features:
  - |
    {text}
"""


class Project:
    """``demo/<name>``: a working clone (for new commits) and its bare remote (pushed to).

    With ``pyproject_version`` the project is no pbr project but a setuptools one
    with that static version, which does not follow the tag.
    """

    def __init__(self, top: Path, name: str = 'widget', *, pyproject_version: str | None = None) -> None:
        self.repo = f'demo/{name}'
        self.name = name
        self.work = init_repo(top / 'work' / name)
        files = {'releasenotes/notes/first-feature-0123456789abcdef.yaml': NOTE.format(text='Widgets now spin.')}
        if pyproject_version is None:
            files |= pbr_project_files(name, 'A demo package released by the tests')
        else:
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
        """Commit ``files`` in the working clone and push it to the remote; return the commit id."""
        sha = commit_file(self.work, files, message)
        git(self.work, 'push', '-q', 'origin', 'HEAD:master')
        self.commits.append(sha)
        return sha

    @property
    def template(self) -> str:
        """The ``--remotes`` template that finds the bare remote."""
        return str(self.remotes) + '/{repo}'

    def remote_tags(self) -> dict[str, str]:
        """The remote's tags: name -> the commit each names."""
        out = git(self.bare, 'for-each-ref', '--format=%(refname:short) %(*objectname)%(objectname)', 'refs/tags')
        return {line.split()[0]: line.split()[1][:40] for line in out.splitlines()}


class ReleaseData:
    """A data repository (the current series only) with one file per project, base committed.

    The files are independent ones, or with ``series='hibiscus'`` (the current
    series) cycle-with-intermediary files of that series.
    """

    def __init__(self, top: Path, *projects: Project, release_type: str = 'python-pypi',
                 series: str = INDEPENDENT) -> None:
        self.repo = DataRepo(top / 'data', table('hibiscus'), cache_dir=top / 'cache')
        self.root = self.repo.root
        self.release_type = release_type
        self.series = series
        for p in projects:
            self.path(p).write_text(self.header(p))
        self.repo.init_git()
        self.repo.commit('base')

    def path(self, p: Project) -> Path:
        """The file of ``p``'s deliverable."""
        return self.root / 'deliverables' / self.series / f'{p.name}.yaml'

    def header(self, p: Project) -> str:
        """``p``'s file up to its (empty) ``releases:`` list."""
        model = '' if self.series == INDEPENDENT else 'release-model: cycle-with-intermediary\n'
        return (f'launchpad: {p.name}\nteam: demo\ntype: library\nrelease-type: {self.release_type}\n{model}'
                f'repository-settings:\n  {p.repo}: {{}}\nreleases:\n')

    def request(self, p: Project, version: str, sha: str) -> None:
        """Append a release of ``p`` and commit it: a merged request (base = HEAD^)."""
        with open(self.path(p), 'a') as fh:
            fh.write(Release(version, ((p.repo, sha),)).block())
        self.repo.commit(f'release {p.name} {version}')
