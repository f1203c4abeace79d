"""``releasetools list-changes``: what each release of a request contains, for its reviewer."""

from __future__ import annotations

import argparse
import datetime
from typing import TYPE_CHECKING, TextIO

from . import args as shared
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
                            description=DESCRIPTION, epilog='JSON output (--format json):\n' + JSON_SCHEMA + '\n',
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    shared.add_root(parser)
    shared.add_base(parser)
    shared.add_repo_access(parser)
    shared.add_cache_dir(parser, 'mirrors and the cache of scanned ranges and notes (default: '
                                 '~/.cache/releasetools)')
    shared.add_format(parser, 'text (default) or json')
    parser.add_argument('--date', type=_iso_date, metavar='YYYY-MM-DD',
                        help='the day the release would happen, for the calendar hints (default: today)')
    shared.add_progress(parser)
    shared.add_files(parser)
    return parser


def _iso_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f'{text!r} is not a date (YYYY-MM-DD)') from None


def options(args: argparse.Namespace) -> ChangesOptions:
    from ..review import ChangesOptions

    return ChangesOptions(root=args.root, base=args.base, files=list(args.files), repos=args.repos,
                          offline=args.offline, cache_dir=args.cache_dir, date=args.date,
                          progress=progress_writer(args.progress))


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..review import list_changes, render_json, render_text

    report = list_changes(options(args))
    out.write(render_json(report) if args.format == 'json' else render_text(report))
    return EXIT_OK
