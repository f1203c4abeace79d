"""Preflight, dry runs, tag kinds, the approval gate and credential redaction, against real components.

Each failure of the preflight must stop the job before anything public: no tag on the remote, nothing
on the index, no mail, nothing in the ledger.
"""

from __future__ import annotations

import socket
import subprocess
import threading
from pathlib import Path

import pytest

from releasetools.release.ledger import lock
from releasetools.release.preflight import check_index, check_signing, check_smtp
from releasetools.testing.gitcmd import git
from tests.release import test_job
from tests.release.servers import PASSWORD, USER, GitHttp, Index, Mailer, make_gpg_home
from tests.release.test_job import Run, statuses

# The release job's fixtures, shared with its other tests.
credentials, index, mailer, world = test_job.credentials, test_job.index, test_job.mailer, test_job.world


@pytest.fixture
def gpg_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A real gpg home (GNUPGHOME) with one signing key; its fingerprint."""
    key = make_gpg_home(tmp_path / 'gnupg')
    monkeypatch.setenv('GNUPGHOME', str(tmp_path / 'gnupg'))
    return key


def checks(text: str) -> list[tuple[str, str]]:
    """(status, check name) of each preflight line of the job's output."""
    return [(line.split()[0], line.split()[2]) for line in text.splitlines()
            if len(line.split()) > 2 and line.split()[1] == 'preflight']


def nothing_public(world: Run, index: Index | None = None, mailer: Mailer | None = None) -> None:
    assert world.project.remote_tags() == {}
    assert world.ledger() == {}
    assert not (world.work / 'dist').exists()  # stopped before building, too
    if index is not None:
        assert index.files() == []
    if mailer is not None:
        assert mailer.messages == []


# -- 1. the preflight ------------------------------------------------------------------------------


def test_check_index_measures_credentials_without_uploading(index: Index) -> None:
    assert check_index(index.url, USER, PASSWORD).ok
    wrong = check_index(index.url, USER, 'wrong')
    assert not wrong.ok and '(403)' in wrong.detail
    anonymous = check_index(index.url, None, None)
    assert not anonymous.ok and '(401)' in anonymous.detail and 'no credentials' in anonymous.detail
    assert index.files() == []


def test_check_index_gives_up_on_a_silent_server() -> None:
    silent = socket.socket()  # accepts connections, never answers
    silent.bind(('127.0.0.1', 0))
    silent.listen(1)
    try:
        result = check_index(f'http://127.0.0.1:{silent.getsockname()[1]}/', USER, PASSWORD, timeout=0.5)
    finally:
        silent.close()
    assert not result.ok and 'cannot reach the index' in result.detail and 'timed out' in result.detail


def test_check_smtp_sends_nothing(mailer: Mailer) -> None:
    assert check_smtp(mailer.address).ok
    assert mailer.messages == []
    assert not check_smtp(Mailer().address).ok  # never started


def test_check_signing(tmp_path: Path) -> None:
    home = tmp_path / 'gnupg'
    key = make_gpg_home(home)
    env = {'GNUPGHOME': str(home), 'PATH': '/usr/bin:/bin'}
    assert check_signing(key, env).ok
    missing = check_signing('nobody@example.invalid', env)
    assert not missing.ok and 'cannot sign with key nobody@example.invalid' in missing.detail


