"""``releasetools list-changes``: what each release of a request contains, for its reviewer."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from . import args as shared
from .cienv import run_id
from .output import EXIT_OK, progress_writer

if TYPE_CHECKING:
    from ..review import ChangesOptions
    from .args import Subparsers

__all__ = ['add_parser', 'options', 'run']

DESCRIPTION = ('For each release the request adds (the difference from --base, as in validate): the deliverable, '
               'its team, type and model, the previous release and the kind of step; per repository the commits '
               'since the previous release (merges left out), whether the commit is a branch head and which '
               'branches contain it, a preview of the release notes of the range (rendered by reno) with the '
               'step they call for (features: minor; upgrade, deprecations: major; fixes: patch), changed '
               'requirements, for libraries the incompatible public API changes (griffe), and timing hints from '
               'doc/source/<series>/schedule.yaml. Warnings: a step smaller than the notes or the API call for, '
               'nothing changed, a commit on none of its branches, minimums raised in a patch release. A '
               'repository that cannot be read is shown as unavailable, with the reason. Exit status: 0 '
               '(warnings included), 2 the command could not run.')


def add_parser(sub: Subparsers) -> argparse.ArgumentParser:
    from ..review import JSON_SCHEMA

    parser = sub.add_parser('list-changes', help='show what each release of a request contains, for its reviewer',
                            description=DESCRIPTION, epilog='JSON output (--format json):\n' + JSON_SCHEMA + '\n')
    shared.add_root(parser)
    shared.add_base(parser)
    shared.add_repo_access(parser)
    shared.add_cache_dir(parser, 'mirrors and the cache of scanned ranges and notes (default: '
                                 '~/.cache/releasetools)')
    shared.add_format(parser, 'text (default), json, markdown (a pull-request comment or step summary) or '
                              'gerrit (a Gerrit ReviewInput: the warnings as robot comments at the line of each '
                              'release; robot_run_id: $RELEASETOOLS_RUN_ID, else the time)',
                      choices=('text', 'json', 'markdown', 'gerrit'))
    shared.add_date(parser, 'the day the release would happen, for the calendar hints (default: today)')
    shared.add_progress(parser)
    shared.add_files(parser)
    return parser


def options(args: argparse.Namespace) -> ChangesOptions:
    from ..review import ChangesOptions

    return ChangesOptions(root=shared.root(args), base=args.base, files=list(args.files),
                          repos=shared.repos_template(args.repos), offline=args.offline,
                          cache_dir=shared.absolute(args.cache_dir), date=args.date,
                          progress=progress_writer(args.progress))


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..review import list_changes, render_json, render_text
    from ..review.gerrit import render_gerrit
    from ..review.markdown import render_markdown

    report = list_changes(options(args))
    if args.format == 'json':
        out.write(render_json(report))
    elif args.format == 'markdown':
        out.write(render_markdown(report))
    elif args.format == 'gerrit':
        out.write(render_gerrit(report, run_id()))
    else:
        out.write(render_text(report))
    return EXIT_OK
