"""The release job's build side, for real: what a build sees, that it is reproducible, that it dies with the job."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from releasetools.artifacts import build as artifacts
from releasetools.artifacts import children
from releasetools.testing.gitcmd import git
from releasetools.testing.pbrproject import Project, ReleaseData
from releasetools.testing.processes import alive, gone
from tests.release.servers import PASSWORD, USER, Index
from tests.release.test_job import Run, statuses

SETUP = 'import setuptools\n\nsetuptools.setup(setup_requires=["pbr"], pbr=True)\n'


@pytest.fixture
def index(tmp_path: Path) -> Iterator[Index]:
    server = Index(tmp_path / 'index' / 'packages').start()
    yield server
    server.stop()


def _released(tmp_path: Path, setup_py: str, name: str = 'widget') -> Run:
    """A pbr project whose setup.py is ``setup_py``, and a merged request releasing 1.0.0 of it."""
    project = Project(tmp_path, name)
    sha = project.commit({'setup.py': setup_py}, 'a setup.py with a hook')
    data = ReleaseData(tmp_path, project)
    data.request(project, '1.0.0', sha)
    return Run(tmp_path, project, data)


# -- 1. secrets stay out of the build -------------------------------------------------------------

def test_the_build_sees_no_secret(tmp_path: Path, index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    dump = tmp_path / 'build-env.json'
    hook = f'import json, os\nwith open({str(dump)!r}, "w") as fh:\n    json.dump(dict(os.environ), fh)\n'
    run = _released(tmp_path, hook + SETUP)
    gnupg = tmp_path / 'gnupg'
    gnupg.mkdir(mode=0o700)
    monkeypatch.setenv('RELEASETOOLS_INDEX_USER', USER)
    monkeypatch.setenv('RELEASETOOLS_INDEX_PASSWORD', PASSWORD)
    monkeypatch.setenv('TWINE_PASSWORD', PASSWORD)
    monkeypatch.setenv('GNUPGHOME', str(gnupg))
    monkeypatch.setenv('AWS_SECRET_ACCESS_KEY', 'aws-secret-value')
    monkeypatch.setenv('PIP_FIND_LINKS', os.environ.get('PIP_FIND_LINKS', str(tmp_path / 'wheels')))
    code, out = run(index=index)
    assert code == 0, out
    assert index.files() == ['widget-1.0.0-py3-none-any.whl', 'widget-1.0.0.tar.gz']  # twine still got them
    seen = json.loads(dump.read_text())
    for secret in ('GNUPGHOME', 'RELEASETOOLS_INDEX_PASSWORD', 'RELEASETOOLS_INDEX_USER', 'TWINE_PASSWORD',
                   'AWS_SECRET_ACCESS_KEY'):
        assert secret not in seen
    assert not [k for k, v in seen.items() if PASSWORD in v or 'aws-secret-value' in v]
    assert 'PIP_FIND_LINKS' in seen and 'PATH' in seen  # what an offline install of build deps needs
    committed = git(run.project.work, 'log', '-1', '--format=%ct', run.project.commits[-1]).strip()
    assert seen['SOURCE_DATE_EPOCH'] == committed


def test_each_kind_of_child_gets_only_its_own_variables() -> None:
    ours = {'PATH': '/bin', 'HOME': '/home/r', 'LC_ALL': 'C', 'GNUPGHOME': '/g', 'TWINE_PASSWORD': 'stray',
            'TWINE_CERT': '/c.pem', 'RELEASETOOLS_INDEX_PASSWORD': 'pw', 'PIP_INDEX_URL': 'http://mirror/',
            'SSH_AUTH_SOCK': '/s', 'PYTHONPATH': '/evil', 'PBR_VERSION': '9.9.9'}
    build = children.environment('build', {'SOURCE_DATE_EPOCH': '1'}, source=ours)
    assert build == {'PATH': '/bin', 'HOME': '/home/r', 'LC_ALL': 'C', 'PIP_INDEX_URL': 'http://mirror/',
                     'SOURCE_DATE_EPOCH': '1'}
    twine = children.environment('twine', {'TWINE_PASSWORD': 'pw'}, source=ours)
    assert twine == {'PATH': '/bin', 'HOME': '/home/r', 'LC_ALL': 'C', 'TWINE_CERT': '/c.pem',
                     'TWINE_PASSWORD': 'pw'}
    assert 'GNUPGHOME' not in children.environment('git', source=ours)
    assert children.environment('git', source=ours)['SSH_AUTH_SOCK'] == '/s'
    assert children.environment('git+gpg', source=ours)['GNUPGHOME'] == '/g'
    gpg = children.environment('gpg', source=ours)
    assert gpg == {'PATH': '/bin', 'HOME': '/home/r', 'LC_ALL': 'C', 'GNUPGHOME': '/g'}


# -- 2. reproducible builds -----------------------------------------------------------------------

def _build_in(workdir: Path, project: Project, version: str) -> dict[str, str]:
    clone = workdir / 'checkout' / project.name
    clone.parent.mkdir(parents=True)
    git(workdir, 'clone', '-q', str(project.bare), str(clone))
    git(clone, 'checkout', '-q', version)
    built = artifacts.build(clone, workdir / 'dist', version, isolation=False)
    return {a.path.name: a.sha256 for a in built}


def test_a_tag_builds_to_the_same_bytes_anywhere_any_time(tmp_path: Path) -> None:
    project = Project(tmp_path)
    project.commit({'widget/tool.sh': '#!/bin/sh\necho hi\n'}, 'a script')
    os.chmod(project.work / 'widget' / 'tool.sh', 0o755)
    git(project.work, 'add', 'widget/tool.sh')
    git(project.work, 'commit', '-q', '-m', 'executable script')
    git(project.work, 'tag', '-a', '-m', 'widget 1.0.0', '1.0.0')
    git(project.work, 'push', '-q', 'origin', 'HEAD:master', 'refs/tags/1.0.0')
    first = _build_in(tmp_path / 'runner-a' / 'deeper', project, '1.0.0')
    time.sleep(1.1)  # other mtimes in the second checkout
    old = os.umask(0o002)
    try:
        second = _build_in(tmp_path / 'b', project, '1.0.0')
    finally:
        os.umask(old)
    assert sorted(first) == ['widget-1.0.0-py3-none-any.whl', 'widget-1.0.0.tar.gz']
    assert first == second
    sdist = tmp_path / 'b' / 'dist' / 'widget-1.0.0.tar.gz'
    raw = sdist.read_bytes()
    assert raw[4:8] == b'\0\0\0\0' and not raw[3] & 0x08  # gzip: mtime 0, no file name
    import tarfile

    epoch = int(git(project.work, 'log', '-1', '--format=%ct', '1.0.0').strip())
    with tarfile.open(sdist) as tar:
        members = tar.getmembers()
    assert [m.name for m in members] == sorted(m.name for m in members)
    assert {(m.mtime, m.uid, m.gid, m.uname, m.gname) for m in members} == {(epoch, 0, 0, 'root', 'root')}
    modes = {m.name.split('/', 1)[-1]: m.mode for m in members}
    assert modes['widget/tool.sh'] == 0o755 and modes['setup.py'] == 0o644


def test_a_fresh_workdir_after_a_complete_run_finds_its_files_published(tmp_path: Path, index: Index,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('RELEASETOOLS_INDEX_USER', USER)
    monkeypatch.setenv('RELEASETOOLS_INDEX_PASSWORD', PASSWORD)
    run = _released(tmp_path, SETUP)
    code, out = run('--ledger', str(tmp_path / 'ledger-1.jsonl'), index=index)
    assert code == 0, out
    uploaded = {p.name: artifacts.sha256_of(p) for p in index.root.iterdir()}
    time.sleep(1.1)
    run.work = tmp_path / 'another-runner'  # a fresh work directory and ledger: everything is built again
    code, out = run('--ledger', str(tmp_path / 'ledger-2.jsonl'), index=index)
    assert code == 0, out
    steps = statuses(out)
    assert ('done', 'build') in steps and ('already done', 'tag') in steps
    assert ('already done', 'publish') in steps and ('done', 'verify') in steps
    assert 'already on the index with the same sha256' in out
    assert {p.name: artifacts.sha256_of(p) for p in index.root.iterdir()} == uploaded


# -- 3. children die with the job -----------------------------------------------------------------


def _hanging_job(tmp_path: Path) -> tuple[subprocess.Popen[bytes], int]:
    """A release job whose build hangs in setup.py; returns it and the pid of the hanging setup.py."""
    pidfile = tmp_path / 'setup.pid'
    hang = (f'import os, time\nopen({str(pidfile)!r} + ".tmp", "w").write(str(os.getpid()))\n'
            f'os.rename({str(pidfile)!r} + ".tmp", {str(pidfile)!r})\ntime.sleep(300)\n')
    run = _released(tmp_path, hang + SETUP)
    proc = subprocess.Popen([sys.executable, '-m', 'releasetools', *run.args()], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while not pidfile.exists():
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ''
        assert time.monotonic() < deadline, 'the build never started'
        time.sleep(0.05)
    return proc, int(pidfile.read_text())



@pytest.mark.skipif(not sys.platform.startswith('linux'), reason='reads /proc (the guard itself is portable)')
def test_kill_9_of_the_job_leaves_no_build_running(tmp_path: Path) -> None:
    proc, setup_pid = _hanging_job(tmp_path)
    try:
        assert alive(setup_pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        assert gone(setup_pid), f'setup.py (pid {setup_pid}) still runs after kill -9 of the job'
    finally:
        if proc.poll() is None:
            proc.kill()
        with_suppressed_kill(setup_pid)


@pytest.mark.skipif(not sys.platform.startswith('linux'), reason='reads /proc (the guard itself is portable)')
@pytest.mark.parametrize('signum', [signal.SIGTERM, signal.SIGINT])
def test_sigterm_or_sigint_ends_the_build_then_the_job(tmp_path: Path, signum: int) -> None:
    proc, setup_pid = _hanging_job(tmp_path)
    try:
        proc.send_signal(signum)
        code = proc.wait(20)
        assert gone(setup_pid, 1.0), f'setup.py (pid {setup_pid}) outlived the job'
        assert code == 130
        assert proc.stderr is not None
        err = proc.stderr.read().decode()
        assert 'interrupted' in err and 'Traceback' not in err
    finally:
        if proc.poll() is None:
            proc.kill()
        with_suppressed_kill(setup_pid)


def with_suppressed_kill(pid: int) -> None:
    """Never leave a hanging setup.py behind a failed test."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)


