"""Reading what one release range changed in one repository: a few git processes, cached.

Per range ``previous..hash``: one ``git log --no-merges`` (the commits), one
``git diff-tree`` (the note files, see ``notes``), one ``cat-file --batch`` for
note texts not in the cache, and for libraries two ``git archive`` (the API).
Ranges name immutable commits, so their commits, note lists and API answers are
cached per repository and a re-run reads no history at all. Branch facts (heads,
which branches contain the commit) change, so they come fresh from ``git.facts``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.errors import GitError
from ..core.pkgmeta import import_name
from ..git import repo as gitrepo
from ..git.facts import RepoFacts
from ..notes import render as notes_render
from ..notes import scan as notes_scan
from .api import compare_api
from .changes import ApiResult, Commit, NotesPreview

__all__ = ['RangeFacts', 'collect_range', 'files_wanted']

def files_wanted(previous: str | None, commit: str) -> set[tuple[str, str]]:
    """Files read at a release's commit (and requirements at the previous one), in the facts batch."""
    names = ('requirements.txt', 'setup.cfg', 'pyproject.toml', notes_scan.RENO_CONFIG, notes_scan.RENO_YAML)
    files = {(commit, name) for name in names}
    if previous:
        files.add((previous, 'requirements.txt'))
    return files


@dataclass(frozen=True)
class RangeFacts:
    commits: tuple[Commit, ...]
    notes: NotesPreview | None
    api: ApiResult | None
    problem: str | None = None  # why the range could not be read (git failed)


def _log(facts: RepoFacts, previous: str, commit: str) -> list[list[str]]:
    out = gitrepo.run_git(['log', '--no-merges', '-z', '--format=%H%x1f%an%x1f%s', f'{previous}..{commit}', '--'],
                          facts.path).stdout.decode('utf-8', 'replace')
    return [record.split('\x1f', 2) for record in out.split('\0') if record.count('\x1f') == 2]


def collect_range(facts: RepoFacts, cache: notes_scan.NoteCache, previous: str, commit: str, version: str,
                  *, api: bool) -> RangeFacts:
    """Commits, release notes and (``api``) the API comparison of ``previous..commit``."""
    conf = notes_scan.reno_config(facts.files.get((commit, notes_scan.RENO_CONFIG)),
                                  facts.files.get((commit, notes_scan.RENO_YAML)))
    notesdir = notes_scan.notes_dir(conf)
    key = f'{previous}..{commit}:{notesdir}'
    try:
        scanned: Any = cache.range(key)
        if not (isinstance(scanned, dict) and isinstance(scanned.get('commits'), list)
                and isinstance(scanned.get('notes'), list)):
            note_files = notes_scan.range_note_files(facts.path, previous, commit, notesdir)
            scanned = {'commits': _log(facts, previous, commit), 'notes': [[f.path, f.blob] for f in note_files]}
            cache.put_range(key, scanned)
        commits = tuple(Commit(*c) for c in scanned['commits'])
        files = [notes_scan.NoteFile(p, b) for p, b in scanned['notes']]
        texts = notes_scan.read_note_texts(facts.path, commit, files, cache)
    except GitError as exc:
        return RangeFacts((), None, None, exc.message)
    rendered = notes_render.render_notes(conf, version, files, texts)
    step, by = notes_render.implied_step(conf, rendered.sections)
    preview = NotesPreview(tuple(f.path for f in rendered.files), rendered.sections, rendered.preview, step, by,
                           rendered.problems)
    result = None
    if api:
        package = import_name(facts.files.get((commit, 'setup.cfg')), facts.files.get((commit, 'pyproject.toml')))
        api_key = f'api:{package}:{previous}..{commit}'
        hit = cache.range(api_key)
        if isinstance(hit, dict) and hit.get('status') == 'compared':
            result = ApiResult('compared', None, tuple(hit.get('breakages', ())))
        else:
            result = compare_api(facts.path, previous, commit, package)
            if result.status == 'compared':
                cache.put_range(api_key, {'status': 'compared', 'breakages': list(result.breakages)})
    return RangeFacts(commits, preview, result)
