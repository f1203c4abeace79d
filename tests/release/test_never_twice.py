"""Never twice: the ledger outside the workdir, the mail owed and attempted, a full disk.

Real components only: bare git remotes, pypiserver, aiosmtpd (one of its handlers
drops the connection after DATA, as a server that dies mid-answer does), and a
real tiny tmpfs for the ledger where a disk fills up.
"""

from __future__ import annotations

import email
import json
import re
from pathlib import Path

from tests.release.servers import Index, Mailer, _Collect
from tests.release.test_job import ALL_STEPS, Run, statuses
from tests.release.tinyfs import PAGE, fill, mounted


class _DropAfterData(_Collect):
    """Keeps the message, then hangs up instead of answering 250: the client cannot know it was queued."""

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append(envelope.content)  # type: ignore[attr-defined]
        server.transport.close()  # type: ignore[attr-defined]
        return '250 OK'


def _message_ids(mailer: Mailer) -> list[str]:
    return [email.message_from_bytes(m)['Message-ID'] for m in mailer.messages]


def test_rerun_with_a_fresh_workdir_mails_no_second_time(world: Run, index: Index, mailer: Mailer,
                                                         credentials: None) -> None:
    code, out = world(index=index, mailer=mailer)
    assert code == 0, out
    assert len(mailer.messages) == 1
    assert not (world.work / 'ledger.jsonl').exists()  # the ledger is not in the workdir
    world.work = world.top / 'fresh-work'
    code, out = world(index=index, mailer=mailer)
    assert code == 0, out
    assert ('already done', 'announce') in statuses(out)
    assert len(mailer.messages) == 1


def test_a_run_that_did_not_push_the_tag_owes_no_mail(world: Run, mailer: Mailer) -> None:
    # No index: a second build of the tag is not byte-identical yet (the build task's issue), and
    # the index rightly refuses another file under a published name.
    code, out = world(mailer=mailer)
    assert code == 0, out
    # Another machine, another ledger: the tag is there already, so this run did not push it.
    code, out = world('--ledger', str(world.top / 'elsewhere.jsonl'), mailer=mailer)
    assert code == 0, out
    assert ('already done', 'tag') in statuses(out)
    assert ('skipped', 'announce') in statuses(out)
    assert 'owes no mail' in out
    assert len(mailer.messages) == 1


def test_smtp_dropping_after_data_sends_exactly_once(world: Run, index: Index, credentials: None) -> None:
    dropping = Mailer(handler=_DropAfterData()).start()
    try:
        code, out = world(index=index, mailer=dropping)
        assert code == 1
        assert statuses(out)[-1] == ('failed', 'announce')
        assert 'may have been sent (Message-ID <release.' in out
        assert len(dropping.messages) == 1
        attempt = world.ledger()['widget/_independent/1.0.0/mail-attempt']
        assert attempt['outcome'] == 'unknown'
        assert attempt['message_id'] == _message_ids(dropping)[0]

        code, out = world('--check', index=index, mailer=dropping)
        assert code == 1
        assert 'the mail may have been sent (Message-ID <release.' in out

        code, out = world(index=index, mailer=dropping)  # a re-run does not resend blindly
        assert code == 1
        assert statuses(out)[-1] == ('failed', 'announce')
        assert f'may have been sent (Message-ID {attempt["message_id"]})' in out
        assert 'run again with --mail-outcome sent or not-sent' in out
        assert len(dropping.messages) == 1

        code, out = world('--mail-outcome', 'sent', index=index, mailer=dropping)
        assert code == 0, out
        assert statuses(out)[-1] == ('done', 'announce')
        assert len(dropping.messages) == 1
        code, out = world(index=index, mailer=dropping)
        assert code == 0 and statuses(out)[-1] == ('already done', 'announce')
        assert len(dropping.messages) == 1
    finally:
        dropping.stop()


def test_not_sent_resends_with_the_same_message_id(world: Run, index: Index, mailer: Mailer,
                                                   credentials: None) -> None:
    dropping = Mailer(handler=_DropAfterData()).start()
    try:
        code, _ = world(index=index, mailer=dropping)
        assert code == 1
    finally:
        dropping.stop()
    code, out = world('--mail-outcome', 'not-sent', index=index, mailer=mailer)
    assert code == 0, out
    assert _message_ids(mailer) == _message_ids(dropping)


def _pad_last_page(path: Path, free: int) -> None:
    """Append a blank line so that exactly ``free`` bytes remain in the ledger's last page."""
    size = path.stat().st_size + 2
    end = -(-(size + free) // PAGE) * PAGE
    with open(path, 'ab') as fh:
        fh.write(b' ' * (end - free - path.stat().st_size - 1) + b'\n')
    assert PAGE - path.stat().st_size % PAGE == free


def test_full_disk_after_the_mail_is_sent_never_mails_twice(world: Run, index: Index, credentials: None) -> None:
    with mounted(world.top / 'tiny') as tiny:
        ledger = tiny / 'ledger.jsonl'
        # Up (the preflight passes) but refusing the message with a code: the mail is known unsent.
        down = Mailer().start()
        down.handler.refuse = True
        code, out = world('--ledger', str(ledger), index=index, mailer=down)
        down.stop()
        down.handler.refuse = False
        assert code == 1 and statuses(out)[-1] == ('failed', 'announce'), out
        lines = ledger.read_text().splitlines()
        attempt = next(line for line in lines if '"outcome": "unknown"' in line)
        # Room for the next attempt record and a little more, not for the record that the mail went out.
        _pad_last_page(ledger, len(attempt) + 1 + 20)
        fill(tiny, spare_pages=1)  # one page for the lock file's "pid N"
        down.start()
        try:
            code, out = world('--ledger', str(ledger), index=index, mailer=down)
            assert code == 1, out
            assert statuses(out)[-1] == ('failed', 'announce')
            assert 'No space left on device' in out and str(ledger) in out
            assert 'release: ' in out and '7 done' not in out
            assert len(down.messages) == 1
            assert ledger.read_bytes().endswith(b'\n')  # no torn record
            records = [json.loads(line) for line in ledger.read_text().splitlines() if line.strip()]
            assert 'widget/_independent/1.0.0/announce' not in {r['key'] for r in records}

            (tiny / 'filler').unlink()
            code, out = world('--ledger', str(ledger), index=index, mailer=down)
            assert code == 1
            assert re.search(r'may have been sent \(Message-ID <release\.\w+@localhost>\)', out), out
            assert len(down.messages) == 1
        finally:
            down.stop()


def test_full_disk_at_the_first_record_stops_before_the_tag(world: Run, index: Index, mailer: Mailer,
                                                            credentials: None) -> None:
    with mounted(world.top / 'tiny') as tiny:
        ledger = tiny / 'ledger.jsonl'
        fill(tiny, spare_pages=1)
        code, out = world('--ledger', str(ledger), index=index, mailer=mailer)
        assert code == 1
        assert statuses(out) == [('failed', 'build')]
        assert f'{ledger}: cannot record' in out and 'No space left on device' in out
        assert world.project.remote_tags() == {}
        assert ledger.read_bytes() == b''
        (tiny / 'filler').unlink()
        code, out = world('--ledger', str(ledger), index=index, mailer=mailer)
        assert code == 0, out
        assert [(a, s) for s, a in statuses(out)] == ALL_STEPS
        assert len(mailer.messages) == 1


