"""The text of deliverable files: release entries, whole files, and the snippets of the rule tables.

A release entry is written one way, by :class:`Release`: as a flow mapping on one
line (``{version: '1.0.0', projects: [{repo: openstack/nova, hash: ...}]}``), the
spelling of hand-written test tables, or as a block list item, the spelling of
the real files. :func:`R` and :func:`rel` are the short forms the tests use.

Snippets are deliverable bodies without the three lines every file needs
(:data:`HEADER`); ``$1`` .. ``$9`` in them stand for distinct commit ids
(:data:`HASHES`), replaced by :func:`expand`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ['HASHES', 'HEADER', 'NOVA', 'R', 'Release', 'deliverable', 'doc', 'expand', 'rel']

#: The repository of the deliverable most tests release.
NOVA = 'openstack/nova'

#: Put in front of every snippet by ``DataRepo.write`` (three lines).
HEADER = 'team: nova\ntype: service\nlaunchpad: nova\n'

#: Hash placeholders: ``$1`` .. ``$9`` in a snippet become distinct 40-digit ids
#: (``$1`` is ``1a1a...``; a letter keeps YAML from reading it as a number).
HASHES = {f'${i}': f'{i}a' * 20 for i in range(1, 10)}


def expand(snippet: str) -> str:
    """Dedent a snippet, drop its leading blank lines and replace the ``$N`` hash placeholders."""
    text = textwrap.dedent(snippet).lstrip('\n')
    for token, value in HASHES.items():
        text = text.replace(token, value)
    return text


@dataclass(frozen=True)
class Release:
    """One entry of a file's ``releases`` list: a version and the commit of each repository."""

    version: str
    projects: tuple[tuple[str, str], ...]  # (repository, commit id), in file order

    @classmethod
    def of(cls, version: str, hash: str, repo: str = NOVA) -> Release:
        """A release of one repository; ``hash`` may instead list ``repo=hash`` pairs, comma separated.

        ``Release.of('1.0.0', 'openstack/nova=$1,openstack/placement=$2')`` releases two repositories.
        """
        if '=' in hash:
            pairs = tuple((r, h) for r, h in (p.split('=', 1) for p in hash.split(',')))
        else:
            pairs = ((repo, hash),)
        return cls(version, pairs)

    def flow(self) -> str:
        """The entry as a flow mapping on one line; the version quoted, so that 1.10 stays a string."""
        projects = ', '.join(f'{{repo: {r}, hash: {h}}}' for r, h in self.projects)
        return f"{{version: '{self.version}', projects: [{projects}]}}"

    def block(self, indent: int = 2) -> str:
        """The entry as a block list item at ``indent`` spaces, as real files write it (ends with a newline)."""
        pad = ' ' * indent
        rows = ''.join(f'{pad}    - repo: {r}\n{pad}      hash: {h}\n' for r, h in self.projects)
        return f'{pad}- version: {self.version}\n{pad}  projects:\n{rows}'


def rel(version: str, hash: str, repo: str = NOVA) -> str:
    """One release as a flow mapping (see :meth:`Release.of` for ``hash``)."""
    return Release.of(version, hash, repo).flow()


def R(version: str, hash: str = '$1', repo: str = NOVA) -> str:
    """One release as a list item on one line, ``- {version: ..., projects: [...]}``, for :func:`doc`."""
    return f'- {rel(version, hash, repo)}'


def doc(*head: str, releases: Iterable[str] = (), tail: str = '') -> str:
    """A snippet: ``head`` lines, then ``releases:`` and one line per release, then ``tail``.

    With the :data:`HEADER` in front and one head line, ``releases:`` is line 5
    and release *n* (counting from 1) is on **line 5 + n**.
    """
    releases = list(releases)
    lines = [*head, 'releases:' if releases else 'releases: []', *(f'  {r}' for r in releases)]
    return '\n'.join(lines) + '\n' + textwrap.dedent(tail).lstrip('\n')


def deliverable(releases: Iterable[str] = (), *, model: str | None = 'cycle-with-rc', repo: str = NOVA,
                settings: str = '{}', extra: str | None = None, branches: Iterable[str] = ()) -> str:
    """A whole nova file whose release *n* (from 1, each a :func:`rel`) is on line **7 + n**.

    Lines 1-7: team, type, launchpad, the model (or ``extra`` in its place;
    each extra line beyond one moves what follows down a line),
    ``repository-settings:``, the repository with ``settings``, ``releases:``.
    ``branches`` are flow mappings, one a line after a ``branches:`` line.
    """
    fourth = extra if extra is not None else (f'release-model: {model}' if model else 'release-type: python-service')
    lines = ['team: nova', 'type: service', 'launchpad: nova', fourth, 'repository-settings:',
             f'  {repo}: {settings}']
    releases = list(releases)
    lines.append('releases:' if releases else 'releases: []')
    lines.extend(f'  - {r}' for r in releases)
    branches = list(branches)
    if branches:
        lines.append('branches:')
        lines.extend(f'  - {b}' for b in branches)
    return '\n'.join(lines) + '\n'
