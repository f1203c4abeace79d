"""``releasetools unreleased``: the deliverables of a series with commits since their last release."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from . import args as shared
from .output import EXIT_OK, progress_writer

if TYPE_CHECKING:
    from ..review.unreleased import UnreleasedOptions
    from .args import Subparsers

__all__ = ['add_parser', 'options', 'run']

DESCRIPTION = ('For every deliverable of SERIES (default: the series in development; "_independent" for the '
               'independent ones) and each of its repositories: the commits (merges left out) on the branch '
               'its next release would come from (the series\' stable branch when it exists, else master for '
               'the newest series) since its last release, with their count and first lines. A repository that '
               'cannot be read, or lacks the branch or the released commit, is shown with the reason. Each '
               'repository costs the same few git processes however many deliverables name it. Exit status: 0, '
               'or 2 the command could not run.')


def add_parser(sub: Subparsers) -> argparse.ArgumentParser:
    parser = sub.add_parser('unreleased', help='list the deliverables with commits since their last release',
                            description=DESCRIPTION)
    shared.add_root(parser)
    parser.add_argument('series', nargs='?', metavar='SERIES', help='the series (default: the current one)')
    shared.add_repo_access(parser)
    shared.add_cache_dir(parser, 'mirrors of remote repositories (default: ~/.cache/releasetools)')
    shared.add_progress(parser)
    shared.add_format(parser, 'text (default, the first lines of each range) or json (every commit)')
    return parser


def options(args: argparse.Namespace) -> UnreleasedOptions:
    from ..review.unreleased import UnreleasedOptions

    return UnreleasedOptions(root=shared.root(args), series=args.series, repos=shared.repos_template(args.repos),
                             offline=args.offline, cache_dir=shared.absolute(args.cache_dir),
                             progress=progress_writer(args.progress))


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..review.unreleased import render_json, render_text, unreleased

    report = unreleased(options(args))
    out.write(render_json(report) if args.format == 'json' else render_text(report))
    return EXIT_OK
