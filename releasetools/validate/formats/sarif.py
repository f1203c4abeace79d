"""``validate --format sarif``: the report as a SARIF 2.1.0 log, for code-scanning UIs.

Every rule appears once in ``tool.driver.rules`` (id, name, title, help text
from its docstring, default level); every finding is a ``result`` pointing at
its rule, with the file and line (``region.startLine``). Errors a baseline
accepts are results too, marked suppressed (``external``): a code-scanning UI
shows them as dismissed rather than forgetting them.

Skipped checks are not results (nothing was found wrong) but must not look
passed either: they are the tool's own notifications,
``invocations[0].toolExecutionNotifications``, one per repository and reason.

There is no ``helpUri``: the rules' documentation is ``releasetools rules``
and the docstrings carried here, and no published page has an anchor per rule.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ... import __version__
from ...core.findings import Finding, Report, Severity, Skipped
from ...data.baseline import BASELINE_PATH
from ...rules import RULES, Rule

__all__ = ['SARIF_SCHEMA', 'SARIF_VERSION', 'render_sarif', 'sarif_log']

SARIF_VERSION = '2.1.0'
SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json'
#: Where the files of a result are: the data repository checked (``--root``).
SRCROOT = '%SRCROOT%'


def _level(severity: Severity) -> str:
    return 'error' if severity is Severity.ERROR else 'warning'


def _descriptor(rule_id: str, rule: Rule | None) -> dict[str, Any]:
    if rule is None:  # a finding of a check the table does not know: still described, once
        return {'id': rule_id, 'shortDescription': {'text': rule_id}}
    help_text = rule.doc or rule.title
    return {
        'id': rule.id,
        'name': rule.location[1],
        'shortDescription': {'text': rule.title or rule.id},
        'fullDescription': {'text': help_text or rule.id},
        'help': {'text': help_text or rule.id},
        'defaultConfiguration': {'level': _level(rule.severity)},
        'properties': {'tags': [rule.family], 'needsBase': rule.needs_base},
    }


def _result(f: Finding, index: int, suppressed: bool) -> dict[str, Any]:
    text = f.message + (f'\nhint: {f.hint}' if f.hint else '')
    location: dict[str, Any] = {'artifactLocation': {'uri': f.file, 'uriBaseId': SRCROOT}}
    location['region'] = {'startLine': max(f.line, 1)}
    out: dict[str, Any] = {
        'ruleId': f.check,
        'ruleIndex': index,
        'level': _level(f.severity),
        'message': {'text': text},
        'locations': [{'physicalLocation': location}],
        # Lines shift as files grow: the entry (release 1.0.0, branch stable/x) identifies a finding.
        'partialFingerprints': {'releasetoolsEntry/v1': f'{f.check}:{f.file}:{f.entry}'},
    }
    if suppressed:
        out['suppressions'] = [{'kind': 'external', 'status': 'accepted',
                                'justification': f'listed in the baseline ({BASELINE_PATH})'}]
    return out


def _notifications(skipped: Iterable[Skipped]) -> list[dict[str, Any]]:
    grouped: dict[tuple[str, str], list[str]] = {}
    for s in skipped:
        grouped.setdefault((s.repo, s.reason), []).append(s.check)
    return [{'level': 'note',
             'message': {'text': f'checks {",".join(sorted(set(checks)))} skipped'
                                 + (f' for {repo}' if repo else '') + f': {reason}'},
             'descriptor': {'id': 'skipped'}}
            for (repo, reason), checks in grouped.items()]


def sarif_log(report: Report) -> dict[str, Any]:
    """The SARIF log of ``report`` (a JSON-ready dict)."""
    accepted = report.accepted or []
    ids = list(RULES) + sorted({f.check for f in [*report.findings, *accepted]} - set(RULES))
    index = {rule_id: n for n, rule_id in enumerate(ids)}
    results = [_result(f, index[f.check], False) for f in report.findings]
    results += [_result(f, index[f.check], True) for f in accepted]
    run = {
        'tool': {'driver': {'name': 'releasetools', 'version': __version__,
                            'rules': [_descriptor(i, RULES.get(i)) for i in ids]}},
        'originalUriBaseIds': {SRCROOT: {'description': {'text': 'the data repository checked (--root)'}}},
        'invocations': [{'executionSuccessful': True,
                         'toolExecutionNotifications': _notifications(report.skipped)}],
        'results': results,
        'properties': {'checkedFiles': report.checked},
    }
    return {'$schema': SARIF_SCHEMA, 'version': SARIF_VERSION, 'runs': [run]}


def render_sarif(report: Report) -> str:
    return json.dumps(sarif_log(report), indent=2) + '\n'
