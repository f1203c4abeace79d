"""Progress on stderr for long work, and no ANSI colour codes when piped or with NO_COLOR.

The commands run as real processes: stderr a real terminal (a pseudo-terminal of
the ``pty`` module) or a pipe; stdout a pipe. Progress is shown when stderr is a
terminal or with ``--progress``, never with ``--no-progress``; stdout keeps only
the report. Nothing printed carries an escape sequence, Sphinx's warnings
passed through by ``site`` included.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from releasetools.testing.datarepo import DataRepo
from releasetools.testing.deliverables import R, doc
from releasetools.testing.gitcmd import make_package_repo
from tests.site.sitedata import write_small_tree

CHECKOUT = Path(__file__).resolve().parent.parent
ESC = b'\x1b'


def run(argv: list[str], *, stderr_tty: bool, env: dict[str, str] | None = None) -> tuple[int, bytes, bytes]:
    """``python -m releasetools ARGV``: stdout a pipe, stderr a terminal or a pipe; (status, stdout, stderr)."""
    inherited = {k: v for k, v in os.environ.items() if k != 'NO_COLOR'}  # each test sets it or not
    environ = {**inherited, 'PYTHONPATH': str(CHECKOUT), **(env or {})}
    cmd = [sys.executable, '-m', 'releasetools', *argv]
    if not stderr_tty:
        proc = subprocess.run(cmd, env=environ, capture_output=True, timeout=120, check=False)
        return proc.returncode, proc.stdout, proc.stderr
    master, slave = pty.openpty()
    try:
        child = subprocess.Popen(cmd, env=environ, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL)
        os.close(slave)
        slave = -1
        err = b''
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            err += chunk
        out = child.stdout.read() if child.stdout else b''
        return child.wait(timeout=120), out, err.replace(b'\r\n', b'\n')
    finally:
        os.close(master)
        if slave >= 0:
            os.close(slave)


@pytest.fixture
def mirrored(tmp_path: Path) -> list[str]:
    """validate --all of one deliverable whose repository is mirrored from a file:// URL (a real clone)."""
    commits = make_package_repo(tmp_path / 'git' / 'openstack' / 'nova', {'README': 'nova\n'})
    data = DataRepo(tmp_path / 'data')
    data.write('hibiscus', 'nova', doc('release-model: cycle-with-rc', releases=[R('1.0.0.0rc1', commits[0])]))
    return ['validate', '--all', '--root', str(data.root), '--repos', f'file://{tmp_path}/git/{{repo}}',
            '--cache-dir', str(tmp_path / 'cache')]


CLONING = b'releasetools: repositories 1/1: openstack/nova: cloning file://'
DONE = b'releasetools: repositories 1/1: openstack/nova: ok\n'


def test_a_terminal_gets_progress_of_the_clone_by_default(mirrored: list[str]) -> None:
    code, out, err = run(mirrored, stderr_tty=True)
    assert code == 0, err
    assert CLONING in err and DONE in err
    assert err.index(CLONING) < err.index(DONE)  # said before the clone starts, not only after
    assert b'releasetools:' not in out  # stdout keeps only the report
    assert out.endswith(b'checked 1 file: 0 errors, 0 warnings, 1 check skipped\n')
    assert ESC not in out + err


def test_no_progress_silences_a_terminal(mirrored: list[str]) -> None:
    code, _, err = run([*mirrored, '--no-progress'], stderr_tty=True)
    assert code == 0
    assert b'repositories' not in err


def test_a_pipe_gets_progress_only_when_asked(mirrored: list[str]) -> None:
    code, _, err = run(mirrored, stderr_tty=False)
    assert code == 0
    assert err == b''
    # The mirror exists now: the second run fetches it.
    code, _, err = run([*mirrored, '--progress'], stderr_tty=False)
    assert code == 0
    assert b'releasetools: repositories 1/1: openstack/nova: fetching file://' in err
    assert DONE in err


@pytest.fixture
def broken_site(tmp_path: Path) -> list[str]:
    """site of a data repository with a broken file: Sphinx warns about it."""
    data = write_small_tree(tmp_path / 'data')
    data.write_bytes('deliverables/hibiscus/broken.yaml', b'team: [unclosed\n')
    return ['site', '--root', str(data.root), '--output', str(tmp_path / 'out')]


WARNING = b'WARNING: left out of the site: deliverables/hibiscus/broken.yaml:'


@pytest.mark.parametrize('env', [{}, {'NO_COLOR': '1'}], ids=['terminal', 'NO_COLOR'])
def test_site_on_a_terminal_shows_progress_and_plain_warnings(broken_site: list[str], env: dict[str, str]) -> None:
    code, out, err = run(broken_site, stderr_tty=True, env=env)
    assert code == 1
    assert WARNING in err
    # Sphinx's own status, passed on line by line (its layout depends on TERM: one line per
    # document on a colour terminal, the documents on one line elsewhere)
    assert b'releasetools: site: reading sources...' in err
    assert b'teams' in err.split(b'reading sources...', 1)[1]
    assert ESC not in out + err
    assert b'\\x1b' not in err  # nor shown as text: Sphinx's erase-line codes are dropped, not escaped


def test_site_piped_prints_plain_warnings_and_no_progress(broken_site: list[str]) -> None:
    code, out, err = run(broken_site, stderr_tty=False)
    assert code == 1
    assert err.startswith(WARNING)  # no escape sequence in front, as Sphinx colours by default
    assert b'releasetools: site:' not in err
    assert ESC not in out + err


def test_escape_sequences_in_a_data_file_are_shown_not_obeyed(tmp_path: Path) -> None:
    """YAML's ``"\\e"`` puts a real ESC in a value: the report and progress write it as ``\\x1b``."""
    data = DataRepo(tmp_path / 'data')
    data.write('hibiscus', 'nova', doc('release-model: cycle-with-rc', releases=[
        '- {version: 1.0.0.0rc1, projects: [{repo: "openstack/\\e[2Jnova", hash: "\\e]0;title\\a"}]}']))
    argv = ['validate', '--all', '--offline', '--root', str(data.root), '--cache-dir', str(tmp_path / 'cache')]
    code, out, err = run(argv, stderr_tty=True)
    assert code == 1
    assert b"hash '\\x1b]0;title\\x07' of openstack/\\x1b[2Jnova is not a 40-digit commit id" in out
    assert b'releasetools: repositories 1/1: openstack/\\x1b[2Jnova: ' in err
    assert ESC not in out + err and b'\a' not in out + err
