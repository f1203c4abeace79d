"""Appending an entry to a list of a deliverable file, changing no other byte.

Round-trip YAML editors re-indent and re-quote; a reviewer should see a
one-entry diff. So the new entry is written as text, in the indentation of
the entries already there, just after the last of them; the result is parsed
again and must equal the old data plus the entry, or nothing is written.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from ..core.errors import ReleaseToolsError
from . import atomic
from .yamlio import YList, YMap, parse_yaml

__all__ = ['append_to_list', 'list_layout', 'locked_file', 'newline_of', 'render_branch', 'render_release',
           'write_atomically']


def _scalar(value: str) -> str:
    """``value`` as a YAML scalar that reads back as the same string."""
    if yaml.safe_load(value) == value and not value.startswith(('*', '&', '!', '%', '@', '`')):
        return value
    return "'" + value.replace("'", "''") + "'"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(' '))


def render_release(version: str, projects: Sequence[Mapping[str, str]], *, dash: int, inner: int) -> list[str]:
    """Lines of a release entry: ``dash`` is the column of its "-", ``inner`` of the projects' "-"."""
    pad, key = ' ' * dash, ' ' * (dash + 2)
    lines = [f'{pad}- version: {_scalar(version)}', f'{key}projects:']
    for project in projects:
        first = True
        for name, value in project.items():
            lines.append(f'{" " * inner}{"- " if first else "  "}{name}: {_scalar(value)}')
            first = False
    return lines


def render_branch(name: str, location: str, *, dash: int) -> list[str]:
    return [f'{" " * dash}- name: {_scalar(name)}', f'{" " * (dash + 2)}location: {_scalar(location)}']


def list_layout(text: str, data: YMap, key: str) -> tuple[int, int] | None:
    """(column of the items' "-", column of nested lists' "-") of an existing block list."""
    items = data.get(key)
    if not isinstance(items, YList) or not items:
        return None
    lines = text.splitlines()
    first = items.item_lines[0]
    if first <= data.line_of(key):
        return None  # a flow list on the key's own line
    dash = _indent(lines[first - 1])
    inner = dash + 4
    last = items[-1]
    if isinstance(last, YMap) and isinstance(last.get('projects'), YList) and last['projects'].item_lines:
        inner = _indent(lines[last['projects'].item_lines[0] - 1])
    return dash, inner


def append_to_list(text: str, key: str, entry: list[str], expected: Any) -> str:
    """``text`` with ``entry`` (lines) appended to the top-level list ``key``.

    ``expected`` is the entry as data; the edited text must parse to the old
    data with ``expected`` appended, or ReleaseToolsError is raised.
    """
    data = parse_yaml(text)
    if not isinstance(data, YMap):
        raise ReleaseToolsError('the deliverable file is not a mapping')
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith('\n'):
        lines[-1] += '\n'
    block = '\n'.join(entry) + '\n'
    items = data.get(key)
    if key not in data:
        new_text = _new_list(lines, key, block)
    elif items is None or (isinstance(items, YList) and not items):
        new_text = _under_key(lines, data.line_of(key), block)  # "key:" with no value, or "key: []"
    elif isinstance(items, YList) and items.item_lines[0] > data.line_of(key):
        new_text = _end_of_block(lines, data.line_of(key), items, block)
    else:
        raise ReleaseToolsError(f'{key} is written in a layout new-release does not edit',
                                f'write {key} as a block list ("- " per entry) and try again')
    after = parse_yaml(new_text)
    old_items = list(items) if isinstance(items, list) else []
    if not isinstance(after, YMap) or list(after.get(key) or []) != [*old_items, expected] or \
            {k: v for k, v in after.items() if k != key} != {k: v for k, v in data.items() if k != key}:
        raise ReleaseToolsError(f'appending to {key} would change more than the new entry; nothing was written',
                                'add the entry by hand')
    return new_text


def _new_list(lines: list[str], key: str, block: str) -> str:
    """A new ``key:`` list at the end; blank lines and margin comments that end the file stay at its end."""
    end = len(lines)
    while end and (not lines[end - 1].strip() or lines[end - 1].startswith('#')):
        end -= 1
    return ''.join(lines[:end]) + f'{key}:\n' + block + ''.join(lines[end:])


def _under_key(lines: list[str], key_line: int, block: str) -> str:
    """The entry right under ``key:`` (line ``key_line``), whose value (none, or ``[]``) goes."""
    row = key_line - 1
    head, _, _ = lines[row].partition(':')
    return ''.join(lines[:row]) + f'{head}:\n' + block + ''.join(lines[row + 1:])


def _end_of_block(lines: list[str], key_line: int, items: YList, block: str) -> str:
    """The entry after the last one of a block list.

    The list ends before the next line at the left margin that is not a
    comment; blank lines and margin comments just before it belong to what follows.
    """
    margin_items = _indent(lines[items.item_lines[0] - 1]) == 0  # "- " at the margin
    end = len(lines)
    for i in range(key_line, len(lines)):
        line = lines[i]
        if line.strip() and not line.startswith((' ', '#')) and not (margin_items and line.startswith('-')):
            end = i
            break
    while end > key_line and (not lines[end - 1].strip() or lines[end - 1].startswith('#')):
        end -= 1
    return ''.join(lines[:end]) + block + ''.join(lines[end:])


def newline_of(content: bytes) -> str:
    """The line ending a file is written with: CRLF when most of its lines end so, else LF."""
    crlf = content.count(b'\r\n')
    return '\r\n' if crlf and crlf * 2 > content.count(b'\n') else '\n'


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so that readers see the old or the new file, never half of one.

    ``text`` has LF line endings; a file written with CRLF keeps CRLF. A
    symbolic link stays a link: the file it points to is replaced.
    """
    try:
        old = Path(os.path.realpath(path)).read_bytes()
    except FileNotFoundError:
        old = b''
    atomic.write_text(path, text, newline=newline_of(old))


@contextlib.contextmanager
def locked_file(path: Path, wait: float = 60.0) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` names (through links), for one read-edit-write.

    The lock is on the file itself, so no lock file is left behind. A writer
    replaces the file (a new inode), so after waiting the lock is taken again
    on whatever the name now holds. Raises ReleaseToolsError when another
    holder keeps it longer than ``wait`` seconds.
    """
    target = os.path.realpath(path)
    deadline = time.monotonic() + wait
    while True:
        try:
            fd = os.open(target, os.O_RDONLY)
        except OSError as exc:
            raise ReleaseToolsError(f'cannot open {path}: {exc.strerror}') from None
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise ReleaseToolsError(
                            f'{path} is being edited by another command (new-release?) for over {wait:.0f} s; '
                            'nothing was written', 'run the command again when the other one is done') from None
                    time.sleep(0.05)
            try:
                same = os.stat(target).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                yield
                return
        finally:
            os.close(fd)
