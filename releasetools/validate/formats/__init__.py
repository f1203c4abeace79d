"""Renderers of a validation :class:`~releasetools.core.findings.Report` for the places reviewers look.

Each is pure (a report in, text out); the CLI prints the text, and writes the
GitHub step summary. ``text`` and ``json`` stay in :mod:`releasetools.cli.validate`.
"""

from __future__ import annotations

from .gerrit import render_gerrit
from .github import render_github, render_github_summary
from .junit import render_junit
from .sarif import render_sarif, sarif_log

__all__ = ['render_gerrit', 'render_github', 'render_github_summary', 'render_junit', 'render_sarif',
           'sarif_log']
