"""The command line speaks one language (issue 13, section 3): wrapped --help, --root found upwards, paths
relative to the working directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from releasetools.cli.main import COMMANDS, main
from releasetools.testing.datarepo import DataRepo
from releasetools.testing.deliverables import R, doc
from releasetools.testing.gitcmd import commit_file, git

TOP = Path(__file__).resolve().parents[1]
NAMES = [module.__name__.rsplit('.', 1)[-1].replace('_', '-') for module in COMMANDS]


def _help(capsys: pytest.CaptureFixture[str], *command: str) -> str:
    with pytest.raises(SystemExit) as done:
        main([*command, '--help'])
    assert done.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize('columns', [80, 60])
@pytest.mark.parametrize('command', [None, *NAMES])
def test_no_help_line_is_wider_than_the_terminal(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                                 command: str | None, columns: int) -> None:
    monkeypatch.setenv('COLUMNS', str(columns))
    text = _help(capsys, *([command] if command else []))
    wide = [line for line in text.splitlines() if len(line) > columns]
    assert wide == [], wide
    assert len(text.splitlines()) > 5


def test_wrapping_keeps_line_breaks_and_table_columns(capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('COLUMNS', '80')
    text = _help(capsys, 'release')
    lines = text.splitlines()
    start = lines.index('environment:')
    assert lines[start + 1].startswith('  RELEASETOOLS_INDEX_URL       upload URL')
    # A table row wrapped goes on under its text column.
    password = lines.index(next(line for line in lines if 'RELEASETOOLS_INDEX_PASSWORD' in line))
    assert lines[password + 1].startswith(' ' * 31) and lines[password + 1].strip()
    kinds = _help(capsys, 'new-release').splitlines()
    assert '  bugfix     X.Y.Z -> X.Y.Z+1' in kinds
    assert '  final      re-tags the last release candidate, same commits' in kinds


def _data(tmp_path: Path) -> DataRepo:
    data = DataRepo(tmp_path / 'data')
    data.write('hibiscus', 'nova', doc('release-model: cycle-with-rc', releases=[R('3.0.0.0rc1')]))
    return data


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, '-m', 'releasetools', *args], cwd=cwd, capture_output=True, text=True,
                          check=False, timeout=120, env={**os.environ, 'PYTHONPATH': str(TOP)})


@pytest.mark.parametrize('where', ['', 'deliverables', 'deliverables/hibiscus', 'data'])
def test_root_is_the_data_repository_the_command_runs_in(tmp_path: Path, where: str) -> None:
    data = _data(tmp_path)
    done = _run(data.root / where, 'validate', '--all', '--format', 'json')
    assert done.returncode == 0, done.stderr
    assert '"checked": 1' in done.stdout


def test_nearest_data_repository_wins(tmp_path: Path) -> None:
    outer = _data(tmp_path)
    inner = DataRepo(outer.root / 'deliverables' / 'hibiscus' / 'nested')  # no deliverable file of its own
    done = _run(inner.root / 'deliverables', 'validate', '--all', '--format', 'json')
    assert done.returncode == 0, done.stderr
    assert '"checked": 0' in done.stdout


def test_explicit_root_is_relative_to_the_working_directory(tmp_path: Path) -> None:
    _data(tmp_path)
    (tmp_path / 'elsewhere').mkdir()
    done = _run(tmp_path / 'elsewhere', 'validate', '--all', '--root', '../data', '--format', 'json')
    assert done.returncode == 0, done.stderr
    assert '"checked": 1' in done.stdout


@pytest.mark.parametrize('command', ['validate', 'list-changes', 'check-approval', 'release', 'site'])
def test_outside_any_data_repository_the_error_says_so_with_a_hint(tmp_path: Path, command: str) -> None:
    done = _run(tmp_path, command)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f'releasetools: error: {tmp_path} is not in a release data repository: neither it nor a folder above it '
        'holds data/series_status.yaml and deliverables/',
        '    hint: run the command from inside a data repository, or pass --root DIR']


def test_half_a_data_repository_is_not_one(tmp_path: Path) -> None:
    """data/series_status.yaml alone (no deliverables/) is not taken for the top of a data repository."""
    data = _data(tmp_path)
    stray = data.root / 'deliverables' / 'hibiscus' / 'stray'
    (stray / 'data').mkdir(parents=True)
    (stray / 'data' / 'series_status.yaml').write_text('[]\n')
    done = _run(stray, 'validate', '--all', '--format', 'json')
    assert done.returncode == 0, done.stderr
    assert '"checked": 1' in done.stdout


def test_site_from_a_deliverables_folder_builds_into_the_repository(tmp_path: Path) -> None:
    data = _data(tmp_path)
    done = _run(data.root / 'deliverables' / 'hibiscus', 'site')
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(str(data.root / '.releasetools' / 'site' / 'html' / 'index.html'))


def test_new_release_with_relative_repos_and_cache_from_inside(tmp_path: Path) -> None:
    from tests.propose.test_new_release import World

    world = World(tmp_path)
    git(world.src, 'checkout', '-q', 'stable/2026.1')
    fix = commit_file(world.src, {'a.py': 'fixed\n'}, 'a fix on stable')
    git(world.src, 'checkout', '-q', 'master')
    inside = world.data / 'deliverables' / 'gazpacho'
    repos = os.path.relpath(world.top / 'git', inside) + '/{repo}'
    done = _run(inside, 'new-release', 'gazpacho', 'nova', 'bugfix', '--offline', '--dry-run', '--remotes', repos,
                '--cache-dir', '../../../cache')
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ['deliverables/gazpacho/nova.yaml: would add 2.0.1 (bugfix after 2.0.0)',
                                        f'  openstack/nova {fix} (head of stable/2026.1, 1 commit since 2.0.0)']
