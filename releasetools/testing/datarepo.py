"""A data repository under construction, and ways to validate it.

:class:`DataRepo` writes the series table (a choice of rows of the real one, see
:mod:`releasetools.testing.series`), an empty directory for every series and
``_independent`` (so that the history of a deliverable is complete and rules
that compare with the previous series do not skip), deliverable files, and
optionally puts it all under git.

Snippets written with :meth:`DataRepo.write` get the three :data:`HEADER` lines
in front, so **the first line of a snippet is line 4 of the file**.

Validation is always offline (``--offline``, a cache directory of its own):
the git-backed checks skip instead of cloning, unless a test gives them local
repositories (:meth:`DataRepo.validate`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from ..core.findings import Report
from ..core.model import INDEPENDENT, SeriesTable
from ..rules import RULES
from ..validate import ValidateOptions, validate
from .deliverables import HEADER, expand
from .gitcmd import commit_file, git, init_repo
from .series import LIFECYCLE_SERIES, OPEN_SERIES, write_series_table
from .sources import WORLD, Sources

__all__ = ['GIT_RULES', 'DataRepo', 'git_findings', 'only', 'other_findings']

#: The git-backed checks, which read repositories (offline without them they skip). RT708, of the same
#: family, is no function: validate reports with it that they could not run.
GIT_RULES = tuple(sorted(check for check, rule in RULES.items() if rule.family == 'git' and rule.func is not None))


class DataRepo:
    """A data repository at ``root``: the series table and directories now, files and commits later."""

    def __init__(self, root: Path, series: SeriesTable = LIFECYCLE_SERIES, *, cache_dir: Path | None = None) -> None:
        self.root = root
        write_series_table(root, series)
        for name in (*series.names, INDEPENDENT):
            (root / 'deliverables' / name).mkdir(parents=True)
        #: Never used for anything but "no mirror here" unless a test gives repositories.
        self.cache_dir = cache_dir if cache_dir is not None else root.parent / 'cache'

    @classmethod
    def for_git_checks(cls, root: Path, cache_dir: Path, series: SeriesTable = OPEN_SERIES) -> DataRepo:
        """A repository under git, with the series as upstream has them; nothing committed yet."""
        data = cls(root, series, cache_dir=cache_dir)
        data.init_git()
        return data

    # -- building files ---------------------------------------------------

    def write(self, series: str, name: str, snippet: str, *, header: bool = True) -> str:
        """Write deliverables/<series>/<name>.yaml from a snippet (see :func:`expand`); return its relative path.

        With ``header`` the three :data:`HEADER` lines come first, so the
        snippet starts on line 4; without, the snippet is the whole file.
        """
        rel = f'deliverables/{series}/{name}.yaml'
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text((HEADER if header else '') + expand(snippet))
        return rel

    def write_bytes(self, rel: str, content: bytes) -> str:
        """Write any file, byte for byte; return ``rel``."""
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        return rel

    def remove(self, rel: str) -> None:
        (self.root / rel).unlink()

    # -- git -------------------------------------------------------------

    def git(self, *args: str) -> str:
        """Run git in the repository (see :func:`~releasetools.testing.gitcmd.git`); return its stdout, stripped."""
        return git(self.root, *args)

    def init_git(self) -> None:
        init_repo(self.root)

    def commit(self, message: str = 'base state') -> str:
        """Commit everything in the working tree; return the commit id."""
        return commit_file(self.root, {}, message)

    def request(self, sources: Sources, new: Mapping[str, str], base: Mapping[str, str | None] | None = None
                ) -> None:
        """Commit the nova files of ``sources`` (:data:`~releasetools.testing.sources.WORLD`) updated with
        ``base`` (None removes a file), then write ``new``: the request validated against HEAD.

        ``@X`` in the texts is the id of commit X of ``sources``.
        """
        for relpath, text in {**WORLD, **(base or {})}.items():
            if text is not None:
                (self.root / relpath).write_text(sources.expand(text))
        self.commit()
        for relpath, text in new.items():
            (self.root / relpath).write_text(sources.expand(text))

    # -- validating --------------------------------------------------------

    def report(self, *files: str, base: str | None = None, all: bool | None = None) -> Report:
        """Run validate: --all (the default) or against ``base``; FILEs limit it. No repositories: RT7xx skip."""
        if all is None:
            all = base is None
        return validate(ValidateOptions(root=self.root, base=base, all=all, files=list(files), offline=True,
                                        cache_dir=self.cache_dir))

    def validate(self, repos: str, *, offline: bool = True, files: Sequence[str] = ()) -> Report:
        """Validate what the working tree adds to HEAD, with the repositories at ``repos`` (a --repos template)."""
        return validate(ValidateOptions(root=self.root, base='HEAD', repos=repos, offline=offline,
                                        cache_dir=self.cache_dir, files=list(files)))

    def findings(self, *files: str, base: str | None = None, all: bool | None = None
                 ) -> list[tuple[str, int]]:
        """Sorted (check id, line) of every finding of :meth:`report`."""
        return sorted((f.check, f.line) for f in self.report(*files, base=base, all=all).findings)

    def findings_by_file(self, *files: str, base: str | None = None, all: bool | None = None
                         ) -> list[tuple[str, str, int]]:
        """Sorted (file, check id, line) of every finding of :meth:`report`."""
        return sorted((f.file, f.check, f.line) for f in self.report(*files, base=base, all=all).findings)

    def skipped(self, *files: str, base: str | None = None, all: bool | None = None
                ) -> list[tuple[str, str]]:
        """Sorted (check id, reason) of every skipped check, except the git-backed ones (always skipped here)."""
        return sorted((s.check, s.reason) for s in self.report(*files, base=base, all=all).skipped
                      if s.check in RULES and s.check not in GIT_RULES)


def only(findings: Iterable[tuple[str, int]], *checks: str) -> list[tuple[str, int]]:
    """The findings of some checks only."""
    return [f for f in findings if f[0] in checks]


def git_findings(report: Report) -> list[tuple[str, str, int, str]]:
    """(check, file, line, severity) of the git checks' findings, sorted."""
    return sorted((f.check, f.file, f.line, str(f.severity)) for f in report.findings if f.check in GIT_RULES)


def other_findings(report: Report) -> list[tuple[str, str, int, str]]:
    """Findings of every other check: a test of the git checks expects none (its data is well formed)."""
    return [(f.check, f.file, f.line, f.message) for f in report.findings if f.check not in GIT_RULES]
