"""``releasetools propose-milestone SERIES KIND``: the next beta or release candidate of a series, in one request."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from . import args as shared
from .output import EXIT_OK, progress_writer
from .propose_final import add_request_options, print_result

if TYPE_CHECKING:
    from ..propose.milestone import ProposeMilestoneOptions
    from .args import Subparsers

__all__ = ['add_parser', 'options', 'run']

DESCRIPTION = ('Append the next pre-release of KIND (milestone: the next beta; rc: the next release candidate) '
               'to every cycle-with-rc deliverable of SERIES, at the head of the right branch of each repository '
               "(the series' stable branch once it exists, else the default branch). Deliverables with no new "
               'commit since the release they follow, or that already have their final, are skipped, with the '
               'reason. One request: validated whole, nothing written if any part fails.')


def add_parser(sub: Subparsers) -> argparse.ArgumentParser:
    parser = sub.add_parser('propose-milestone', help="propose the series' next betas or release candidates",
                            description=DESCRIPTION)
    parser.add_argument('series', metavar='SERIES', help='the series directory')
    parser.add_argument('kind', metavar='KIND', choices=('milestone', 'rc'), help='milestone or rc')
    add_request_options(parser)
    return parser


def options(args: argparse.Namespace) -> ProposeMilestoneOptions:
    from ..propose.milestone import ProposeMilestoneOptions

    return ProposeMilestoneOptions(series=args.series, kind=args.kind, root=shared.root(args),
                                   repos=shared.repos_template(args.repos), offline=args.offline,
                                   cache_dir=shared.absolute(args.cache_dir), dry_run=args.dry_run,
                                   progress=progress_writer(args.progress))


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..propose.milestone import propose_milestone

    print_result(propose_milestone(options(args)), out)
    return EXIT_OK
