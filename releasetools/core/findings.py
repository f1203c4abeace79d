"""Findings: what a check reports, and the report of a whole validation run."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

__all__ = ['Finding', 'Report', 'Severity', 'Skipped']


class Severity(enum.StrEnum):
    """How bad a finding is: errors fail validation, warnings do not."""

    ERROR = 'error'
    WARNING = 'warning'

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found by one check, anchored to a file and line."""

    check: str
    severity: Severity
    file: str
    line: int
    message: str
    hint: str | None = None
    #: The entry the finding is about (``release 1.0.0``, ``branch stable/x``, a key; '' the file):
    #: what a baseline knows it by, since lines shift.
    entry: str = ''

    @property
    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.file, self.line, self.check, self.message)

    def to_dict(self) -> dict[str, Any]:
        return {
            'check': self.check,
            'severity': self.severity.value,
            'file': self.file,
            'line': self.line,
            'message': self.message,
            'hint': self.hint,
        }


@dataclass(frozen=True, slots=True)
class Skipped:
    """A check that could not run; it is reported, never counted as passed."""

    check: str
    repo: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {'check': self.check, 'repo': self.repo, 'reason': self.reason}


@dataclass
class Report:
    """Everything a validation run found, sorted for stable output."""

    findings: list[Finding] = field(default_factory=list)
    checked: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    #: Errors a baseline accepts (None: no baseline was used); they do not fail the run.
    accepted: list[Finding] | None = None
    #: The files checked (``checked`` counts them), for formats with an entry per file (JUnit).
    files: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    def sort(self) -> None:
        self.findings.sort(key=lambda f: f.sort_key)
        if self.accepted is not None:
            self.accepted.sort(key=lambda f: f.sort_key)
        # The same skip can be recorded by several deliverables sharing a repo.
        self.skipped = sorted(set(self.skipped), key=lambda s: (s.check, s.repo, s.reason))

    def to_dict(self) -> dict[str, Any]:
        out = {
            'findings': [f.to_dict() for f in self.findings],
            'checked': self.checked,
            'skipped': [s.to_dict() for s in self.skipped],
        }
        if self.accepted is not None:
            out['accepted'] = [{**f.to_dict(), 'entry': f.entry} for f in self.accepted]
        return out