def test_wrong_password_stops_before_the_tag(world: Run, index: Index, mailer: Mailer,
                                             monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv('RELEASETOOLS_INDEX_USER', USER)
    monkeypatch.setenv('RELEASETOOLS_INDEX_PASSWORD', 'not-the-password')
    code, out = world(index=index, mailer=mailer)
    assert code == 2
    assert checks(out) == [('failed', 'index'), ('passed', 'smtp'), ('passed', 'push')]
    err = capsys.readouterr().err
    assert "preflight failed, nothing was done: index: the index at http://127.0.0.1" in err
    assert "refused the credentials of user 'uploader' (403)" in err
    nothing_public(world, index, mailer)


def test_no_credentials_stops_before_the_tag(world: Run, index: Index, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = world(index=index)
    assert code == 2
    assert 'wants credentials (401): no credentials are configured' in capsys.readouterr().err
    nothing_public(world, index)


def test_smtp_down_stops_before_the_tag(world: Run, index: Index, credentials: None,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    code, out = world(index=index, mailer=Mailer())  # never started: its port refuses connections
    assert code == 2
    assert checks(out) == [('passed', 'index'), ('failed', 'smtp'), ('passed', 'push')]
    assert 'smtp: the mail server 127.0.0.1:' in capsys.readouterr().err
    nothing_public(world, index)


def test_signing_key_that_cannot_sign_stops_before_the_tag(world: Run, index: Index, credentials: None,
                                                           gpg_key: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = world('--signing-key', 'nobody@example.invalid', index=index)
    assert code == 2
    assert ('failed', 'signing') in checks(out)
    assert 'signing: gpg cannot sign with key nobody@example.invalid' in capsys.readouterr().err
    nothing_public(world, index)


def test_remote_refusing_pushes_stops_before_the_tag(world: Run, index: Index, credentials: None,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    # A fetch-only mirror: anonymous smart HTTP serves clones, and refuses receive-pack (403).
    # The template carries a token, as a CI job's would: it never shows.
    server = GitHttp(world.project.remotes).start()
    try:
        code, out = world('--remotes', server.template.replace('http://', 'http://ci:T0ken-xyz@'), index=index)
    finally:
        server.stop()
    assert code == 2
    assert checks(out) == [('passed', 'index'), ('failed', 'push')]
    err = capsys.readouterr().err
    assert 'push: http://127.0.0.1:' in err and 'refuses a push of tag 1.0.0' in err and '403' in err
    assert 'T0ken-xyz' not in out + err + _everything_written(world)
    nothing_public(world, index)


def test_pre_receive_hook_refusal_publishes_nothing(world: Run, index: Index, mailer: Mailer,
                                                    credentials: None) -> None:
    # A hook does not run on `git push --dry-run` (measured, git 2.39): the preflight passes, and the
    # refusal comes at the real push, which precedes every other public step.
    hook = world.project.bare / 'hooks' / 'pre-receive'
    hook.write_text('#!/bin/sh\necho "tags need a review" >&2\nexit 1\n')
    hook.chmod(0o755)
    code, out = world(index=index, mailer=mailer)
    assert code == 1
    assert ('passed', 'push') in checks(out)
    assert [s for s in statuses(out) if s[0] == 'failed'] == [('failed', 'tag')]
    assert 'pre-receive hook declined' in out
    assert world.project.remote_tags() == {}
    assert index.files() == []
    assert mailer.messages == []


def test_dry_run_reports_every_check(world: Run, index: Index, mailer: Mailer, credentials: None,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = world('--dry-run', index=index, mailer=mailer)
    assert code == 0, out
    assert checks(out) == [('passed', 'index'), ('passed', 'smtp'), ('passed', 'push')]
    monkeypatch.setenv('RELEASETOOLS_INDEX_PASSWORD', 'not-the-password')
    code, out = world('--dry-run', index=index, mailer=Mailer())
    assert code == 1  # a failed check fails the dry run; every step is still planned
    assert 'dry run: a check failed, so a real run would stop before the first tag' in out
    assert 'resume' not in out
    assert checks(out) == [('failed', 'index'), ('failed', 'smtp'), ('passed', 'push')]
    assert ('planned', 'tag') in statuses(out) and ('planned', 'announce') in statuses(out)
    nothing_public(world, index)


def test_rerun_with_everything_done_needs_no_service(world: Run, index: Index, mailer: Mailer,
                                                     credentials: None) -> None:
    code, out = world(index=index, mailer=mailer)
    assert code == 0, out
    index.stop()
    mailer.stop()
    code, out = world(index=index, mailer=mailer)
    assert code == 0, out
    assert checks(out) == []
    assert {s for s, _ in statuses(out)} == {'already done'}


# -- 2. a dry run changes nothing --------------------------------------------------------------------


def _workspace(world: Run) -> Path:
    return next((world.work / 'repos').glob('demo_widget-*.git'))


def test_dry_run_while_a_run_holds_the_lock_is_refused(world: Run, index: Index, credentials: None,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, out = world('--dry-run', index=index)
    assert code == 0, out
    # A running job's tag: made in the shared workspace, not pushed yet. A dry run's fetch --prune
    # would delete it; the dry run must wait for the lock instead.
    space = _workspace(world)
    git(space, 'tag', '-a', '-m', 'in progress', '1.0.0', world.project.commits[0])
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with lock(world.work / 'ledger.lock'):
            holding.set()
            release.wait(30)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert holding.wait(10)
        code, out = world('--dry-run', index=index)
        assert code == 2
        assert 'another release run holds' in capsys.readouterr().err
        assert git(space, 'tag', '--list', '1.0.0').strip() == '1.0.0'
    finally:
        release.set()
        thread.join()


def test_dry_run_waits_for_the_lock_with_wait(world: Run, index: Index, credentials: None) -> None:
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with lock(world.work / 'workspace.lock'):  # the workspace lock alone (a run with another ledger)
            holding.set()
            release.wait(1.0)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert holding.wait(10)
        code, out = world('--dry-run', '--wait', '30', index=index)
        assert code == 0, out
        assert not thread.is_alive()  # it ran only after the holder let go
    finally:
        release.set()
        thread.join()


# -- 3. tags are what they claim -------------------------------------------------------------------


def _push_tag(world: Run, *args: str) -> None:
    git(world.project.work, 'tag', *args, '1.0.0', world.project.commits[0])
    git(world.project.work, 'push', '-q', 'origin', 'refs/tags/1.0.0')


def test_lightweight_tag_at_the_commit_is_an_error(world: Run, index: Index, credentials: None,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    _push_tag(world)
    code, _ = world(index=index)
    assert code == 2
    assert 'tag 1.0.0 at ' in (err := capsys.readouterr().err) and 'is a lightweight tag' in err
    assert world.ledger() == {}
    assert index.files() == []


def test_unsigned_tag_with_a_signing_key_is_an_error(world: Run, index: Index, credentials: None, gpg_key: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    key = gpg_key
    _push_tag(world, '-a', '-m', 'widget 1.0.0')
    code, _ = world('--signing-key', key, index=index)
    assert code == 2
    assert f'is not signed, and signing key {key} is configured' in capsys.readouterr().err
    assert world.ledger() == {}
    assert index.files() == []


def test_tag_signed_by_another_key_is_an_error(world: Run, index: Index, credentials: None, gpg_key: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    key = gpg_key
    subprocess.run(['gpg', '--batch', '--passphrase', '', '--quick-gen-key', 'Someone Else <else@example.invalid>',
                    'ed25519', 'sign', 'never'], check=True, capture_output=True)
    _push_tag(world, '-s', '-u', 'else@example.invalid', '-m', 'widget 1.0.0')
    code, _ = world('--signing-key', key, index=index)
    assert code == 2
    assert f'has no good signature by {key}' in capsys.readouterr().err
    assert world.ledger() == {}


def test_own_signed_tag_counts_as_done(world: Run, gpg_key: str) -> None:
    code, out = world('--signing-key', gpg_key)
    assert code == 0, out
    assert ('passed', 'signing') in checks(out)
    # The same key named by its user id: the signature is matched by fingerprint.
    code, out = world('--signing-key', 'bot@example.invalid')
    assert code == 0, out
    assert ('already done', 'tag') in statuses(out)


def test_annotated_tag_at_the_commit_counts_as_done(world: Run, index: Index, credentials: None) -> None:
    _push_tag(world, '-a', '-m', 'widget 1.0.0')
    code, out = world(index=index)
    assert code == 0, out
    assert ('already done', 'tag') in statuses(out)


# -- 4. the approval gate --------------------------------------------------------------------------

TEAMS = 'teams:\n  demo:\n    ptl: alice\n    liaisons: [bob]\n'


def _with_teams(world: Run) -> None:
    (world.data.root / 'data' / 'teams.yaml').write_text(TEAMS)


def test_unapproved_request_is_not_tagged(world: Run, index: Index, credentials: None,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    _with_teams(world)
    code, _ = world('--approver', 'mallory', index=index)
    assert code == 2
    err = capsys.readouterr().err
    assert 'the request is not approved, nothing was done' in err
    assert 'deliverables/_independent/widget.yaml (team demo): needs the approval of one of alice, bob' in err
    nothing_public(world, index)


def test_approved_request_is_tagged(world: Run, index: Index, credentials: None, tmp_path: Path) -> None:
    teams = tmp_path / 'elsewhere.yaml'
    teams.write_text(TEAMS)
    code, out = world('--teams', str(teams), '--approver', 'bob', index=index)
    assert code == 0, out
    assert world.project.remote_tags() == {'1.0.0': world.project.commits[0]}
    assert 'meta:approver: bob' in git(world.project.bare, 'cat-file', '-p', '1.0.0')


def test_review_file_approves(world: Run, index: Index, credentials: None, tmp_path: Path) -> None:
    _with_teams(world)
    review = tmp_path / 'review.json'
    review.write_text('{"author": "carol", "approvers": ["alice"]}')
    code, out = world('--dry-run', '--review', str(review), index=index)
    assert code == 0, out
    assert ('planned', 'tag') in statuses(out)


# -- 5. credentials in URLs are never shown --------------------------------------------------------


def _url_with(index: Index, password: str) -> str:
    return index.url.replace('http://', f'http://{USER}:{password}@')


def _everything_written(world: Run, mailer: Mailer | None = None) -> str:
    # Everywhere under the test's directory, wherever the ledger and notes live.
    texts = [p.read_text(errors='replace') for p in world.top.rglob('*') if p.is_file()
             and p.suffix in ('.jsonl', '.json', '.rst', '.html', '.eml', '.txt', '.lock')]
    texts += [m.decode(errors='replace') for m in (mailer.messages if mailer else [])]
    return '\n'.join(texts)


def test_password_in_the_index_url_is_used_and_never_shown(world: Run, index: Index, mailer: Mailer,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, out = world('--index-url', _url_with(index, PASSWORD), mailer=mailer)
    err = capsys.readouterr().err
    assert code == 0, out + err
    assert index.files() == ['widget-1.0.0-py3-none-any.whl', 'widget-1.0.0.tar.gz']  # the credentials worked
    assert len(mailer.messages) == 1
    assert 'simple/widget/' in mailer.messages[0].decode()  # the mail links the index, without user-info
    written = _everything_written(world, mailer)
    assert any(world.top.rglob('*.jsonl')) and any(world.top.rglob('1.0.0.rst'))  # ledger and notes written
    for text in (out, err, written):
        assert PASSWORD not in text
        assert f'{USER}:' not in text


def test_password_in_a_failing_index_url_is_never_shown(world: Run, index: Index, mailer: Mailer,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    secret = 'Pa55-w0rd-in-url'
    code, out = world('--dry-run', '--index-url', _url_with(index, secret), mailer=mailer)
    assert code == 1 and ('failed', 'index') in checks(out)
    code, out2 = world('--index-url', _url_with(index, secret), mailer=mailer)
    assert code == 2
    index.stop()
    code, out3 = world('--index-url', _url_with(index, secret), mailer=mailer)
    assert code == 2
    err = capsys.readouterr().err
    assert 'cannot reach the index at http://127.0.0.1:' in err and '(403)' in err
    for text in (out, out2, out3, err, _everything_written(world, mailer)):
        assert secret not in text


def test_a_dead_simple_api_stops_before_the_tag(world: Run, index: Index, credentials: None,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    # The job reads --index-simple-url before it uploads: it was not checked, so the tag was pushed
    # and the publish step then failed ("cannot reach the index at .../simple/widget/").
    dead = socket.socket()
    dead.bind(('127.0.0.1', 0))
    port = dead.getsockname()[1]
    dead.close()
    simple = f'http://127.0.0.1:{port}/simple/'
    code, out = world('--index-simple-url', simple, index=index)
    err = capsys.readouterr().err
    assert code == 2, out + err
    assert checks(out) == [('passed', 'index'), ('failed', 'simple'), ('passed', 'push')]
    assert f'simple: cannot reach the simple API at {simple}' in err
    nothing_public(world, index)


def test_a_simple_api_that_answers_passes(world: Run, index: Index, credentials: None) -> None:
    code, out = world('--index-simple-url', index.url + 'simple/', index=index)
    assert code == 0, out
    assert ('passed', 'simple') in checks(out)
    assert index.files() == ['widget-1.0.0-py3-none-any.whl', 'widget-1.0.0.tar.gz']
