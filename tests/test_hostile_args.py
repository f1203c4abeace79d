"""Hostile arguments to validate and list-changes: a clear usage error (exit 2, one line), never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import DataRepo

LONG = 'x' * 300


@pytest.fixture(scope='module')
def data(tmp_path_factory: pytest.TempPathFactory) -> DataRepo:
    repo = DataRepo(tmp_path_factory.mktemp('hostile') / 'data')
    repo.init_git()
    repo.write('hibiscus', 'nova', 'release-model: cycle-with-rc\n')
    repo.commit()
    return repo


@pytest.mark.parametrize(('args', 'message'), [
    (['validate', '--all', f'deliverables/hibiscus/{LONG}.yaml'], 'a file name longer than 255 bytes'),
    (['validate', '--base', 'HEAD', f'deliverables/{LONG}/nova.yaml'], 'a file name longer than 255 bytes'),
    (['validate', '--all', 'deliverables/hib/iscus/nova.yaml'], 'is not a deliverable file'),
    (['validate', '--all', ''], 'is not a deliverable file'),
    (['validate', '--all', '../../etc/passwd'], 'is not a deliverable file'),
    (['validate', '--base', LONG], 'unknown base revision'),
    (['validate', '--base', ''], 'unknown base revision'),
    (['list-changes', '--base', 'HEAD', f'deliverables/hibiscus/{LONG}.yaml'], 'a file name longer than 255 bytes'),
    (['list-changes', '--base', 'HEAD', 'deliverables/hib/x/nova.yaml'], 'is not a deliverable file'),
    (['list-changes', '--base', LONG], 'unknown base revision'),
])
def test_clear_usage_error(data: DataRepo, args: list[str], message: str) -> None:
    proc = subprocess.run([sys.executable, '-m', 'releasetools', *args[:1], '--root', str(data.root), '--offline',
                           *args[1:]], check=False, capture_output=True, text=True, timeout=60,
                          env={'PYTHONPATH': str(Path(__file__).resolve().parents[1]), 'PATH': '/usr/bin:/bin'})
    assert proc.returncode == 2, proc.stderr
    assert 'Traceback' not in proc.stderr
    first = proc.stderr.splitlines()[0]
    assert first.startswith('releasetools: error: ') and message in first, proc.stderr
