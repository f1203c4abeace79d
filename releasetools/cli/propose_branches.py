"""``releasetools propose-branches SERIES [--type T,...]``: the stable branches of a series, in one request."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from . import args as shared
from .output import EXIT_OK
from .propose_final import print_result

if TYPE_CHECKING:
    from ..propose.branches import ProposeBranchesOptions
    from .args import Subparsers

__all__ = ['add_parser', 'options', 'run']

DESCRIPTION = ("Append the series' stable branch (stable/<release-id>) to every deliverable of SERIES of the "
               'given types, located at its latest release of the series. Deliverables that already have it, '
               'have no release to branch from, or whose stable-branch-type makes no such branch are skipped, '
               'with the reason. One request: validated whole, nothing written if any part fails.')


def _types(value: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in value.split(',') if t.strip())


def add_parser(sub: Subparsers) -> argparse.ArgumentParser:
    parser = sub.add_parser('propose-branches', help="propose the series' stable branches at the latest releases",
                            description=DESCRIPTION)
    parser.add_argument('series', metavar='SERIES', help='the series directory')
    parser.add_argument('--type', type=_types, default=(), metavar='TYPE[,TYPE...]',
                        help='only deliverables of these types, e.g. library,client-library (default: every type)')
    shared.add_root(parser)
    parser.add_argument('--dry-run', action='store_true', help='print what would be added, write nothing')
    return parser


def options(args: argparse.Namespace) -> ProposeBranchesOptions:
    from ..propose.branches import ProposeBranchesOptions

    return ProposeBranchesOptions(series=args.series, types=args.type, root=shared.root(args), dry_run=args.dry_run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..propose.branches import propose_branches

    print_result(propose_branches(options(args)), out)
    return EXIT_OK
