"""The words the release job reports in: step statuses, ``--check`` verdicts, mail-attempt outcomes.

Each is a ``str`` enum: its value is the very string the CLI prints, JSON and
the ledger store, so ledgers written before the enum existed read the same
(an entry's ``outcome`` of ``"unknown"`` equals :attr:`MailOutcome.UNKNOWN`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

__all__ = ['SUMMARY', 'CheckStatus', 'JobReport', 'MailOutcome', 'Status', 'StepResult']


class Status(enum.StrEnum):
    """What became of one step (or one preflight check) of a run."""

    DONE = 'done'
    ALREADY_DONE = 'already done'  # the ledger, or the world, says so: not done twice
    SKIPPED = 'skipped'  # nothing to do, with why
    PLANNED = 'planned'  # a dry run: what a real run would do
    FAILED = 'failed'
    PASSED = 'passed'  # a preflight check


#: The statuses the run's summary line counts, in its order.
SUMMARY = (Status.DONE, Status.ALREADY_DONE, Status.SKIPPED, Status.PLANNED, Status.FAILED)


class CheckStatus(enum.StrEnum):
    """``release --check``: one step's ledger record against the world."""

    IN_SYNC = 'in sync'
    DRIFT = 'drift'
    PENDING = 'pending'


class MailOutcome(enum.StrEnum):
    """What the ledger knows of an attempt to mail an announcement."""

    UNKNOWN = 'unknown'  # recorded before sending: the server may or may not have taken it
    NOT_SENT = 'not sent'  # the server refused it, or was never reached


@dataclass(frozen=True)
class StepResult:
    """One step: done now, already done before, skipped (with why), failed, or planned (dry run)."""

    key: str
    action: str
    label: str
    status: Status
    detail: str = ''


@dataclass
class JobReport:
    """Every step result of a run, in the order they happened."""

    results: list[StepResult] = field(default_factory=list)
    #: Units not run because a unit they wait for failed or is not done (release.run).
    skipped_units: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[StepResult]:
        return [r for r in self.results if r.status == Status.FAILED]

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status == status)
