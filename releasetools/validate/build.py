"""Building what a release request adds, for ``validate --build``: the facts the build rules read.

For each new release of a release type the release job builds (``artifacts.plan``),
each repository is cloned from where validate reads it (``--repos``, the
mirror cache), tagged locally with the requested version at the proposed
hash (pbr takes the version from the tag, as in the release job), and built
with the release job's own code (``artifacts.build.build``: the same
environment allow-list, reproducibility and guard), then checked with
``twine check --strict``. The pure rules of ``rules/build.py`` turn the
outcomes into findings. Nothing is pushed: the clone is temporary.
"""

from __future__ import annotations

import concurrent.futures
import os
import tempfile
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from ..artifacts import build as artifacts
from ..artifacts import children
from ..artifacts.plan import items_of
from ..core.builds import BuildOutcome
from ..core.errors import GitError, ReleaseToolsError
from ..git.mirrors import RepoLocator
from ..git.repo import run_git
from ..rules import DeliverableContext

__all__ = ['BuildOutcome', 'gather_builds']

_IDENTITY = {'GIT_COMMITTER_NAME': 'releasetools validate', 'GIT_COMMITTER_EMAIL': 'validate@localhost',
             'GIT_AUTHOR_NAME': 'releasetools validate', 'GIT_AUTHOR_EMAIL': 'validate@localhost'}


def _git(args: list[str], cwd: Path) -> None:
    run_git(args, cwd, env=_IDENTITY, base_env=children.environment('git'))


def _source(located: Path, sha: str, version: str, into: Path) -> Path:
    """A temporary clone of ``located`` at ``sha``, with the tag ``version`` there (and only there)."""
    into.parent.mkdir(parents=True, exist_ok=True)
    _git(['clone', '-q', '--no-checkout', '--', str(located), str(into)], into.parent)
    _git(['tag', '-f', '-a', '-m', f'validate --build {version}', version, sha], into)
    _git(['checkout', '-q', '--force', f'refs/tags/{version}'], into)
    return into


def _build(located: Path, repo: str, version: str, sha: str, work: Path, *, isolation: bool,
           announce: Callable[[], None] = lambda: None) -> BuildOutcome | list[artifacts.Artifact]:
    """The built files, or the outcome that says why there are none (``announce``: when it starts)."""
    announce()
    try:
        source = _source(located, sha, version, work / 'src')
    except GitError as exc:
        return BuildOutcome(repo, version, sha, error=f'cannot check out {sha[:12]}: {exc.message}')
    try:
        return artifacts.build(source, work / 'dist', version, isolation=isolation)
    except artifacts.VersionMismatch as exc:
        return BuildOutcome(repo, version, sha, built=str(exc.built))
    except ReleaseToolsError as exc:
        return BuildOutcome(repo, version, sha, error=exc.message)


def _twine(repo: str, version: str, sha: str, built: list[artifacts.Artifact]) -> BuildOutcome:
    files = tuple(a.path.name for a in built)
    try:
        artifacts.twine_check(built, strict=True)
    except ReleaseToolsError as exc:
        return BuildOutcome(repo, version, sha, twine=exc.message, files=files)
    return BuildOutcome(repo, version, sha, files=files)


def gather_builds(locator: RepoLocator, contexts: Iterable[DeliverableContext], *, isolation: bool = True,
                  workers: int | None = None, progress: Callable[[str], None] | None = None
                  ) -> dict[tuple[str, str], BuildOutcome | str]:
    """(repo, version) -> the outcome of its build, or why it could not be built (a str).

    Only what a request adds (contexts with a base): with ``--all`` every
    historic release would be rebuilt. Builds run a few at a time (each is
    its own process); ``twine check`` runs afterwards in this thread, one at
    a time, since it swaps sys.stdout. ``progress`` gets a line as each build
    and each check starts ("building 2/5: openstack/nova 33.0.2").
    """
    say = progress or (lambda line: None)
    wanted: dict[tuple[str, str], tuple[Path, str] | str] = {}
    for item in items_of(c for c in contexts if c.has_base):
        for t in item.targets:
            key = (t.repo, item.version)
            if not t.build or key in wanted:
                continue
            located = locator.locate(t.repo)
            wanted[key] = (located.path, t.hash) if located.path is not None else \
                f'cannot build {item.version}: {located.reason}'
    out: dict[tuple[str, str], BuildOutcome | str] = {k: v for k, v in wanted.items() if isinstance(v, str)}
    todo = {k: v for k, v in wanted.items() if not isinstance(v, str)}
    if not todo:
        return out
    count = workers or max(1, min(len(todo), os.cpu_count() or 1, 4))
    with tempfile.TemporaryDirectory(prefix='releasetools-build-') as tmp, \
            concurrent.futures.ThreadPoolExecutor(count) as pool:
        futures = {key: pool.submit(_build, path, key[0], key[1], sha, Path(tmp) / str(n), isolation=isolation,
                                    announce=partial(say, f'building {n + 1}/{len(todo)}: {key[0]} {key[1]}'))
                   for n, (key, (path, sha)) in enumerate(todo.items())}
        for n, (key, future) in enumerate(futures.items(), 1):
            result = future.result()
            if not isinstance(result, BuildOutcome):
                say(f'checking {n}/{len(todo)}: {key[0]} {key[1]}: twine check --strict')
            out[key] = result if isinstance(result, BuildOutcome) else _twine(key[0], key[1], todo[key][1], result)
    return out
