"""release from another folder, with relative --root, --repos/--remotes, --workdir... (issue 13, section 3).

The job works in other directories (clones, builds): a relative path that was
not resolved against the working directory once, at the start, broke it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from releasetools.testing.pbrproject import Project, ReleaseData
from tests.release.test_job import statuses

TOP = Path(__file__).resolve().parents[2]


def _release(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command, as a user runs it from ``cwd``."""
    return subprocess.run([sys.executable, '-m', 'releasetools', 'release', '--no-build-isolation', *args],
                          cwd=cwd, capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, 'PYTHONPATH': str(TOP), 'XDG_STATE_HOME': str(cwd / 'state')})


@pytest.mark.parametrize('flag', ['--remotes', '--repos'])
def test_relative_paths_from_another_folder(tmp_path: Path, flag: str) -> None:
    project = Project(tmp_path)
    data = ReleaseData(tmp_path, project)
    data.request(project, '1.0.0', project.commits[0])
    elsewhere = tmp_path / 'elsewhere'
    elsewhere.mkdir()
    remotes = os.path.relpath(project.template.removesuffix('/{repo}'), elsewhere) + '/{repo}'
    assert remotes.startswith('../')
    done = _release(elsewhere, '--root', os.path.relpath(data.root, elsewhere), flag, remotes, '--workdir', 'work',
                    '--cache-dir', 'cache', '--tarballs', '../tarballs')
    assert done.returncode == 0, done.stdout + done.stderr
    assert ('done', 'tag') in statuses(done.stdout) and ('done', 'tarballs') in statuses(done.stdout)
    assert project.remote_tags() == {'1.0.0': project.commits[0]}
    assert sorted(p.name for p in (tmp_path / 'tarballs').iterdir())[0] == 'widget-1.0.0-py3-none-any.whl'
    assert (elsewhere / 'work' / 'announce').is_dir()  # WORKDIR/announce, WORKDIR relative to the cwd


def test_root_found_upwards_from_a_deliverables_folder(tmp_path: Path) -> None:
    project = Project(tmp_path)
    data = ReleaseData(tmp_path, project)
    data.request(project, '1.0.0', project.commits[0])
    inside = data.root / 'deliverables' / '_independent'
    remotes = os.path.relpath(project.template.removesuffix('/{repo}'), inside) + '/{repo}'
    done = _release(inside, '--repos', remotes, '--workdir', str(tmp_path / 'work'), '--dry-run')
    assert done.returncode == 0, done.stdout + done.stderr
    assert ('planned', 'tag') in statuses(done.stdout), done.stdout
