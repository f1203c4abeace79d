"""Small source repositories made in one ``git fast-import`` each, and a data repository releasing many of them.

For the cycle-wide reports (``unreleased``, ``audit``) and their benchmark: what
matters there is the number of repositories, not their size, so each one is a
few commits on a few branches with a few tags, written by one fast-import
(two git processes a repository, fixed identity and dates: the same commit ids
on every run).

:func:`build_repo` makes one repository from :class:`Line` s (a branch and its
commits, maybe started from a commit of another line) and tags naming a commit
of a line. :func:`cycle_world` writes ``count`` such repositories and a data
repository whose deliverables release them (see its docstring).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import GitError
from .deliverables import Release
from .gitcmd import GIT_ENV, git, init_repo
from .series import OPEN_SERIES, write_series_table

__all__ = ['CycleWorld', 'Line', 'build_repo', 'cycle_world']

#: 2026-01-01T00:00:00Z, the date of every commit (as gitcmd.GIT_ENV).
_WHEN = '1767225600 +0000'


@dataclass(frozen=True)
class Line:
    """A branch and its own commits; ``start`` (line name, index) is the commit it starts from (None: a root)."""

    branch: str
    commits: int
    start: tuple[str, int] | None = None


def _data(text: str) -> str:
    raw = text.encode()
    return f'data {len(raw)}\n{text}\n'


def _stream(name: str, lines: Sequence[Line], tags: Mapping[str, tuple[str, int]], annotated: bool
            ) -> tuple[str, dict[tuple[str, int], int]]:
    out: list[str] = []
    marks: dict[tuple[str, int], int] = {}
    for line in lines:
        ref = f'refs/heads/{line.branch}'
        if line.start is not None:
            out.append(f'reset {ref}\nfrom :{marks[line.start]}\n')
        for i in range(line.commits):
            mark = len(marks) + 1
            marks[(line.branch, i)] = mark
            subject = f'{line.branch}: change {i} of {name}'
            out.append(f'commit {ref}\nmark :{mark}\nauthor Test Author <author@example.org> {_WHEN}\n'
                       f'committer Test Committer <committer@example.org> {_WHEN}\n{_data(subject)}'
                       f'M 644 inline {line.branch.replace("/", "_")}.txt\n{_data(subject)}')
    for tag, at in tags.items():
        if annotated:
            out.append(f'tag {tag}\nfrom :{marks[at]}\ntagger Test Tagger <tagger@example.org> {_WHEN}\n'
                       f'{_data(f"{name} {tag}")}')
        else:
            out.append(f'reset refs/tags/{tag}\nfrom :{marks[at]}\n')
    return ''.join(out), marks


def build_repo(path: Path, lines: Sequence[Line], tags: Mapping[str, tuple[str, int]] = {}, *,
               annotated: bool = True, checkout: bool = False) -> dict[tuple[str, int], str]:
    """A repository at ``path`` (default branch: the first line's); return the commit id of each (line, index).

    fast-import writes history only: ``checkout`` fills the work tree too, for a test that commits on top.
    """
    init_repo(path, lines[0].branch)
    stream, marks = _stream(path.name, lines, tags, annotated)
    marks_file = path / '.git' / 'cycle-marks'
    proc = subprocess.run(['git', 'fast-import', '--quiet', f'--export-marks={marks_file}'], cwd=path,
                          input=stream.encode(), capture_output=True, env={**os.environ, **GIT_ENV},
                          check=False, timeout=300)
    if proc.returncode != 0:
        raise GitError(f'git fast-import failed in {path}: {proc.stderr.decode(errors="replace").strip()}')
    by_mark = dict(line.split() for line in marks_file.read_text().splitlines())
    marks_file.unlink()
    if checkout:
        git(path, 'reset', '-q', '--hard')
    return {key: by_mark[f':{mark}'] for key, mark in marks.items()}


@dataclass(frozen=True)
class CycleWorld:
    """A data repository and the repositories it releases (``{repo}`` template ``repos``)."""

    root: Path
    repos: str
    names: tuple[str, ...]
    commits: Mapping[str, Mapping[tuple[str, int], str]]


def cycle_world(top: Path, count: int, *, unreleased_every: int = 2) -> CycleWorld:
    """``count`` deliverables ``dNNNN`` of hibiscus (with gazpacho and flamingo, :data:`OPEN_SERIES`).

    Repository ``example/dNNNN``: master has 4 commits, ``stable/2026.1`` 2 more
    from master's first. gazpacho's file released ``1.0.0`` (master 0) and
    ``1.0.1`` (stable 0), hibiscus's ``2.0.0`` (master 2); all three tagged. Every
    ``unreleased_every``-th repository has master's fourth commit unreleased
    (the others release it as ``2.1.0``); every stable branch has one commit
    after ``1.0.1``.
    """
    root = top / 'data'
    write_series_table(root, OPEN_SERIES)
    for series in OPEN_SERIES.names:
        (root / 'deliverables' / series).mkdir(parents=True)
    names = tuple(f'd{i:04d}' for i in range(count))
    commits: dict[str, Mapping[tuple[str, int], str]] = {}
    for i, name in enumerate(names):
        repo = f'example/{name}'
        pending = i % unreleased_every == 0
        tags = {'1.0.0': ('master', 0), '1.0.1': ('stable/2026.1', 0), '2.0.0': ('master', 2)}
        if not pending:
            tags['2.1.0'] = ('master', 3)
        ids = build_repo(top / 'git' / repo, [Line('master', 4), Line('stable/2026.1', 2, ('master', 0))], tags)
        commits[repo] = ids
        head = f'team: team{i % 7}\ntype: library\nrelease-model: cycle-with-intermediary\nlaunchpad: {name}\n'
        old = [Release.of('1.0.0', ids[('master', 0)], repo), Release.of('1.0.1', ids[('stable/2026.1', 0)], repo)]
        new = [Release.of('2.0.0', ids[('master', 2)], repo)]
        if not pending:
            new.append(Release.of('2.1.0', ids[('master', 3)], repo))
        for series, releases in (('gazpacho', old), ('hibiscus', new)):
            body = ''.join(r.block() for r in releases)
            branches = 'branches:\n  - name: stable/2026.1\n    location: 1.0.0\n' if series == 'gazpacho' else ''
            (root / 'deliverables' / series / f'{name}.yaml').write_text(f'---\n{head}releases:\n{body}{branches}')
    return CycleWorld(root, str(top / 'git' / '{repo}'), names, commits)
