"""The job's status words are str enums whose values are the strings the CLI prints and the ledger stores."""

from __future__ import annotations

import json
from pathlib import Path

from releasetools.release.ledger import Ledger
from releasetools.release.status import SUMMARY, CheckStatus, JobReport, MailOutcome, Status, StepResult


def test_the_values_are_the_strings_of_the_output_and_the_ledger() -> None:
    assert [s.value for s in Status] == ['done', 'already done', 'skipped', 'planned', 'failed', 'passed']
    assert [s.value for s in CheckStatus] == ['in sync', 'drift', 'pending']
    assert [s.value for s in MailOutcome] == ['unknown', 'not sent']
    assert [str(s) for s in SUMMARY] == ['done', 'already done', 'skipped', 'planned', 'failed']
    assert f'{Status.ALREADY_DONE:<13}|' == 'already done |'  # the CLI's column


def test_a_ledger_written_before_the_enums_reads_the_same(tmp_path: Path) -> None:
    path = tmp_path / 'ledger.jsonl'
    old = '{"action": "mail-attempt", "at": "2026-01-01T00:00:00Z", "key": "d/s/1.0.0/mail-attempt", ' \
          '"message_id": "<m@x>", "outcome": "unknown"}\n'
    path.write_text(old)
    entry = Ledger(path).get('d/s/1.0.0/mail-attempt')
    assert entry is not None and entry['outcome'] == MailOutcome.UNKNOWN
    Ledger(path).record('d/s/1.0.0/mail-attempt', action='mail-attempt', outcome=MailOutcome.NOT_SENT,
                        message_id='<m@x>')
    last = json.loads(path.read_text().splitlines()[-1])
    assert last['outcome'] == 'not sent' and '"outcome": "not sent"' in path.read_text()


def test_the_report_counts_by_status() -> None:
    report = JobReport([StepResult('k1', 'tag', 'd 1', Status.DONE), StepResult('k2', 'build', 'd 1', Status.FAILED),
                        StepResult('k3', 'tag', 'd 2', Status.DONE)])
    assert (report.count(Status.DONE), report.count(Status.SKIPPED)) == (2, 0)
    assert [r.key for r in report.failed] == ['k2']
