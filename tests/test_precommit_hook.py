"""The ``releasetools-validate`` hook of ``.pre-commit-hooks.yaml``, run by the real pre-commit.

``pre-commit try-repo`` pip-installs this checkout into an environment of its own
and runs the hook in a data repository, on what is staged: the way a contributor
meets it. The checkout is copied (tracked and new files, as they are in the
working tree) into a git repository of one commit, so that uncommitted changes
are what is tried. One pre-commit home serves every test of the module, so the
environment is installed once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from releasetools.testing.datarepo import DataRepo
from releasetools.testing.deliverables import HEADER, R, doc, expand
from releasetools.testing.gitcmd import GIT_ENV, commit_file, git, init_repo
from releasetools.testing.series import OPEN_SERIES

CHECKOUT = Path(__file__).resolve().parent.parent
PRE_COMMIT = Path(sys.executable).with_name('pre-commit')
RC = 'release-model: cycle-with-rc'
#: The series the requests release in.
SERIES = 'hibiscus'

pytestmark = pytest.mark.skipif(not PRE_COMMIT.exists(), reason=f'pre-commit is not installed next to '
                                                                 f'{sys.executable} (test-requirements.txt)')


@pytest.fixture(scope='module')
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout's working tree (tracked and untracked-but-not-ignored files) as a one-commit repository."""
    copy = init_repo(tmp_path_factory.mktemp('hook') / 'releasetools')
    listed = git(CHECKOUT, 'ls-files', '-z', '--cached', '--others', '--exclude-standard').split('\0')
    for rel in filter(None, listed):
        source = CHECKOUT / rel
        if source.is_file():
            (copy / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / rel)
    commit_file(copy, {}, 'the working tree of the checkout under test')
    return copy


@pytest.fixture(scope='module')
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp('pre-commit-home')


@pytest.fixture
def clone(tmp_path: Path) -> Iterator[Path]:
    """A contributor's clone of a data repository holding one clean nova deliverable (origin/HEAD is the base)."""
    upstream = DataRepo.for_git_checks(tmp_path / 'upstream', tmp_path / 'cache', OPEN_SERIES)
    upstream.write(SERIES, 'nova', doc(RC, releases=[R('1.0.0.0rc1')]))
    upstream.commit()
    work = tmp_path / 'work'
    git(tmp_path, 'clone', '-q', str(upstream.root), str(work))
    yield work


def try_repo(data: Path, hook_repo: Path, home: Path, tmp: Path) -> subprocess.CompletedProcess[str]:
    """``pre-commit try-repo HOOK_REPO releasetools-validate`` in ``data``, on what is staged."""
    env = {**os.environ, **GIT_ENV, 'PRE_COMMIT_HOME': str(home), 'XDG_CACHE_HOME': str(tmp / 'xdg-cache'),
           'NO_COLOR': '1'}
    env.pop('PYTHONPATH', None)  # the hook must run the releasetools pre-commit installed, not this checkout
    return subprocess.run([str(PRE_COMMIT), 'try-repo', str(hook_repo), 'releasetools-validate', '--verbose'],
                          cwd=data, env=env, capture_output=True, text=True, timeout=300, check=False)


def stage(clone: Path, snippet: str) -> None:
    (clone / 'deliverables' / SERIES / 'nova.yaml').write_text(HEADER + expand(snippet))
    git(clone, 'add', '-A')


def test_hook_fails_naming_the_rule_of_a_mistake(clone: Path, hook_repo: Path, pre_commit_home: Path,
                                                 tmp_path: Path) -> None:
    stage(clone, doc(RC, releases=[R('1.0.0.0rc1'), R('1.0.0rc2', '$2')]))
    proc = try_repo(clone, hook_repo, pre_commit_home, tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert 'releasetools validate' in proc.stdout
    assert 'Failed' in proc.stdout
    assert f"deliverables/{SERIES}/nova.yaml:7: error [RT201] '1.0.0rc2' is not a canonical version" in proc.stdout
    assert '\x1b[' not in proc.stdout + proc.stderr  # NO_COLOR: pre-commit's and ours


def test_hook_passes_a_clean_request(clone: Path, hook_repo: Path, pre_commit_home: Path, tmp_path: Path) -> None:
    stage(clone, doc(RC, releases=[R('1.0.0.0rc1'), R('1.0.0.0rc2', '$2')]))
    proc = try_repo(clone, hook_repo, pre_commit_home, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'Passed' in proc.stdout
    assert 'checked 1 file: 0 errors' in proc.stdout


def test_hook_does_not_run_when_no_deliverable_is_staged(clone: Path, hook_repo: Path, pre_commit_home: Path,
                                                         tmp_path: Path) -> None:
    (clone / 'README.rst').write_text('notes\n')
    git(clone, 'add', '-A')
    proc = try_repo(clone, hook_repo, pre_commit_home, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'Skipped' in proc.stdout  # "(no files to check)"
