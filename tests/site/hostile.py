"""A data repository written by a hostile contributor: highlights and URLs that try to escape text.

Each attack sits on a known line of ``deliverables/hibiscus/nova.yaml`` (see
:data:`LINES`) so that tests can assert the finding of each, and carries a
marker the built site must not contain.
"""

from __future__ import annotations

import os
from pathlib import Path

from releasetools.testing.datarepo import DataRepo

#: What the attacks try to put on the page; none may appear in the built site.
SCRIPT_MARKER = 'rt-injected-script'
SECRET_MARKER = 'rt-secret-file-contents-0123'
PASSWD_MARKER = 'root:x:0:0'
TITLE_MARKER = 'rt-pwned-title'

#: The page the highlights are parsed into, relative to the Sphinx source directory.
HIGHLIGHTS_DOC = 'highlights/hibiscus'


def _relative_from_source(out: Path, target: Path) -> str:
    """``target`` as a path relative to the highlights page's source, as the attack would write it."""
    page_dir = out / '.cache' / 'source' / os.path.dirname(HIGHLIGHTS_DOC)
    return os.path.relpath(target, page_dir)


def write_hostile_tree(root: Path, out: Path) -> tuple[DataRepo, dict[str, int]]:
    """The tree, for a site built into ``out``, and the file line of each attack by name."""
    data = DataRepo(root)
    secret = root.parent / 'secret.txt'
    secret.write_text(SECRET_MARKER + '\n')
    secret_rel = _relative_from_source(out, secret)
    passwd_rel = _relative_from_source(out, Path('/etc/passwd'))
    script = (f"document.title='{SCRIPT_MARKER}';"
              f"document.body.insertAdjacentHTML('beforeend','<p id=\"{SCRIPT_MARKER}\">x</p>')")
    text = f"""\
team: nova
type: service
launchpad: nova
release-model: cycle-with-rc
release-notes: javascript:alert(1)
repository-settings:
  openstack/nova: {{}}
cycle-highlights:
  - Nova boots faster.
  - |
    .. raw:: html

       <script>{script}</script>
  - |
    A file:

    .. include:: {secret_rel}
       :literal:
  - |
    .. include:: {passwd_rel}
       :literal:
  - |
    Click `x <javascript:alert(1)>`_ here, or `docs <https://docs.example.org/nova>`_.
  - |
    .. image:: {secret_rel}
releases:
  - version: 33.0.0
    projects:
      - repo: openstack/nova
        hash: {'1a' * 20}
"""
    # A team name is data too: a line break in it must not end the page title.
    (root / 'deliverables' / 'hibiscus' / 'evil.yaml').write_text(
        f'team: "evil\\n\\n.. title:: {TITLE_MARKER}\\n"\ntype: other\nlaunchpad: evil\n'
        'release-model: cycle-with-intermediary\nreleases: []\n')
    path = root / 'deliverables' / 'hibiscus' / 'nova.yaml'
    path.write_text(text)
    lines = text.splitlines()

    def line_of(needle: str) -> int:
        return next(i for i, line in enumerate(lines, 1) if needle in line)

    return data, {
        'release-notes': line_of('release-notes:'),
        'raw': line_of('.. raw::'),
        'include': line_of(f'.. include:: {secret_rel}'),
        'passwd': line_of(f'.. include:: {passwd_rel}'),
        'link': line_of('<javascript:alert(1)>'),
        'image': line_of('.. image::'),
    }
