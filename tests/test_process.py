"""releasetools.git.process, the one subprocess runner, and run_git on top of it: real processes, no mocks."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from releasetools.core.errors import GitError
from releasetools.git import process
from releasetools.git.repo import run_git
from releasetools.testing.processes import gone

#: A child that starts a grandchild (which writes its pid to argv[1], then sleeps), then sleeps itself.
_SPAWNER = '''
import subprocess, sys, time
subprocess.Popen([sys.executable, '-c', 'import os, sys, time\\n'
                  'open(sys.argv[1], "w").write(str(os.getpid()))\\ntime.sleep(60)', sys.argv[1]])
time.sleep(60)
'''




def _pid_from(path: Path, within: float = 30.0) -> int:
    deadline = time.monotonic() + within
    while not path.exists() or not path.read_text():
        assert time.monotonic() < deadline, 'the grandchild never started'
        time.sleep(0.05)
    return int(path.read_text())


@pytest.mark.parametrize('guard', [False, True])
def test_a_timeout_kills_the_child_and_what_it_started(tmp_path: Path, guard: bool) -> None:
    pidfile = tmp_path / 'grandchild.pid'
    start = time.monotonic()
    with pytest.raises(process.TimedOut, match=r'^sleeper timed out after 2 s$'):
        process.run([sys.executable, '-c', _SPAWNER, str(pidfile)], tmp_path, env=dict(os.environ),
                    what='sleeper', timeout=2, guard=guard)
    assert time.monotonic() - start < 30
    grandchild = _pid_from(pidfile)
    assert gone(grandchild), f'the grandchild {grandchild} outlived the timeout'
    assert process.live_children() == []


def test_a_failure_reports_its_output_tail_with_secrets_and_url_credentials_masked(tmp_path: Path) -> None:
    code = ("print('uploading to https://bot:url-pass@index.example/ with token hunter2'); "
            "import sys; sys.exit(3)")
    with pytest.raises(process.Failed) as caught:
        process.run([sys.executable, '-c', code], tmp_path, env=dict(os.environ), what='upload', check=True,
                    secrets=['hunter2'])
    message = caught.value.message
    assert message == 'upload failed:\nuploading to https://***@index.example/ with token ***'
    # The captured bytes stay the child's own: callers parse them.
    assert caught.value.result.returncode == 3 and b'hunter2' in caught.value.result.stdout


def test_without_check_the_result_is_returned_typed_and_stdin_is_closed(tmp_path: Path) -> None:
    result = process.run([sys.executable, '-c', 'import sys; print(repr(sys.stdin.read())); sys.exit(4)'],
                         tmp_path, env=dict(os.environ))
    assert (result.returncode, result.stdout.strip(), result.ok) == (4, b"''", False)
    fed = process.run([sys.executable, '-c', 'import sys; sys.stdout.write(sys.stdin.read().upper())'],
                      tmp_path, env=dict(os.environ), input=b'abc')
    assert fed.ok and fed.stdout == b'ABC'


def test_a_command_that_cannot_start_says_so(tmp_path: Path) -> None:
    with pytest.raises(process.CannotStart, match=r'^no-tool: cannot start releasetools-no-such-tool: ') as caught:
        process.run(['releasetools-no-such-tool'], tmp_path, env=dict(os.environ), what='no-tool')
    assert isinstance(caught.value.cause, FileNotFoundError)


def test_run_git_times_out_and_ends_the_helper_it_started(tmp_path: Path) -> None:
    pidfile = tmp_path / 'helper.pid'
    script = tmp_path / 'helper.py'
    script.write_text(_SPAWNER)
    start = time.monotonic()
    with pytest.raises(GitError, match=r'^git -c protocol.ext.allow=always timed out after 2 s in '):
        run_git(['-c', 'protocol.ext.allow=always', 'ls-remote', f'ext::{sys.executable} {script} {pidfile}'],
                tmp_path, timeout=2)
    assert time.monotonic() - start < 30
    helper = _pid_from(pidfile)
    assert gone(helper), f'the remote helper {helper} outlived the timeout'


def test_run_git_masks_credentials_in_its_messages(tmp_path: Path) -> None:
    with pytest.raises(GitError) as caught:
        run_git(['frobnicate-https://bot:s3cret-pw@example.invalid/repo'], tmp_path)
    assert 's3cret-pw' not in caught.value.message
    assert 'frobnicate-https://***@example.invalid/repo' in caught.value.message


def test_run_git_finds_the_git_command_past_global_options() -> None:
    from releasetools.git.repo import _subcommand

    assert _subcommand(['-c', 'a=b', '-C', 'dir', 'fetch', '-q']) == 'fetch'
    assert _subcommand(['--no-pager', 'log']) == 'log'
    assert _subcommand([]) is None
