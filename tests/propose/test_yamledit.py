"""Appending an entry changes no other byte of the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from releasetools.core.errors import ReleaseToolsError
from releasetools.data.yamledit import append_to_list, list_layout, render_branch, render_release, write_atomically
from releasetools.data.yamlio import parse_yaml

UNUSUAL = """\
---
# A comment at the top, kept.
team:    nova     # odd spacing, kept
type: "service"
releases:
- version: '1.0.0'      # margin-level items and quoted versions
  projects:
    -   repo: openstack/nova
        hash: 0000000000000000000000000000000000000001
  # a comment inside the list
# a comment that belongs to branches
branches:
    - name: stable/2026.1
      location: 1.0.0
"""

ENTRY = {'version': '1.1.0', 'projects': [{'repo': 'openstack/nova', 'hash': 'ab' * 20}]}


def add_release(text: str) -> str:
    layout = list_layout(text, parse_yaml(text), 'releases') or (2, 6)
    lines = render_release('1.1.0', ENTRY['projects'], dash=layout[0], inner=layout[1])
    return append_to_list(text, 'releases', lines, ENTRY)


def test_unusual_layout_survives_byte_for_byte() -> None:
    new = add_release(UNUSUAL)
    added = ("- version: 1.1.0\n  projects:\n    - repo: openstack/nova\n"
             f"      hash: {'ab' * 20}\n")
    cut = UNUSUAL.index('# a comment that belongs to branches')
    assert new == UNUSUAL[:cut] + added + UNUSUAL[cut:]


def test_indented_list_at_end_of_file_without_newline() -> None:
    text = 'team: nova\ntype: service\nreleases:\n  - version: 1.0.0\n    projects:\n' \
           '      - repo: openstack/nova\n        hash: ' + '01' * 20
    new = add_release(text)
    assert new.startswith(text + '\n  - version: 1.1.0\n    projects:\n      - repo: openstack/nova\n')
    assert parse_yaml(new)['releases'][-1] == ENTRY


def test_no_releases_key_yet() -> None:
    """The trailing blank lines (and margin comments) stay at the end of the file."""
    text = 'team: nova\ntype: service\n\n# the end\n\n'
    new = add_release(text)
    assert new == 'team: nova\ntype: service\nreleases:\n  - version: 1.1.0\n    projects:\n' \
                  f'      - repo: openstack/nova\n        hash: {"ab" * 20}\n\n# the end\n\n'


def test_empty_flow_list() -> None:
    text = 'team: nova\nreleases: []  # none yet\ntype: service\n'
    new = add_release(text)
    assert parse_yaml(new) == {'team': 'nova', 'releases': [ENTRY], 'type': 'service'}
    assert new.endswith('type: service\n')


def test_flow_list_with_entries_is_refused() -> None:
    text = 'team: nova\nreleases: [{version: 1.0.0, projects: []}]\n'
    with pytest.raises(ReleaseToolsError, match='layout'):
        add_release(text)


def test_branch_entry() -> None:
    new = append_to_list(UNUSUAL, 'branches', render_branch('stable/2026.2', '1.1.0', dash=4),
                         {'name': 'stable/2026.2', 'location': '1.1.0'})
    assert new == UNUSUAL + '    - name: stable/2026.2\n      location: 1.1.0\n'


def test_versions_that_yaml_would_misread_are_quoted() -> None:
    lines = render_release('1.10', [{'repo': 'o/x', 'hash': 'yes'}], dash=0, inner=4)
    assert lines == ["- version: '1.10'", '  projects:', "    - repo: o/x", "      hash: 'yes'"]


def test_write_atomically_keeps_mode_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / 'x.yaml'
    path.write_text('old\n')
    path.chmod(0o640)
    write_atomically(path, 'new\n')
    assert path.read_text() == 'new\n'
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ['x.yaml']
