"""``list-changes`` output as strings: text (one screen per release) and JSON. The CLI prints them."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from ..notes.render import plain_notes
from .changes import ApiResult, ChangesReport, Commit, NotesPreview, ReleaseReview, RepoReview, RequirementChange
from .json_shape import JSON_SCHEMA

__all__ = ['JSON_SCHEMA', 'render_json', 'render_text', 'to_dict']

#: Commits listed per repository in text output (JSON lists every one).
SHORTLOG_SHOWN = 30
#: Lines of the notes preview shown per repository in text output.
PREVIEW_LINES = 60




def _repo_dict(r: RepoReview) -> dict[str, Any]:
    notes = None
    if r.notes is not None:
        notes = {'files': list(r.notes.files), 'sections': {k: list(v) for k, v in r.notes.sections.items()},
                 'preview': r.notes.preview, 'implied_step': r.notes.implied_step,
                 'implied_by': list(r.notes.implied_by), 'problems': list(r.notes.problems)}
    return {
        'repo': r.repo, 'hash': r.hash, 'previous_hash': r.previous_hash, 'unavailable': r.unavailable,
        'commit_count': None if r.commits is None else len(r.commits),
        'commits': [{'sha': c.sha, 'author': c.author, 'subject': c.subject} for c in r.commits or ()],
        'branch_head_of': list(r.branch_head_of), 'branches': list(r.branches), 'notes': notes,
        'requirements': [{'name': q.name, 'old': q.old, 'new': q.new} for q in r.requirements],
        'api': None if r.api is None else {'status': r.api.status, 'reason': r.api.reason,
                                           'breakages': list(r.api.breakages)},
        'warnings': list(r.warnings),
    }


def to_dict(report: ChangesReport) -> dict[str, Any]:
    return {
        'date': report.date,
        'problems': list(report.problems),
        'releases': [{
            'file': r.file, 'deliverable': r.deliverable, 'series': r.series, 'team': r.team, 'type': r.type,
            'model': r.model, 'release_type': r.release_type, 'version': r.version,
            'previous_version': r.previous_version, 'step': r.step, 'warnings': list(r.warnings),
            'hints': list(r.hints), 'repos': [_repo_dict(p) for p in r.repos],
        } for r in report.releases],
    }


def render_json(report: ChangesReport) -> str:
    return json.dumps(to_dict(report), indent=2) + '\n'


def _shortlog(commits: tuple[Commit, ...]) -> list[str]:
    """``git shortlog`` style: authors by number of commits, their subjects oldest first."""
    by_author: dict[str, list[str]] = defaultdict(list)
    for c in reversed(commits):  # git log lists newest first
        by_author[c.author].append(c.subject)
    lines: list[str] = []
    shown = 0
    for author, subjects in sorted(by_author.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        lines.append(f'      {author} ({len(subjects)}):')
        for subject in subjects:
            if shown == SHORTLOG_SHOWN:
                lines.append(f'        ... {len(commits) - shown} more (--format json lists every one)')
                return lines
            lines.append(f'        {subject}')
            shown += 1
    return lines


def _repo_text(r: RepoReview) -> list[str]:
    out = [f'  {r.repo} @ {r.hash[:12]}' + (f' (previous {r.previous_hash[:12]})' if r.previous_hash else '')]
    if r.unavailable:
        out.append(f'    unavailable: {r.unavailable}')
        return out
    heads = f'yes ({", ".join(r.branch_head_of)})' if r.branch_head_of else 'no'
    out.append(f'    branch head: {heads}; on branches: {", ".join(r.branches) or "none"}')
    if r.commits is None:
        out.append('    commits: no previous release to compare with')
    else:
        out.append(f'    commits: {len(r.commits)} since the previous release (merges left out)')
        out.extend(_shortlog(r.commits))
    if r.notes is not None:
        out.extend(_notes_text(r.notes))
    if r.requirements:
        out.extend(_requirements_text(r.requirements))
    if r.api is not None:
        out.extend(_api_text(r.api))
    return out


def _notes_text(notes: NotesPreview) -> list[str]:
    out: list[str] = []
    implied = notes.implied_step
    by = f' ({", ".join(notes.implied_by)})' if notes.implied_by else ''
    out.append(f'    release notes: {len(notes.files)} note{"s" if len(notes.files) != 1 else ""}, '
               f'calling for a {implied} step{by}' if implied != 'none' else
               f'    release notes: {len(notes.files)} note{"s" if len(notes.files) != 1 else ""}, '
               'calling for no step')
    out.extend(f'      problem: {p}' for p in notes.problems)
    preview = plain_notes(notes.preview).splitlines()
    for line in preview[:PREVIEW_LINES]:
        out.append(f'      | {line}'.rstrip())
    if len(preview) > PREVIEW_LINES:
        out.append(f'      | ... {len(preview) - PREVIEW_LINES} more lines (--format json has the whole preview)')
    return out


def _requirements_text(requirements: Sequence[RequirementChange]) -> list[str]:
    out: list[str] = []
    out.append('    requirements changed:')
    for q in requirements:
        if q.old is None:
            out.append(f'      + {q.name}{q.new}')
        elif q.new is None:
            out.append(f'      - {q.name}{q.old}')
        else:
            out.append(f'      ~ {q.name}: {q.old or "(any)"} -> {q.new or "(any)"}')
    return out


def _api_text(api: ApiResult) -> list[str]:
    out: list[str] = []
    if api.status == 'skipped':
        out.append(f'    public API: not compared: {api.reason}')
    elif not api.breakages:
        out.append('    public API: no incompatible change')
    else:
        out.append(f'    public API: {len(api.breakages)} incompatible change'
                   f'{"s" if len(api.breakages) != 1 else ""}:')
        out.extend(f'      {b}' for b in api.breakages[:SHORTLOG_SHOWN])
    return out


def _release_text(r: ReleaseReview) -> list[str]:
    title = f'{r.deliverable} {r.version} ({r.series})'
    out = [title, '=' * len(title), f'file: {r.file}',
           f'team: {r.team or "-"}   type: {r.type or "-"}   model: {r.model or "-"}   release-type: {r.release_type}',
           f'previous: {r.previous_version or "none"}   step: {r.step}']
    for repo in r.repos:
        out.extend(_repo_text(repo))
    out.extend(f'hint: {h}' for h in r.hints)
    out.extend(f'WARNING: {w}' for w in r.warnings)
    return out


def render_text(report: ChangesReport) -> str:
    blocks = ['\n'.join(_release_text(r)) for r in report.releases]
    lines = ['\n\n'.join(blocks)] if blocks else []
    lines.extend(f'problem: {p}' for p in report.problems)
    warnings = sum(len(r.warnings) for r in report.releases)
    count = len(report.releases)
    lines.append(f'{count} new release{"s" if count != 1 else ""}, {warnings} warning{"s" if warnings != 1 else ""}')
    return '\n'.join(lines) + '\n'
