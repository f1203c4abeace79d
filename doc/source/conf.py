"""Sphinx configuration of the releasetools user documentation."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, os.path.abspath('../..'))

project = 'releasetools'
author = 'releasetools developers'
copyright = '2026, releasetools developers'
extensions: list[str] = []
exclude_patterns: list[str] = []
html_theme = 'alabaster'
# Never render the whole tree in every page's sidebar (quadratic builds).
html_sidebars = {'**': []}
html_static_path: list[str] = []


def _write_rules_reference(app: object) -> None:
    """Generate rules.rst from the rules' own docstrings, so it cannot drift."""
    from releasetools.rules import all_rules
    from releasetools.rules.examples import EXAMPLES

    lines = ['=================', 'Rules reference', '=================', '',
             'Every check of ``releasetools validate``, generated from the checks themselves.',
             'Run ``releasetools rules --explain`` for the same text in a terminal.', '']
    family = None
    for rule in all_rules():
        if rule.family != family:
            family = rule.family
            lines += [family.capitalize(), '=' * len(family), '']
        title = f'{rule.id}: {rule.title}'
        lines += [title, '-' * len(title), '']
        needs = ' Needs a base revision (not run with ``--all``).' if rule.needs_base else ''
        lines += [f'*Severity:* {rule.severity}.{needs}', '']
        lines += ['*Implemented in:* ``{}``, ``{}()``.'.format(*rule.location), '']
        if rule.doc:
            lines += [rule.doc, '']
        example = EXAMPLES.get(rule.id)
        if example is not None and example.text:
            base = ' (the request changes it from the state before)' if example.base else ''
            lines += [f'A failing example, ``{example.path}``{base}:', '', '.. code-block:: yaml', '']
            lines += [f'   {line}' if line else '' for line in example.text.splitlines()] + ['']
            for path, text in example.others.items():
                lines += [f'with ``{path}``:', '', '.. code-block:: yaml', '']
                lines += [f'   {line}' if line else '' for line in text.splitlines()] + ['']
        elif example is not None and example.note:
            lines += [f'A failing example: {example.note}.', '']
    text = '\n'.join(lines)
    target = Path(__file__).with_name('rules.rst')
    if not target.exists() or target.read_text() != text:
        target.write_text(text)


def setup(app: object) -> None:
    app.connect('builder-inited', _write_rules_reference)  # type: ignore[attr-defined]
