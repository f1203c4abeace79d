"""Test helpers: a small data repository in a directory, optionally under git.

The series table mirrors the real one, newest first::

    indri     2027.1  future
    hibiscus  2026.2  development      (the current series)
    gazpacho  2026.1  maintained
    flamingo  2025.2  unmaintained
    epoxy     2025.1  end of life

Every series directory exists (empty), so that the history of a deliverable is
complete: rules that compare with the previous series do not skip.

Deliverable snippets in the rule tables are written without the three lines
every file needs; :meth:`DataRepo.write` puts :data:`HEADER` in front of them,
so **the first line of a snippet is line 4 of the file**.
"""

from __future__ import annotations

import os
import subprocess
import textwrap
from collections.abc import Iterable
from pathlib import Path

from releasetools.core.findings import Report
from releasetools.rules import RULES
from releasetools.validate import ValidateOptions, validate

SERIES_STATUS = """\
---
- name: indri
  release-id: '2027.1'
  status: future
  initial-release: 2027-03-24
- name: hibiscus
  release-id: '2026.2'
  status: development
  initial-release: 2026-09-30
- name: gazpacho
  release-id: '2026.1'
  status: maintained
  slurp: yes
  initial-release: 2026-04-01
- name: flamingo
  release-id: '2025.2'
  status: unmaintained
  initial-release: 2025-10-01
- name: epoxy
  release-id: '2025.1'
  status: end of life
  initial-release: 2025-04-02
"""

SERIES = ('indri', 'hibiscus', 'gazpacho', 'flamingo', 'epoxy')

#: Put in front of every snippet by :meth:`DataRepo.write` (three lines).
HEADER = 'team: nova\ntype: service\nlaunchpad: nova\n'

#: Hash placeholders: ``$1`` .. ``$9`` in a snippet become distinct 40-digit ids
#: (``$1`` is ``1a1a...``; a letter keeps YAML from reading it as a number).
HASHES = {f'${i}': f'{i}a' * 20 for i in range(1, 10)}

#: Fixed identity and dates: commits (and so commit ids) are reproducible.
GIT_ENV = {
    'GIT_AUTHOR_NAME': 'Test Author',
    'GIT_AUTHOR_EMAIL': 'author@example.org',
    'GIT_AUTHOR_DATE': '2026-01-01T00:00:00+0000',
    'GIT_COMMITTER_NAME': 'Test Committer',
    'GIT_COMMITTER_EMAIL': 'committer@example.org',
    'GIT_COMMITTER_DATE': '2026-01-01T00:00:00+0000',
    'GIT_CONFIG_GLOBAL': os.devnull,
    'GIT_CONFIG_NOSYSTEM': '1',
}


def expand(snippet: str) -> str:
    """Dedent a snippet and replace the ``$N`` hash placeholders."""
    text = textwrap.dedent(snippet).lstrip('\n')
    for token, value in HASHES.items():
        text = text.replace(token, value)
    return text


class DataRepo:
    """A data repository under construction, and ways to validate it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / 'data').mkdir(parents=True)
        (root / 'data' / 'series_status.yaml').write_text(SERIES_STATUS)
        for name in (*SERIES, '_independent'):
            (root / 'deliverables' / name).mkdir(parents=True)
        self.is_git = False
        #: Never used for anything but "no mirror here": validation is offline.
        self.cache_dir = root.parent / 'cache'

    # -- building files ---------------------------------------------------

    def write(self, series: str, name: str, snippet: str, *, header: bool = True) -> str:
        """Write deliverables/<series>/<name>.yaml; return its relative path.

        With ``header`` the three :data:`HEADER` lines come first, so the
        snippet starts on line 4.
        """
        rel = f'deliverables/{series}/{name}.yaml'
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text((HEADER if header else '') + expand(snippet))
        return rel

    def write_bytes(self, rel: str, content: bytes) -> str:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        return rel

    def remove(self, rel: str) -> None:
        (self.root / rel).unlink()

    # -- git -------------------------------------------------------------

    def git(self, *args: str) -> str:
        proc = subprocess.run(['git', *args], cwd=self.root, capture_output=True, text=True, check=True,
                              env={**os.environ, **GIT_ENV})
        return proc.stdout

    def init_git(self) -> None:
        self.git('init', '-q', '-b', 'master')
        self.is_git = True

    def commit(self, message: str = 'base state') -> str:
        """Commit everything in the working tree; return the commit id."""
        self.git('add', '-A')
        self.git('commit', '-q', '--allow-empty', '-m', message)
        return self.git('rev-parse', 'HEAD').strip()

    # -- validating --------------------------------------------------------

    def report(self, *files: str, base: str | None = None, all: bool | None = None) -> Report:
        """Run validate: --all (the default) or against ``base``; FILEs limit it.

        Always offline, with a cache directory of its own: the git-backed checks
        (RT7xx) are skipped instead of cloning the deliverables' repositories.
        """
        if all is None:
            all = base is None
        return validate(ValidateOptions(root=self.root, base=base, all=all, files=list(files), offline=True,
                                        cache_dir=self.cache_dir))

    def findings(self, *files: str, base: str | None = None, all: bool | None = None) -> list[tuple[str, int]]:
        """Sorted (check id, line) of every finding."""
        return sorted((f.check, f.line) for f in self.report(*files, base=base, all=all).findings)

    def findings_by_file(self, *files: str, base: str | None = None, all: bool | None = None
                         ) -> list[tuple[str, str, int]]:
        """Sorted (file, check id, line) of every finding."""
        return sorted((f.file, f.check, f.line) for f in self.report(*files, base=base, all=all).findings)

    def skipped(self, *files: str, base: str | None = None, all: bool | None = None) -> list[tuple[str, str]]:
        """Sorted (check id, reason) of every skipped check, except the git-backed ones (always skipped here)."""
        return sorted((s.check, s.reason) for s in self.report(*files, base=base, all=all).skipped
                      if s.check in RULES and RULES[s.check].family != 'git')



def only(findings: Iterable[tuple[str, int]], *checks: str) -> list[tuple[str, int]]:
    """The findings of some checks only."""
    return [f for f in findings if f[0] in checks]


def R(version: str, hash: str = '$1', repo: str = 'openstack/nova') -> str:
    """One release in flow style, on one line: ``- {version: ..., projects: [...]}``.

    ``hash`` may list several repositories as ``repo=$N`` pairs separated by
    commas, e.g. ``'openstack/nova=$1,openstack/placement=$2'``.
    """
    if '=' in hash:
        pairs = [p.split('=') for p in hash.split(',')]
    else:
        pairs = [[repo, hash]]
    projects = ', '.join(f'{{repo: {r}, hash: {h}}}' for r, h in pairs)
    return f"- {{version: '{version}', projects: [{projects}]}}"


def doc(*head: str, releases: Iterable[str] = (), tail: str = '') -> str:
    """A deliverable body: ``head`` lines, then ``releases:`` and one line per release, then ``tail``.

    With the :data:`HEADER` in front and one head line, ``releases:`` is line 5
    and release *n* (counting from 1) is on **line 5 + n**.
    """
    releases = list(releases)
    lines = [*head, 'releases:' if releases else 'releases: []', *(f'  {r}' for r in releases)]
    return '\n'.join(lines) + '\n' + textwrap.dedent(tail).lstrip('\n')