def _tar(path: Path, members: list[tuple[str, bytes, int, int]], *, owner: str, gzip_name: str) -> None:
    """A .tar.gz written as a work tree would: given order, mtimes, modes, an owner and gzip's name and time."""
    import gzip
    import io
    import tarfile

    with open(path, 'wb') as raw, gzip.GzipFile(gzip_name, 'wb', fileobj=raw, mtime=int(time.time())) as gz, \
            tarfile.open(fileobj=gz, mode='w', format=tarfile.GNU_FORMAT) as tar:
        for name, data, mode, mtime in members:
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), mode, mtime
            info.uid, info.gid, info.uname, info.gname = 1000, 1000, owner, owner
            tar.addfile(info, io.BytesIO(data))


def test_normalising_an_sdist_keeps_only_names_and_contents(tmp_path: Path) -> None:
    long_name = 'pkg-1.0/' + 'd' * 120 + '/module.py'  # longer than a ustar name: needs a pax header
    files = [('pkg-1.0/setup.py', b'setup()\n', 0o664, 1_700_000_000), (long_name, b'x = 1\n', 0o600, 1_600_000_000),
             ('pkg-1.0/run.sh', b'#!/bin/sh\n', 0o775, 1_650_000_000)]
    one, two = tmp_path / 'one.tar.gz', tmp_path / 'two.tar.gz'
    _tar(one, files, owner='alice', gzip_name='one.tar')
    _tar(two, list(reversed([(n, d, m & 0o755, t + 77) for n, d, m, t in files])), owner='bob', gzip_name='x')
    assert one.read_bytes() != two.read_bytes()
    for path in (one, two):
        artifacts.normalise_sdist(path, 1_234_567_890)
    assert one.read_bytes() == two.read_bytes()
    import tarfile

    with tarfile.open(one) as tar:
        got = [(m.name, m.mode, m.mtime, m.uid, m.uname) for m in tar.getmembers()]
        assert tar.extractfile(long_name).read() == b'x = 1\n'  # type: ignore[union-attr]
    assert got == sorted((n, 0o755 if n.endswith('.sh') else 0o644, 1_234_567_890, 0, 'root') for n, *_ in files)
