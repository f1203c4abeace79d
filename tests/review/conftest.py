"""Fixtures of the list-changes tests: a library with reno notes, and a data repository.

``openstack/oslo.demo`` (commit ids by name in ``Library.ids``)::

    C0 ── C1 ── C2 ──────── MERGE ── C4          master
            ╲               /
             SIDE ─────────╯                      (merged with --no-ff)
    tags: 1.0.0 -> C0

    C0    setup.cfg, requirements (oslo.config>=9.0.0), oslo_demo with connect() and helper(),
          note initial-...aaaa (features)               -- belongs to 1.0.0
    C1    a fix, note bug-fix-...bbbb (fixes)
    C2    note new-thing-...cccc (features); helper() removed; oslo.config>=9.1.0, stevedore added
    SIDE  note side-...dddd (fixes), merged by MERGE
    C4    initial note edited (stays 1.0.0's), note gone-...eeee added and deleted again in C4
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from releasetools.testing.datarepo import DataRepo
from releasetools.testing.deliverables import rel
from releasetools.testing.gitcmd import commit_file, git, init_repo

LIB = 'openstack/oslo.demo'
NOTES = 'releasenotes/notes'
SETUP = '[metadata]\nname = oslo.demo\n\n[files]\npackages = oslo_demo\n'
REQ_OLD = 'pbr>=2.0.0\noslo.config>=9.0.0  # Apache-2.0\n'
REQ_NEW = 'pbr>=2.0.0\noslo.config>=9.1.0  # Apache-2.0\nstevedore>=3.0.0\n'
CODE_OLD = 'def connect(host, port=80):\n    return host, port\n\n\ndef helper():\n    return 1\n'
CODE_NEW = 'def connect(host, port=80):\n    return host, port\n\n\ndef shiny():\n    return 2\n'

SCHEDULE = """\
---
cycle:
  - start: '2026-08-17'
    end: '2026-08-21'
    name: R-6
    x-project:
      - h-final-lib
  - start: '2026-08-24'
    end: '2026-08-28'
    name: R-5
    x-project:
      - h-3
      - h-ff
      - h-rf
      - i-election-campaigning
  - start: '2026-08-31'
    end: '2026-09-04'
    name: R-4
    x-project:
      - h-cycle-highlights
  - start: '2026-09-28'
    end: '2026-10-02'
    name: R+0
    x-project:
      - h-final
"""


@dataclass(frozen=True)
class Library:
    parent: Path
    ids: dict[str, str]

    @property
    def template(self) -> str:
        return f'{self.parent}/{{repo}}'

    @property
    def path(self) -> Path:
        return self.parent / LIB


def build_library(parent: Path) -> Library:
    path = init_repo(parent / LIB)
    ids = {}
    ids['C0'] = commit_file(path, {
        'setup.cfg': SETUP, 'requirements.txt': REQ_OLD, 'oslo_demo/__init__.py': CODE_OLD,
        f'{NOTES}/initial-aaaaaaaaaaaaaaaa.yaml': 'features:\n  - First version of oslo.demo.\n',
    }, 'Initial version')
    git(path, 'tag', '-a', '-m', 'oslo.demo 1.0.0', '1.0.0')
    ids['C1'] = commit_file(path, {
        'oslo_demo/fix.py': 'FIXED = True\n',
        f'{NOTES}/bug-fix-bbbbbbbbbbbbbbbb.yaml': 'fixes:\n  - Fixed the connection leak.\n',
    }, 'Fix the connection leak')
    ids['C2'] = commit_file(path, {
        'oslo_demo/__init__.py': CODE_NEW, 'requirements.txt': REQ_NEW,
        f'{NOTES}/new-thing-cccccccccccccccc.yaml': 'features:\n  - |\n    Added ``shiny()``.\n',
    }, 'Replace helper() with shiny()')
    git(path, 'checkout', '-q', '-b', 'side', ids['C1'])
    ids['SIDE'] = commit_file(path, {f'{NOTES}/side-dddddddddddddddd.yaml': 'fixes:\n  - Side fix.\n'},
                              'Side fix')
    git(path, 'checkout', '-q', 'master')
    git(path, 'merge', '-q', '--no-ff', '-m', 'Merge side', 'side')
    ids['MERGE'] = git(path, 'rev-parse', 'HEAD')
    git(path, 'branch', '-D', 'side')
    commit_file(path, {f'{NOTES}/gone-eeeeeeeeeeeeeeee.yaml': 'fixes:\n  - Gone.\n'}, 'Add a note')
    ids['C4'] = commit_file(path, {
        f'{NOTES}/initial-aaaaaaaaaaaaaaaa.yaml': 'features:\n  - First version of oslo.demo, edited.\n',
        f'{NOTES}/gone-eeeeeeeeeeeeeeee.yaml': None,
    }, 'Edit a note, drop another')
    return Library(parent, ids)


@pytest.fixture(scope='session')
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    """The library repository, built once; tests must not change it."""
    return build_library(tmp_path_factory.mktemp('review-src'))


def library_file(*releases: tuple[str, str], extra: str = '') -> str:
    lines = ['team: oslo', 'type: library', 'launchpad: oslo.demo', 'release-model: cycle-with-intermediary',
             'release-type: python-pypi', f'repository-settings:\n  {LIB}: {{}}', 'releases:']
    lines.extend(f'  - {rel(v, h, LIB)}' for v, h in releases)
    return '\n'.join(lines) + '\n' + extra


@pytest.fixture
def request_repo(tmp_path: Path, library: Library) -> DataRepo:
    """A data repository whose base has oslo.demo 1.0.0 @C0 and the hibiscus calendar."""
    data = DataRepo.for_git_checks(tmp_path / 'data', tmp_path / 'cache')
    (data.root / 'doc' / 'source' / 'hibiscus').mkdir(parents=True)
    (data.root / 'doc' / 'source' / 'hibiscus' / 'schedule.yaml').write_text(SCHEDULE)
    data.write('hibiscus', 'oslo.demo', library_file(('1.0.0', library.ids['C0'])), header=False)
    data.commit()
    return data
