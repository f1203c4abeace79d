"""``validate --format github``: GitHub Actions workflow commands, and the job's step summary.

One ``::error`` or ``::warning`` command per finding annotates the file and
line in the pull request. Every piece of text is escaped as the Actions
runner reads it back (``%``, CR and LF in the message; also ``:`` and ``,``
in a property), so text from a data file cannot end the command early or
start a second one (``::add-mask::``, ``::stop-commands::``...).
"""

from __future__ import annotations

from collections import Counter

from ...core.findings import Finding, Report, Severity
from ...core.markdown import md_code, md_text

__all__ = ['escape_data', 'escape_property', 'render_github', 'render_github_summary']

#: Findings listed in the step summary (the annotations carry every one).
SUMMARY_SHOWN = 50


def escape_data(text: str) -> str:
    """A command's message, as the runner unescapes it (toolkit ``escapeData``)."""
    return text.replace('%', '%25').replace('\r', '%0D').replace('\n', '%0A')


def escape_property(text: str) -> str:
    """A command's property value (toolkit ``escapeProperty``): also ``:`` and ``,``."""
    return escape_data(text).replace(':', '%3A').replace(',', '%2C')


def annotation(f: Finding) -> str:
    """The workflow command of one finding (the hint on a line of its own)."""
    props = [f'file={escape_property(f.file)}']
    if f.line > 0:
        props.append(f'line={f.line}')
    props.append(f'title={escape_property(f.check)}')
    message = f.message + (f'\nhint: {f.hint}' if f.hint else '')
    command = 'error' if f.severity is Severity.ERROR else 'warning'
    return f'::{command} {",".join(props)}::{escape_data(message)}'


def render_github(report: Report) -> str:
    """One command per finding, a notice for the skipped checks, and the summary line."""
    lines = [annotation(f) for f in report.findings]
    if report.skipped:
        checks, repos = len(report.skipped), len({s.repo for s in report.skipped})
        lines.append(escape_notice(f'{checks} check{"s" if checks != 1 else ""} skipped in {repos} '
                                   f'repositor{"ies" if repos != 1 else "y"} (--format json lists them)'))
    lines.append(_summary_line(report))
    return '\n'.join(lines) + '\n'


def escape_notice(text: str) -> str:
    return f'::notice title=releasetools::{escape_data(text)}'


def _summary_line(report: Report) -> str:
    errors, warnings = len(report.errors), len(report.warnings)
    accepted = f', {len(report.accepted)} accepted by the baseline' if report.accepted is not None else ''
    return (f'checked {report.checked} file{"s" if report.checked != 1 else ""}: {errors} error'
            f'{"s" if errors != 1 else ""}, {warnings} warning{"s" if warnings != 1 else ""}, '
            f'{len(report.skipped)} check{"s" if len(report.skipped) != 1 else ""} skipped{accepted}')


def render_github_summary(report: Report) -> str:
    """A short Markdown summary for ``$GITHUB_STEP_SUMMARY``: the counts, then the findings."""
    verdict = 'failed' if report.errors else 'passed'
    out = [f'### releasetools validate: {verdict}', '', md_text(_summary_line(report)), '']
    by_rule = Counter(f.check for f in report.findings)
    if by_rule:
        out.append('| rule | findings |')
        out.append('| --- | --- |')
        out.extend(f'| {md_text(rule)} | {n} |' for rule, n in sorted(by_rule.items()))
        out.append('')
    for f in report.findings[:SUMMARY_SHOWN]:
        where = md_code(f'{f.file}:{f.line}')
        out.append(f'- **{f.severity}** {md_text(f.check)} {where}: {md_text(f.message)}')
        if f.hint:
            out.append(f'  hint: {md_text(f.hint)}')
    if len(report.findings) > SUMMARY_SHOWN:
        out.append(f'- ... and {len(report.findings) - SUMMARY_SHOWN} more (see the annotations)')
    return '\n'.join(out) + '\n'
