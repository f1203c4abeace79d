"""The validation baseline: findings a data repository accepted when it adopted releasetools.

Years of merged history hold findings nobody can fix (released entries are
immutable). A committed baseline lists them, so that ``validate --all`` can
pass on that history while every new finding still fails.

A finding is known by its *fingerprint*: the check id, the file, the entry it
is about (``release 2015.1.0``, ``branch stable/kilo``, a top-level key, or
the whole file) and the message. Line numbers are left out on purpose: they
shift whenever an entry is added above, and the baseline must not go stale
because a file grew.
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..core.errors import UsageError
from ..core.findings import Finding, Report, Severity
from ..core.model import Deliverable
from . import atomic
from .yamlio import YamlProblem, YList, YMap, parse_yaml

__all__ = ['BASELINE_PATH', 'STALE_CHECK', 'Baseline', 'Fingerprint', 'apply', 'dump', 'entry_of', 'fingerprint',
           'parse', 'read', 'write']

#: Where a data repository keeps its baseline, relative to its top.
BASELINE_PATH = 'data/validate-baseline.yaml'

#: The check id of a baseline entry that matches no finding any more.
STALE_CHECK = 'RT110'

HEADER = """\
# Findings this data repository accepted when it adopted releasetools.
#
# `releasetools validate` reports a finding listed here as "accepted": it is
# counted, listed under "accepted" in --format json, and does not fail the
# run. Any other finding still fails. An entry that matches nothing any more
# is reported (RT110) so that the list only shrinks; delete such entries.
#
# Written by: {command}
# Review changes to this file like changes to the rules: an entry added here
# silences a check. An entry is known by check, file, entry (the release,
# branch or key it is about) and message; never by line, which shifts.
"""


@dataclass(frozen=True, order=True, slots=True)
class Fingerprint:
    """What identifies a finding across edits of its file."""

    file: str
    check: str
    entry: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {'check': self.check, 'file': self.file, 'entry': self.entry, 'message': self.message}


@dataclass(frozen=True)
class Baseline:
    """The accepted fingerprints, each with the line of its entry in the baseline file."""

    path: str
    entries: dict[Fingerprint, int]


def _entry_starts(deliverable: Deliverable) -> tuple[list[int], list[str]]:
    """Start lines of the file's entries, sorted, and the label of each."""
    starts: list[tuple[int, str]] = []
    raw = deliverable.raw
    if isinstance(raw, YMap):
        starts.extend((line, str(key)) for key, line in raw.key_lines.items())
    for r in deliverable.releases:
        starts.append((r.line, f'release {r.version}' if r.version else f'release #{r.index + 1}'))
    for b in deliverable.branches:
        starts.append((b.line, f'branch {b.name}' if b.name else f'branch #{b.index + 1}'))
    starts.sort()
    return [line for line, _ in starts], [label for _, label in starts]


def entry_of(deliverable: Deliverable | None, line: int, cache: dict[str, Any] | None = None) -> str:
    """The entry of ``deliverable`` that ``line`` is in ('' for the file as a whole).

    Entries are releases, branches and the other top-level keys; a line
    belongs to the last entry starting at or before it.
    """
    if deliverable is None or line <= 1:
        return ''
    index: tuple[list[int], list[str]] | None = cache.get('entries') if cache is not None else None
    if index is None:
        index = _entry_starts(deliverable)
        if cache is not None:
            cache['entries'] = index
    lines, labels = index
    at = bisect.bisect_right(lines, line) - 1
    return labels[at] if at >= 0 else ''


#: A line number quoted in a message ("first at line 12") shifts like the finding's own line.
_LINE_IN_MESSAGE = re.compile(r'\bline \d+')


def fingerprint(finding: Finding) -> Fingerprint:
    """What a baseline knows ``finding`` by: no line number, not even one quoted in its message."""
    # A file name that is not UTF-8 is kept by its escaped bytes: YAML can hold that, not a lone surrogate.
    file = os.fsencode(finding.file).decode('utf-8', 'backslashreplace')
    return Fingerprint(file, finding.check, finding.entry, _LINE_IN_MESSAGE.sub('line N', finding.message))


