"""``releasetools propose-final SERIES``: the finals of every deliverable at a release candidate, in one request."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from . import args as shared
from .output import EXIT_OK, progress_writer

if TYPE_CHECKING:
    from ..propose.cycle import Result
    from ..propose.final import ProposeFinalOptions
    from .args import Subparsers

__all__ = ['add_parser', 'options', 'print_result', 'run']

DESCRIPTION = ('Append the final X.Y.Z of every deliverable of SERIES whose last release is a release candidate '
               '(or a beta, where the model allows), cycle-trailing ones excepted: the final re-tags the last '
               "candidate's commits, with diff-start the latest tag at the base of the previous series' stable "
               'branch, read from the repository (left out, and said so, when it cannot be read). One request: '
               'every file is appended byte for byte, the whole is validated first, and nothing is written if any '
               'part fails. Each file skipped is named with the reason.')


def add_parser(sub: Subparsers) -> argparse.ArgumentParser:
    parser = sub.add_parser('propose-final', help="propose the series' finals: re-tag every last release candidate",
                            description=DESCRIPTION)
    parser.add_argument('series', metavar='SERIES', help='the series directory')
    add_request_options(parser)
    return parser


def add_request_options(parser: argparse.ArgumentParser) -> None:
    """--root, --repos, --offline, --cache-dir and --dry-run, as the cycle-wide requests take them."""
    shared.add_root(parser)
    shared.add_repo_access(parser)
    shared.add_cache_dir(parser, 'mirror cache (default: ~/.cache/releasetools)')
    parser.add_argument('--dry-run', action='store_true', help='print what would be added, write nothing')
    shared.add_progress(parser)


def options(args: argparse.Namespace) -> ProposeFinalOptions:
    from ..propose.final import ProposeFinalOptions

    return ProposeFinalOptions(series=args.series, root=shared.root(args), repos=shared.repos_template(args.repos),
                               offline=args.offline, cache_dir=shared.absolute(args.cache_dir), dry_run=args.dry_run,
                               progress=progress_writer(args.progress))


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..propose.final import propose_final

    print_result(propose_final(options(args)), out)
    return EXIT_OK


def print_result(result: Result, out: TextIO) -> None:
    for line in result.lines():
        out.write(f'{line}\n')
