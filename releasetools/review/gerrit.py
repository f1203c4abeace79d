"""``list-changes --format gerrit``: the reviewer's warnings as Gerrit robot comments.

Each warning of a release is a comment at the line of the release in its file
(the same ReviewInput as ``validate --format gerrit``); the message is the
overview: one line per release with its step and commit counts.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..validate.formats.gerrit import RobotComment, dumps, review_input
from .changes import ChangesReport, ReleaseReview

__all__ = ['render_gerrit']


def _comments(r: ReleaseReview) -> Iterator[RobotComment]:
    props = {'deliverable': r.deliverable, 'version': r.version}
    for warning in r.warnings:
        yield (r.file, r.line, f'WARNING: {warning}', True, props)
    for hint in r.hints:
        yield (r.file, r.line, f'hint: {hint}', False, props)


def _overview(r: ReleaseReview) -> str:
    counts = ', '.join(f'{p.repo}: ' + ('unavailable' if p.unavailable else
                                         'no previous release' if p.commits is None else
                                         f'{len(p.commits)} commit{"s" if len(p.commits) != 1 else ""}')
                       for p in r.repos)
    return (f'- {r.deliverable} {r.version} ({r.series}): {r.step} step from {r.previous_version or "nothing"}'
            + (f'; {counts}' if counts else '') + (f'; {len(r.warnings)} warnings' if r.warnings else ''))


def render_gerrit(report: ChangesReport, run_id: str) -> str:
    count = len(report.releases)
    lines = [f'releasetools list-changes: {count} new release{"s" if count != 1 else ""}']
    lines.extend(_overview(r) for r in report.releases)
    lines.extend(f'problem: {p}' for p in report.problems)
    comments = [c for r in report.releases for c in _comments(r)]
    return dumps(review_input(comments, '\n'.join(lines), run_id))
