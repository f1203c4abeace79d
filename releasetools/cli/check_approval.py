"""``releasetools check-approval``: the release-approval gate."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ..core.errors import UsageError
from . import args as shared
from .output import EXIT_FINDINGS, EXIT_OK

if TYPE_CHECKING:
    from ..review.approval import Review
    from .args import Subparsers

__all__ = ['add_parser', 'review', 'run', 'teams_file']

DESCRIPTION = ('The release-approval gate: for every deliverable file the request changes (as in validate), one '
               'of its team\'s PTL or release liaisons must have approved the request (or written it). Exit '
               'status 0 approved, 1 not approved, 2 bad input.')
EPILOG = ('team data file (YAML):\n'
          '  teams:\n'
          '    nova: {ptl: alice, liaisons: [bob, carol]}\n'
          'review file (JSON): {"author": "alice", "approvers": ["bob"]}, or a Gerrit ChangeInfo '
          'with owner.username and labels["Code-Review"].all[] votes (+1 or more approves)\n')


def add_parser(sub: Subparsers) -> argparse.ArgumentParser:
    parser = sub.add_parser('check-approval',
                            help='decide whether the owning team approved each release of the request',
                            description=DESCRIPTION, epilog=EPILOG)
    shared.add_root(parser)
    shared.add_base(parser)
    parser.add_argument('--teams', type=Path, metavar='FILE',
                        help='the team data file (default: data/teams.yaml under --root)')
    parser.add_argument('--author', metavar='USER', help='who proposed the request')
    parser.add_argument('--approver', action='append', default=[], metavar='USER',
                        help='who approved it (repeatable)')
    parser.add_argument('--review', type=Path, metavar='FILE', help='author and approvers as exported JSON')
    shared.add_files(parser)
    return parser


def review(args: argparse.Namespace) -> Review:
    """Who wrote and who approved the request: --review's file, with --author and --approver on top."""
    from ..review.approval import Review, load_review

    exported = load_review(shared.absolute(args.review)) if args.review else Review(None)
    return Review(args.author or exported.author, exported.approvers | frozenset(args.approver))


def teams_file(args: argparse.Namespace, root: Path) -> Path:
    """--teams, else the data repository's own team data file; it must exist."""
    teams: Path = shared.absolute(args.teams) or root / 'data' / 'teams.yaml'
    if not teams.is_file():
        raise UsageError(f'no team data file at {teams}', 'pass --teams FILE')
    return teams


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..review.approval import check_approval

    root = shared.root(args)
    report = check_approval(root, teams_file(args, root), review(args), base=args.base, files=args.files)
    for decision in report.decisions:
        verdict = 'approved' if decision.approved else 'NOT APPROVED'
        out.write(f'{decision.path}: {verdict} (team {decision.team}): {decision.reason}\n')
    if not report.decisions:
        out.write('the request changes no deliverable file: nothing to approve\n')
    return EXIT_OK if report.approved else EXIT_FINDINGS
