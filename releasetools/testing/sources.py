"""Source repositories: real git histories for the git-backed checks, built with the ``git`` command.

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

:func:`build_sources` lays it out with a few smaller repositories, a shallow
clone and a mirror (:class:`Sources`); :data:`WORLD` is the nova files of a data
repository that refers to that history (``@X`` is the id of commit X).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .deliverables import NOVA, deliverable, rel
from .gitcmd import commit_file, git, init_repo, make_package_repo

__all__ = [
    'FLAMINGO',
    'GAZPACHO',
    'HIBISCUS',
    'RANDOM',
    'WORLD',
    'Sources',
    'build_sources',
    'make_source_repo',
]

#: A well-formed commit id that no repository has.
RANDOM = '5e' * 20

SETUP_CFG = '[metadata]\nname = {name}\nsummary = A test package\n\n[files]\npackages = {name}\n'
REQUIREMENTS = 'pbr>=2.0.0  # Apache-2.0\noslo.config>={oslo}\nrequests>=2.25.0\n'


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
        """The ``--repos`` template that finds these repositories."""
        return f'{self.parent}/{{repo}}'

    def path(self, repo: str = NOVA) -> Path:
        """Where ``repo`` (``<org>/<name>``) is."""
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
    """Every source repository under ``top`` (see :class:`Sources`); a few seconds, so once per session."""
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


FLAMINGO = 'deliverables/flamingo/nova.yaml'
GAZPACHO = 'deliverables/gazpacho/nova.yaml'
HIBISCUS = 'deliverables/hibiscus/nova.yaml'

#: The nova files every data repository of the git tests starts with (``@X`` as in :meth:`Sources.expand`).
WORLD = {
    FLAMINGO: deliverable([rel('1.0.0', '@A'), rel('1.0.1', '@SA')],
                          branches=['{name: stable/2025.2, location: 1.0.0}']),
    GAZPACHO: deliverable([rel('2.0.0', '@C')], branches=['{name: stable/2026.1, location: 2.0.0}']),
}
