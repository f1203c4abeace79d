"""All git access, batched: one process answers many questions.

Every call goes through :func:`run_git`, which captures output and turns a
failure into :class:`GitError` with git's own message. Callers ask for many
facts at once (``cat-file --batch`` for file contents, one ``for-each-ref``
for all refs) instead of one process per question.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import GitError
from ..core.redact import redact
from . import process
from .process import LONG_TIMEOUT, READ_TIMEOUT, Result

__all__ = ['LogEntry', 'changed_paths', 'default_base', 'is_work_tree', 'log_entries', 'read_blobs', 'resolve_commit',
           'run_git']

#: How many git processes this process has started (benchmarks read it).
CALLS = {'count': 0}
_CALLS_LOCK = threading.Lock()

_ENV = {
    # Never ask for credentials or open an editor: this runs unattended in CI.
    'GIT_TERMINAL_PROMPT': '0',
    'GIT_ASKPASS': 'true',
    'GCM_INTERACTIVE': 'never',
    'LC_ALL': 'C',
}

#: Whatever the user's git configuration says ("color.ui = always", "color.diff = always"), what git
#: prints for us has no ANSI colour codes: it is parsed, or shown as text (a shortlog, a diffstat).
_NO_COLOUR = ('-c', 'color.ui=never', '-c', 'color.diff=never', '-c', 'color.branch=never',
              '-c', 'color.status=never', '-c', 'color.decorate=never', '-c', 'color.grep=never')

#: git commands that talk to a remote: they get the long time limit.
_TRANSFERS = frozenset({'clone', 'fetch', 'push', 'ls-remote', 'pull'})


def run_git(args: Sequence[str], cwd: str | os.PathLike[str], *, input: bytes | None = None,
            check: bool = True, env: dict[str, str] | None = None,
            base_env: Mapping[str, str] | None = None, timeout: float | None = None) -> Result:
    """Run ``git args`` in ``cwd``; raise GitError with git's message (redacted) on failure.

    git sees ``base_env`` (default: this process's environment) with ``env`` on top. The time limit
    is ``timeout``, else the long one for a transfer (clone, fetch, push, ls-remote), else the one
    for reads (see :mod:`.process`); past it, GitError.
    """
    full_env = {**(os.environ if base_env is None else base_env), **_ENV, **(env or {})}
    with _CALLS_LOCK:  # facts are gathered from several threads
        CALLS['count'] += 1
    limit = timeout if timeout is not None else LONG_TIMEOUT if _subcommand(args) in _TRANSFERS else READ_TIMEOUT
    what = f'git {" ".join(args[:2])}'
    try:
        proc = process.run(['git', *_NO_COLOUR, *args], cwd, env=full_env, input=input, timeout=limit, what=what)
    except process.CannotStart as exc:
        if isinstance(exc.cause, FileNotFoundError):
            raise GitError('git is not installed', 'install git') from None
        raise GitError(exc.message) from None
    except process.TimedOut as exc:
        raise GitError(f'{exc.message} in {cwd}') from None
    if check and proc.returncode != 0:
        message = proc.stderr.decode('utf-8', 'replace').strip() or f'exit status {proc.returncode}'
        raise GitError(redact(f'{what} failed in {cwd}: {message}'))
    return proc


def _subcommand(args: Sequence[str]) -> str | None:
    """The git command of ``args``: the first word that is not a global option (``-c x=y``, ``-C dir``)."""
    words = iter(args)
    for word in words:
        if word in ('-c', '-C'):
            next(words, None)
        elif not word.startswith('-'):
            return word
    return None


def is_work_tree(path: Path) -> bool:
    proc = run_git(['rev-parse', '--is-inside-work-tree'], path, check=False)
    return proc.returncode == 0 and proc.stdout.strip() == b'true'


def resolve_commit(path: Path, rev: str) -> str | None:
    """The commit id ``rev`` names, or None if it names no commit."""
    proc = run_git(['rev-parse', '--verify', '--quiet', '--end-of-options', f'{rev}^{{commit}}'], path, check=False)
    return proc.stdout.decode().strip() if proc.returncode == 0 else None


def default_base(path: Path) -> str | None:
    """merge-base of HEAD with origin/HEAD when that exists, else HEAD^."""
    if resolve_commit(path, 'refs/remotes/origin/HEAD'):
        proc = run_git(['merge-base', 'HEAD', 'refs/remotes/origin/HEAD'], path, check=False)
        if proc.returncode == 0:
            return proc.stdout.decode().strip()
    return resolve_commit(path, 'HEAD^')


def changed_paths(path: Path, base: str, under: str) -> tuple[list[str], list[str]]:
    """Paths under ``under`` that differ between ``base`` and the working tree.

    Returns (present, deleted): files added or modified (including untracked
    files git does not ignore) and files deleted since the base. Paths are
    relative to ``path``, which need not be the top of the work tree.
    """
    # --relative: paths relative to ``path`` (and only below it), which may be
    # a subdirectory of the work tree; ls-files is relative to it by default.
    diff = run_git(['diff', '--name-status', '--no-renames', '--relative', '-z', base, '--', under], path).stdout
    fields = diff.decode('utf-8', 'surrogateescape').split('\0')
    present: list[str] = []
    deleted: list[str] = []
    for status, name in zip(fields[0::2], fields[1::2], strict=False):
        (deleted if status.startswith('D') else present).append(name)
    untracked = run_git(['ls-files', '--others', '--exclude-standard', '-z', '--', under], path).stdout
    present.extend(p for p in untracked.decode('utf-8', 'surrogateescape').split('\0') if p)
    return sorted(set(present)), sorted(deleted)


def read_blobs(path: Path, rev: str, files: Iterable[str]) -> dict[str, bytes | None]:
    """Contents of ``files`` at ``rev`` in one ``cat-file --batch``; None where absent."""
    names = list(files)
    # "REV:./PATH" is relative to the current directory, like our paths.
    by_spec = read_blobs_spec(path, [f'{rev}:./{name}' for name in names])
    return {name: by_spec[f'{rev}:./{name}'] for name in names}


def read_blobs_spec(path: Path, specs: Sequence[str]) -> dict[str, bytes | None]:
    """Contents of ``REV:PATH`` specs in one ``cat-file --batch``; None where absent."""
    names = list(dict.fromkeys(specs))
    if not names:
        return {}
    request = ''.join(f'{name}\n' for name in names).encode('utf-8', 'surrogateescape')
    out = run_git(['cat-file', '--batch'], path, input=request).stdout
    result: dict[str, bytes | None] = {}
    pos = 0
    for name in names:
        end = out.index(b'\n', pos)
        line = out[pos:end]
        pos = end + 1
        header = line.split(b' ')
        if line.endswith((b' missing', b' ambiguous')) or len(header) != 3:
            result[name] = None
            continue
        size = int(header[2])
        result[name] = out[pos:pos + size] if header[1] == b'blob' else None
        pos += size + 1
    return result


# --- facts about a deliverable's repository, gathered in a few processes ---


@dataclass(frozen=True)
class Refs:
    """Every tag (peeled to its commit) and branch of a repository, from one for-each-ref."""

    tags: dict[str, str]
    tag_types: dict[str, str]  # tag name -> 'tag' (annotated) or 'commit' (lightweight)
    branches: dict[str, str]
    default_branch: str | None


def list_refs(path: Path) -> Refs:
    """Tags and branches (local heads, or a mirror's heads) in one ``for-each-ref``."""
    fmt = '%(refname)%00%(objecttype)%00%(objectname)%00%(*objectname)%00%(*objecttype)%00%(symref)'
    out = run_git(['for-each-ref', f'--format={fmt}', 'refs/tags', 'refs/heads', 'refs/remotes/origin'],
                  path).stdout.decode('utf-8', 'surrogateescape')
    tags: dict[str, str] = {}
    tag_types: dict[str, str] = {}
    branches: dict[str, str] = {}
    remote: dict[str, str] = {}
    nested: list[tuple[str, str]] = []
    origin_head: str | None = None
    for line in out.splitlines():
        ref, otype, sha, peeled, peeled_type, symref = line.split('\0')
        if ref.startswith('refs/tags/'):
            name = ref[len('refs/tags/'):]
            # Only commits count as release points.
            target, ttype = (peeled, peeled_type) if peeled else (sha, otype)
            if ttype == 'commit':
                tags[name] = target
                tag_types[name] = otype
            elif ttype == 'tag':
                # A tag of a tag: older git (e.g. 2.39) peels %(*...) one level only.
                nested.append((name, otype))
        elif ref.startswith('refs/heads/'):
            branches[ref[len('refs/heads/'):]] = sha
        elif ref == 'refs/remotes/origin/HEAD':
            if symref.startswith('refs/remotes/origin/'):
                origin_head = symref[len('refs/remotes/origin/'):]
        elif ref.startswith('refs/remotes/origin/'):
            remote[ref[len('refs/remotes/origin/'):]] = sha
    # A plain clone knows its branches as origin/*, and those are the repository of record's:
    # a local head of the same name may be stale, or hold commits never pushed.
    branches.update(remote)
    if nested:
        # Peel those all the way down (``^{}``) in one more process; rare, so usually none.
        fmt_check = '--batch-check=%(objectname) %(objecttype)'
        peeled_out = run_git(['cat-file', fmt_check], path,
                             input=''.join(f'refs/tags/{name}^{{}}\n' for name, _ in nested).encode()).stdout
        for (name, otype), line in zip(nested, peeled_out.decode().splitlines(), strict=True):
            parts = line.split()
            if len(parts) == 2 and parts[1] == 'commit':
                tags[name] = parts[0]
                tag_types[name] = otype
    if origin_head in branches:
        # A clone: the remote's default, whatever branch happens to be checked out here.
        return Refs(tags, tag_types, branches, origin_head)
    return Refs(tags, tag_types, branches, _default_branch(path, branches))


def _default_branch(path: Path, branches: dict[str, str]) -> str | None:
    proc = run_git(['symbolic-ref', '--quiet', 'HEAD'], path, check=False)
    head = proc.stdout.decode().strip()
    if proc.returncode == 0 and head.startswith('refs/heads/') and head[len('refs/heads/'):] in branches:
        return head[len('refs/heads/'):]
    for name in ('master', 'main'):
        if name in branches:
            return name
    return None


def object_types(path: Path, shas: Iterable[str]) -> dict[str, str]:
    """The type of each object ('commit', 'tree', 'blob', 'tag' or 'missing'), one process."""
    names = sorted(set(shas))
    if not names:
        return {}
    out = run_git(['cat-file', '--batch-check=%(objectname) %(objecttype)'], path,
                  input=''.join(f'{n}\n' for n in names).encode()).stdout.decode()
    result: dict[str, str] = {}
    for name, line in zip(names, out.splitlines(), strict=True):
        parts = line.split()
        result[name] = parts[1] if len(parts) == 2 and parts[1] != 'missing' else 'missing'
    return result


def shallow_boundary(path: Path) -> frozenset[str]:
    """Commits at the boundary of a shallow clone (empty for a complete repository)."""
    proc = run_git(['rev-parse', '--git-path', 'shallow'], path)
    shallow = Path(path) / proc.stdout.decode().strip()
    try:
        return frozenset(shallow.read_text().split())
    except FileNotFoundError:
        return frozenset()


class Ancestry:
    """Answers "is A an ancestor of B" for many pairs from one ``rev-list``.

    ``git rev-list --topo-order --parents TIPS`` lists every commit reachable
    from the tips, children before parents. If A is an ancestor of B, B comes
    first, and a walk down from B never needs to visit a commit listed after A:
    so each question costs the commits between the two, not the whole history.
    """

    def __init__(self, path: Path, tips: Iterable[str]) -> None:
        tips = sorted(set(tips))
        self.parents: dict[str, tuple[str, ...]] = {}
        self.position: dict[str, int] = {}
        # Set before the early return: with no tips, ``reachable`` answers the empty set.
        self._reach: dict[str, frozenset[str]] = {}
        if not tips:
            return
        out = run_git(['rev-list', '--topo-order', '--parents', '--stdin'], path,
                      input=''.join(f'{t}\n' for t in tips).encode()).stdout.decode()
        for i, line in enumerate(out.splitlines()):
            sha, *parents = line.split()
            self.parents[sha] = tuple(parents)
            self.position[sha] = i

    def known(self, sha: str) -> bool:
        return sha in self.position

    def is_ancestor(self, ancestor: str, descendant: str) -> bool | None:
        """True/False, or None when either commit is not in the walked history."""
        pa = self.position.get(ancestor)
        pd = self.position.get(descendant)
        if pa is None or pd is None:
            return None
        if pa == pd:
            return True
        if pd > pa:
            return False
        seen = {descendant}
        stack = [descendant]
        parents, position = self.parents, self.position
        while stack:
            for parent in parents.get(stack.pop(), ()):
                if parent == ancestor:
                    return True
                if parent not in seen and position.get(parent, pa + 1) < pa:
                    seen.add(parent)
                    stack.append(parent)
        return False

    def reachable(self, tip: str) -> frozenset[str]:
        """Every commit reachable from ``tip`` (cached; for branch membership)."""
        hit = self._reach.get(tip)
        if hit is None:
            seen = {tip} if tip in self.parents else set()
            stack = list(seen)
            while stack:
                for parent in self.parents.get(stack.pop(), ()):
                    if parent not in seen:
                        seen.add(parent)
                        stack.append(parent)
            hit = self._reach[tip] = frozenset(seen)
        return hit


def read_files_at(path: Path, specs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], bytes | None]:
    """Contents of (commit, file) pairs in one ``cat-file --batch``; None where absent."""
    pairs = sorted(set(specs))
    by_spec = read_blobs_spec(path, [f'{sha}:{name}' for sha, name in pairs])
    return {pair: by_spec[f'{pair[0]}:{pair[1]}'] for pair in pairs}


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One commit of a log: its id, its parents and the first line of its message."""

    sha: str
    parents: tuple[str, ...]
    subject: str


def log_entries(path: Path, tips: Iterable[str], exclude: Iterable[str] = ()) -> tuple[LogEntry, ...]:
    """Every commit reachable from ``tips`` and from none of ``exclude``, children first: one ``git log``."""
    wanted = sorted(set(tips))
    if not wanted:
        return ()
    stdin = ''.join(f'{t}\n' for t in wanted) + ''.join(f'^{x}\n' for x in sorted(set(exclude)))
    out = run_git(['log', '--topo-order', '-z', '--format=%H%x1f%P%x1f%s', '--stdin', '--'], path,
                  input=stdin.encode()).stdout.decode('utf-8', 'replace')
    entries = []
    for record in out.split('\0'):
        fields = record.strip('\n').split('\x1f', 2)
        if len(fields) == 3:
            entries.append(LogEntry(fields[0], tuple(fields[1].split()), fields[2]))
    return tuple(entries)
