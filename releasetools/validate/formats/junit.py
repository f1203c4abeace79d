"""``validate --format junit``: JUnit XML, for CI systems that show test reports.

One test case per file checked: each error is a ``<failure>`` (its rule as
the type, message and hint as the text), warnings go to ``<system-out>``.
A file with errors fails; a clean file, or one with warnings only, passes.
Skipped checks are a property of the suite (they are not per file).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from ...core.findings import Finding, Report, Severity

__all__ = ['render_junit']

SUITE = 'releasetools validate'


def _text(f: Finding) -> str:
    return f'{f.file}:{f.line}: {f.severity} [{f.check}] {f.message}' + (f'\n    hint: {f.hint}' if f.hint else '')


def _xml_safe(text: str) -> str:
    """XML 1.0 cannot hold most control characters, even escaped: they become U+FFFD."""
    return ''.join(c if c in '\t\n\r' or ord(c) >= 0x20 else '\ufffd' for c in text)


def render_junit(report: Report) -> str:
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        by_file[f.file].append(f)
    files = sorted(set(report.files) | set(by_file))
    failed = sum(1 for name in files if any(f.severity is Severity.ERROR for f in by_file[name]))
    suites = ET.Element('testsuites', name=SUITE, tests=str(len(files)), failures=str(failed), errors='0')
    suite = ET.SubElement(suites, 'testsuite', name=SUITE, tests=str(len(files)), failures=str(failed),
                          errors='0', skipped='0')
    props = ET.SubElement(suite, 'properties')
    ET.SubElement(props, 'property', name='skipped-checks', value=str(len(report.skipped)))
    if report.accepted is not None:
        ET.SubElement(props, 'property', name='accepted-by-baseline', value=str(len(report.accepted)))
    for name in files:
        case = ET.SubElement(suite, 'testcase', classname='releasetools.validate', name=_xml_safe(name))
        found = by_file[name]
        for f in found:
            if f.severity is Severity.ERROR:
                failure = ET.SubElement(case, 'failure', type=f.check, message=_xml_safe(f.message))
                failure.text = _xml_safe(_text(f))
        warnings = [_text(f) for f in found if f.severity is Severity.WARNING]
        if warnings:
            ET.SubElement(case, 'system-out').text = _xml_safe('\n'.join(warnings))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding='unicode') + '\n'
