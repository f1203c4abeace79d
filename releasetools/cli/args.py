"""The arguments several commands share, each declared here once.

A command passes its own help text where its meaning differs (``--cache-dir``
keeps mirrors for ``new-release``, also notes for ``release``); the flag, its
type and metavar are the same everywhere.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .output import EXIT_USAGE

__all__ = ['BASE_AS_VALIDATE', 'FILES_LIMIT', 'Parser', 'add_base', 'add_cache_dir', 'add_files', 'add_format',
           'add_offline', 'add_progress', 'add_repo_access', 'add_repos', 'add_root']

#: The --base of the commands that read a request as validate does.
BASE_AS_VALIDATE = 'the state before the request (default as in validate)'
#: The FILE arguments of the commands that read a request as validate does.
FILES_LIMIT = 'limit to these deliverable files'


class Parser(argparse.ArgumentParser):
    """The parser of releasetools and its commands: a usage error exits with status 2 (EXIT_USAGE)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f'{self.prog}: error: {message}\n')


if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[Parser]


def add_root(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--root', type=Path, default=Path('.'), metavar='DIR',
                        help='the data repository (default: the current directory)')


def add_base(parser: argparse.ArgumentParser, text: str = BASE_AS_VALIDATE) -> None:
    parser.add_argument('--base', metavar='REV', help=text)


def add_repos(parser: argparse.ArgumentParser, text: str) -> None:
    parser.add_argument('--repos', metavar='TEMPLATE', help=text)


def add_offline(parser: argparse.ArgumentParser, text: str) -> None:
    parser.add_argument('--offline', action='store_true', help=text)


def add_repo_access(parser: argparse.ArgumentParser) -> None:
    """--repos and --offline, as validate --help explains them."""
    add_repos(parser, 'where the repositories are, {repo} replaced by the name (default: '
                      'https://opendev.org/{repo}); see validate --help')
    add_offline(parser, 'use local repositories and cached mirrors only')


def add_cache_dir(parser: argparse.ArgumentParser, text: str) -> None:
    parser.add_argument('--cache-dir', type=Path, metavar='DIR', help=text)


def add_format(parser: argparse.ArgumentParser, text: str) -> None:
    parser.add_argument('--format', choices=('text', 'json'), default='text', help=text)


def add_progress(parser: argparse.ArgumentParser) -> None:
    """--progress / --no-progress, for the commands doing long work (None: neither was given)."""
    parser.add_argument('--progress', action=argparse.BooleanOptionalAction, default=None,
                        help='show a line per step of long work on stderr ("repositories 12/700: ..."), the default '
                             'when stderr is a terminal; --no-progress: never. stdout keeps only the report')


def add_files(parser: argparse.ArgumentParser, text: str = FILES_LIMIT) -> None:
    parser.add_argument('files', nargs='*', metavar='FILE', help=text)