#: The command that writes the baseline, as the header names it by default.
WRITE_COMMAND = 'releasetools validate --all --write-baseline data/validate-baseline.yaml'


def dump(findings: Iterable[Finding], command: str = WRITE_COMMAND) -> str:
    """The baseline file accepting the errors among ``findings``: sorted, one entry each, stable.

    ``command`` is how it was written (the header says so, for whoever writes it again).
    """
    prints = sorted({fingerprint(f) for f in findings if f.severity is Severity.ERROR})
    body = yaml.dump({'accepted': [p.to_dict() for p in prints]}, Dumper=getattr(yaml, 'CSafeDumper', yaml.SafeDumper),
                     default_flow_style=False, sort_keys=False, allow_unicode=True, width=10_000)
    return HEADER.format(command=command) + body


def parse(content: bytes, path: str) -> Baseline:
    """Read a baseline file; a malformed one is a usage error naming the line."""
    try:
        data = parse_yaml(content)
    except YamlProblem as problem:
        raise UsageError(f'{path}:{problem.line}: the baseline is not readable YAML: {problem.message}',
                         'rewrite it with validate --all --write-baseline') from None
    if data is None:
        return Baseline(path, {})
    items = data.get('accepted') if isinstance(data, YMap) else None
    if not isinstance(items, YList) or set(data) - {'accepted'}:
        raise UsageError(f'{path}:1: a baseline is a mapping with one key, "accepted", a list of findings',
                         'rewrite it with validate --all --write-baseline')
    entries: dict[Fingerprint, int] = {}
    for item, line in zip(items, items.item_lines, strict=True):
        keys = ('check', 'file', 'entry', 'message')
        if not isinstance(item, YMap) or set(item) != set(keys) or not all(isinstance(item[k], str) for k in keys):
            raise UsageError(f'{path}:{line}: a baseline entry has exactly the strings check, file, entry and '
                             'message', 'rewrite it with validate --all --write-baseline')
        entries.setdefault(Fingerprint(item['file'], item['check'], item['entry'], item['message']), line)
    return Baseline(path, entries)


def apply(report: Report, baseline: Baseline, checked_files: Sequence[str] | None) -> None:
    """Move the errors the baseline accepts to ``report.accepted``; report stale entries as RT110.

    ``checked_files`` are the files this run checked entirely (None: every
    file of the repository); an entry about another file cannot be judged
    stale by this run.
    """
    kept: list[Finding] = []
    accepted: list[Finding] = []
    matched: set[Fingerprint] = set()
    for f in report.findings:
        fp = fingerprint(f)
        if f.severity is Severity.ERROR and fp in baseline.entries:
            accepted.append(f)
            matched.add(fp)
        else:
            kept.append(f)
    in_scope = None if checked_files is None else set(checked_files)
    for fp, line in sorted(baseline.entries.items(), key=lambda item: item[1]):
        if fp in matched or (in_scope is not None and fp.file not in in_scope):
            continue
        where = f' ({fp.entry})' if fp.entry else ''
        kept.append(Finding(STALE_CHECK, Severity.WARNING, baseline.path, line,
                            f'accepted {fp.check} finding of {fp.file}{where} no longer occurs: {fp.message}',
                            'delete this entry from the baseline'))
    report.findings = kept
    report.accepted = accepted
    report.sort()


def read(root: Path, explicit: Path | None) -> Baseline | None:
    """The baseline of a working tree: ``explicit``, else the repository's own if it has one."""
    path = explicit if explicit is not None else root / BASELINE_PATH
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        if explicit is not None:
            raise UsageError(f'no such baseline: {explicit}', 'write one with validate --all --write-baseline') \
                from None
        return None
    except OSError as exc:
        raise UsageError(f'cannot read the baseline {path}: {exc.strerror}') from None
    return parse(content, str(explicit) if explicit is not None else BASELINE_PATH)


def write(path: Path, text: str) -> None:
    """Write a baseline atomically (a reader sees the old file or the new one; a link stays a link)."""
    try:
        atomic.write_text(path, text)
    except OSError as exc:
        raise UsageError(f'cannot write the baseline {path}: {exc.strerror}') from None
