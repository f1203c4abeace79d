"""``list-changes --format markdown``: the reviewer's report as a pull-request comment.

Per release: its warnings first, then the step, per repository the commits
(folded), the notes preview and the changed requirements. Everything that
comes from the data or the repositories (subjects, authors, notes, warnings)
goes through :mod:`releasetools.core.markdown`: it shows as text, never as
HTML, a link, a heading or a mention. The ``<details>`` folds are ours.
"""

from __future__ import annotations

from ..core.markdown import md_block, md_code, md_text
from ..notes.render import plain_notes
from .changes import ChangesReport, ReleaseReview, RepoReview

__all__ = ['render_markdown']

#: Commits listed per repository (JSON lists every one).
COMMITS_SHOWN = 30
#: Lines of the notes preview per repository.
PREVIEW_LINES = 60


def _fold(summary: str, body: list[str]) -> list[str]:
    # An HTML block ends at a blank line only: the blank lines around the body keep it Markdown.
    return ['<details>', f'<summary>{summary}</summary>', '', *body, '', '</details>', '']


def _commits(r: RepoReview) -> list[str]:
    if r.commits is None:
        return ['- commits: no previous release to compare with']
    n = len(r.commits)
    head = f'- commits: {n} since the previous release (merges left out)'
    if not n:
        return [head]
    body = [f'- {md_code(c.sha[:12])} {md_text(c.subject)} ({md_text(c.author)})' for c in r.commits[:COMMITS_SHOWN]]
    if n > COMMITS_SHOWN:
        body.append(f'- ... {n - COMMITS_SHOWN} more (--format json lists every one)')
    return [head, '', *_fold(f'{n} commit{"s" if n != 1 else ""}', body)]


def _notes(r: RepoReview) -> list[str]:
    if r.notes is None:
        return []
    n = len(r.notes.files)
    implied = r.notes.implied_step
    by = f' ({md_text(", ".join(r.notes.implied_by))})' if r.notes.implied_by else ''
    out = [f'- release notes: {n} note{"s" if n != 1 else ""}, calling for '
           + (f'a **{implied}** step{by}' if implied != 'none' else 'no step')]
    out.extend(f'  - problem: {md_text(p)}' for p in r.notes.problems)
    preview = plain_notes(r.notes.preview).splitlines()
    if preview:
        shown = preview[:PREVIEW_LINES]
        if len(preview) > PREVIEW_LINES:
            shown.append(f'... {len(preview) - PREVIEW_LINES} more lines (--format json has the whole preview)')
        out.extend(['', *_fold('notes preview', [md_block('\n'.join(shown))])])
    return out


def _requirements(r: RepoReview) -> list[str]:
    if not r.requirements:
        return []
    out = ['- requirements changed:']
    for q in r.requirements:
        change = (f'added {q.new}' if q.old is None else f'removed {q.old}' if q.new is None
                  else f'{q.old or "(any)"} → {q.new or "(any)"}')
        out.append(f'  - {md_code(q.name)}: {md_text(change)}')
    return out


def _repo(r: RepoReview) -> list[str]:
    prev = f' (previous {md_code(r.previous_hash[:12])})' if r.previous_hash else ''
    out = [f'#### {md_text(r.repo)} @ {md_code(r.hash[:12])}{prev}', '']
    if r.unavailable:
        return [*out, f'- unavailable: {md_text(r.unavailable)}']
    heads = f'yes ({md_text(", ".join(r.branch_head_of))})' if r.branch_head_of else 'no'
    out.append(f'- branch head: {heads}; on branches: {md_text(", ".join(r.branches)) or "none"}')
    out.extend(_commits(r))
    out.extend(_notes(r))
    out.extend(_requirements(r))
    if r.api is not None:
        if r.api.status == 'skipped':
            out.append(f'- public API: not compared: {md_text(r.api.reason or "")}')
        elif not r.api.breakages:
            out.append('- public API: no incompatible change')
        else:
            out.append(f'- public API: **{len(r.api.breakages)} incompatible change'
                       f'{"s" if len(r.api.breakages) != 1 else ""}**')
            out.extend(f'  - {md_text(b)}' for b in r.api.breakages[:COMMITS_SHOWN])
    return out


def _release(r: ReleaseReview) -> list[str]:
    out = [f'### {md_text(r.deliverable)} {md_text(r.version)} ({md_text(r.series)})', '']
    if r.warnings:
        out.extend(f'> **Warning:** {md_text(w)}  ' for w in r.warnings)
        out.append('')
    out.append(f'**Step:** {md_text(r.step)} from {md_text(r.previous_version or "nothing (first release)")} · '
               f'file {md_code(r.file)}')
    out.append('')
    facts = (f'team {md_text(r.team or "-")} · type {md_text(r.type or "-")} · model {md_text(r.model or "-")} · '
             f'release-type {md_text(r.release_type)}')
    out.extend([facts, ''])
    for repo in r.repos:
        out.extend([*_repo(repo), ''])
    out.extend(f'- hint: {md_text(h)}' for h in r.hints)
    return out


def render_markdown(report: ChangesReport) -> str:
    count = len(report.releases)
    warnings = sum(len(r.warnings) for r in report.releases)
    out = [f'## releasetools list-changes: {count} new release{"s" if count != 1 else ""}, '
           f'{warnings} warning{"s" if warnings != 1 else ""}', '']
    out.extend(f'- **problem:** {md_text(p)}' for p in report.problems)
    if report.problems:
        out.append('')
    # The releases with warnings first: they are what the reviewer must read.
    for r in sorted(report.releases, key=lambda r: not r.warnings):
        out.extend(_release(r))
        out.append('')
    return '\n'.join(out).rstrip('\n') + '\n'
