"""``releasetools new-release``: propose a release by appending the next version to a deliverable file."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from ..core.nextversion import KINDS
from . import args as shared
from .output import EXIT_OK, progress_writer

if TYPE_CHECKING:
    from ..propose.newrelease import NewReleaseOptions, Proposal
    from .args import Subparsers

__all__ = ['add_parser', 'options', 'run']

DESCRIPTION = ('Compute the next version of a deliverable from its history and append the release to '
               'deliverables/SERIES/DELIVERABLE.yaml, at the head of the right branch of each repository (the '
               'default branch for the development series, the stable branch once it exists), changing no '
               'other byte of the file. Nothing is written when the result would not validate.')
EPILOG = ('kinds:\n'
          '  bugfix     X.Y.Z -> X.Y.Z+1\n'
          '  feature    X.Y.Z -> X.Y+1.0\n'
          '  major      X.Y.Z -> X+1.0.0\n'
          '  milestone  next beta X.0.0.0bN (the first of a series bumps the major version)\n'
          '  rc         next release candidate X.0.0.0rcN (after no milestone: bumps the major)\n'
          '  final      re-tags the last release candidate, same commits\n'
          '  eol, em    the series\' closing tag (<release-id>-eol/-em) on the last release\'s commits\n')


def add_parser(sub: Subparsers) -> argparse.ArgumentParser:
    parser = sub.add_parser('new-release', help='propose a release: append the next version to a deliverable file',
                            description=DESCRIPTION, epilog=EPILOG)
    parser.add_argument('series', metavar='SERIES', help='the series directory (or _independent)')
    parser.add_argument('deliverable', metavar='DELIVERABLE',
                        help='the deliverable name (file name without .yaml)')
    parser.add_argument('kind', metavar='KIND', choices=KINDS, help='one of: ' + ', '.join(KINDS))
    shared.add_root(parser)
    shared.add_repo_access(parser)
    shared.add_cache_dir(parser, 'mirror cache (default: ~/.cache/releasetools)')
    parser.add_argument('--stable-branch', action='store_true',
                        help='also append the stable branch of the series, cut from the new version')
    parser.add_argument('--hash', action='append', default=[], metavar='REPO=SHA',
                        help='release this commit of REPO instead of its branch head (repeatable)')
    parser.add_argument('--dry-run', action='store_true', help='print the entry, write nothing')
    shared.add_progress(parser)
    return parser


def options(args: argparse.Namespace) -> NewReleaseOptions:
    """The proposal the command line asks for; a malformed --hash is a usage error."""
    from ..propose.newrelease import NewReleaseOptions, parse_hashes

    return NewReleaseOptions(series=args.series, deliverable=args.deliverable, kind=args.kind,
                             root=shared.root(args), repos=shared.repos_template(args.repos), offline=args.offline,
                             cache_dir=shared.absolute(args.cache_dir),
                             stable_branch=args.stable_branch, hashes=parse_hashes(args.hash),
                             dry_run=args.dry_run, progress=progress_writer(args.progress))


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..propose.newrelease import new_release

    opts = options(args)
    _print_proposal(new_release(opts), opts.dry_run, out)
    return EXIT_OK


def _print_proposal(proposal: Proposal, dry_run: bool, out: TextIO) -> None:
    plan = proposal.plan
    verb = 'would add' if dry_run else 'added'
    after = f' after {plan.previous}' if plan.previous else ''
    out.write(f'{proposal.path}: {verb} {plan.version} ({plan.kind}{after})\n')
    for head in proposal.heads:
        where = f'head of {head.branch}' if head.branch else 'given' if plan.reuse is None else \
            f'as {plan.reuse.version}'
        count = '' if head.commits is None else f', {head.commits} commit{"s" if head.commits != 1 else ""}' \
            f' since {head.previous}'
        out.write(f'  {head.repo} {head.hash} ({where}{count})\n')
    if proposal.branch:
        out.write(f'  branch {proposal.branch} from {plan.version}\n')
