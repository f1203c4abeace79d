"""The arguments several commands share, each declared here once.

A command passes its own help text where its meaning differs (``--cache-dir``
keeps mirrors for ``new-release``, also notes for ``release``); the flag, its
type and metavar are the same everywhere.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from ..core.errors import UsageError
from .output import EXIT_USAGE

__all__ = ['BASE_AS_VALIDATE', 'FILES_LIMIT', 'Parser', 'WrappedFormatter', 'absolute', 'add_base', 'add_cache_dir',
           'add_date', 'add_files', 'add_format', 'add_offline', 'add_progress', 'add_repo_access', 'add_repos',
           'add_root', 'find_root', 'is_data_root', 'iso_date', 'repos_template', 'root']

#: The --base of the commands that read a request as validate does.
BASE_AS_VALIDATE = 'the state before the request (default as in validate)'
#: The FILE arguments of the commands that read a request as validate does.
FILES_LIMIT = 'limit to these deliverable files'


class WrappedFormatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions and epilogs wrapped at the terminal width ($COLUMNS), their line breaks kept.

    Each line of the text is a paragraph of its own: a long one is wrapped, an
    indented one keeps its indent, and a line of a table (``NAME   text``) goes
    on under its text column, so the environment tables and examples still line up.
    """

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return '\n'.join(_wrap_line(line, width, indent) for line in text.splitlines())

    def _format_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None) -> str:
        # argparse never breaks inside a group ([--a X | --b | --c Y]): a line still too long is wrapped here.
        text = super()._format_usage(usage, actions, groups, prefix)
        width = self._width
        return '\n'.join(line if len(line) <= width else
                         textwrap.fill(line.strip(), width, initial_indent=line[:len(line) - len(line.lstrip())],
                                       subsequent_indent=line[:len(line) - len(line.lstrip())] + '  ',
                                       break_on_hyphens=False)
                         for line in text.split('\n'))


#: A table row: an indented name, two spaces or more, then its text (the hanging indent).
_ROW_RE = re.compile(r'^(\s*\S+(?: \S+)*\s{2,})\S')


def _wrap_line(line: str, width: int, indent: str) -> str:
    if not line.strip():
        return ''
    lead = indent + line[:len(line) - len(line.lstrip())]
    row = _ROW_RE.match(line)
    hanging = indent + ' ' * len(row.group(1)) if row and len(row.group(1)) < width * 2 // 3 else lead
    return textwrap.fill(line.strip(), width, initial_indent=lead, subsequent_indent=hanging,
                         break_on_hyphens=False)


class Parser(argparse.ArgumentParser):
    """The parser of releasetools and its commands: a usage error exits with status 2 (EXIT_USAGE)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault('formatter_class', WrappedFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f'{self.prog}: error: {message}\n')


if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[Parser]


def add_root(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--root', type=Path, default=None, metavar='DIR',
                        help='the data repository (default: the one the current directory is in, found upwards '
                             'as git does: the nearest folder holding data/series_status.yaml and deliverables/)')


@overload
def absolute(path: Path) -> Path: ...


@overload
def absolute(path: Path | None) -> Path | None: ...


def absolute(path: Path | None) -> Path | None:
    """A path option as the user meant it: relative to the working directory, ``~`` expanded; None stays None."""
    return None if path is None else Path(os.path.abspath(path.expanduser()))


def is_data_root(folder: Path) -> bool:
    """Whether ``folder`` is the top of a data repository: it holds data/series_status.yaml and deliverables/."""
    return (folder / 'data' / 'series_status.yaml').is_file() and (folder / 'deliverables').is_dir()


def find_root(start: Path) -> Path | None:
    """The nearest of ``start`` and its parents that is a data repository, or None."""
    start = Path(os.path.abspath(start))
    return next((folder for folder in (start, *start.parents) if is_data_root(folder)), None)


def root(args: argparse.Namespace) -> Path:
    """--root made absolute, else the data repository the working directory is in; UsageError when none."""
    given: Path | None = absolute(args.root)
    if given is not None:
        return given
    cwd = Path.cwd()
    found = find_root(cwd)
    if found is None:
        raise UsageError(f'{cwd} is not in a release data repository: neither it nor a folder above it holds '
                         'data/series_status.yaml and deliverables/',
                         'run the command from inside a data repository, or pass --root DIR')
    return found


def repos_template(template: str | None) -> str | None:
    """--repos as the user meant it: a local path made absolute ({repo} kept), a URL untouched.

    An empty template stays empty (the command's default applies, as when absent).
    """
    from ..git.mirrors import is_remote  # the git layer is imported by the commands that use it only

    if not template or is_remote(template) or template.lower().startswith('file://'):
        return template
    expanded = os.path.expanduser(template)
    return expanded if os.path.isabs(expanded) else os.path.join(os.getcwd(), expanded)


def add_base(parser: argparse.ArgumentParser, text: str = BASE_AS_VALIDATE) -> None:
    parser.add_argument('--base', metavar='REV', help=text)


def add_repos(parser: argparse.ArgumentParser, text: str) -> None:
    """--repos, and --remotes (release's first spelling of it) as a hidden alias; a local path is relative to the
    working directory."""
    parser.add_argument('--repos', metavar='TEMPLATE', help=text + ' (--remotes is the same)')
    parser.add_argument('--remotes', dest='repos', metavar='TEMPLATE', help=argparse.SUPPRESS)


def add_offline(parser: argparse.ArgumentParser, text: str) -> None:
    parser.add_argument('--offline', action='store_true', help=text)


def add_repo_access(parser: argparse.ArgumentParser) -> None:
    """--repos and --offline, as validate --help explains them."""
    add_repos(parser, 'where the repositories are, {repo} replaced by the name (default: '
                      'https://opendev.org/{repo}); see validate --help')
    add_offline(parser, 'use local repositories and cached mirrors only')


def add_cache_dir(parser: argparse.ArgumentParser, text: str) -> None:
    parser.add_argument('--cache-dir', type=Path, metavar='DIR', help=text)


def iso_date(text: str) -> datetime.date:
    """An argparse type: a YYYY-MM-DD date."""
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f'{text!r} is not a date (YYYY-MM-DD)') from None


def add_date(parser: argparse.ArgumentParser, text: str) -> None:
    parser.add_argument('--date', type=iso_date, metavar='YYYY-MM-DD', help=text)


def add_format(parser: argparse.ArgumentParser, text: str, choices: tuple[str, ...] = ('text', 'json')) -> None:
    parser.add_argument('--format', choices=choices, default='text', help=text)


def add_progress(parser: argparse.ArgumentParser) -> None:
    """--progress / --no-progress, for the commands doing long work (None: neither was given)."""
    parser.add_argument('--progress', action=argparse.BooleanOptionalAction, default=None,
                        help='show a line per step of long work on stderr ("repositories 12/700: ..."), the default '
                             'when stderr is a terminal; --no-progress: never. stdout keeps only the report')


def add_files(parser: argparse.ArgumentParser, text: str = FILES_LIMIT) -> None:
    parser.add_argument('files', nargs='*', metavar='FILE', help=text)
