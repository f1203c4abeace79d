"""``releasetools init-series``: add the next series to the data, as one reviewable request."""

from __future__ import annotations

import argparse
import datetime
from typing import TYPE_CHECKING, TextIO

from . import args as shared
from .output import EXIT_OK

if TYPE_CHECKING:
    from ..propose.initseries import InitSeriesOptions
    from .args import Subparsers

__all__ = ['add_parser', 'options', 'run']

DESCRIPTION = ('Add the next series to data/series_status.yaml (a new first row, status future; no other byte '
               'of the file changes), and create deliverables/NAME/ and a calendar skeleton '
               'doc/source/NAME/schedule.yaml (weeks R-N .. R+0, no events). Refused, with nothing written: a '
               'name or release id already in the table, a date not after the newest series\' initial release, '
               'a directory already there. Exit status: 0 written, 2 refused.')


def add_parser(sub: Subparsers) -> argparse.ArgumentParser:
    parser = sub.add_parser('init-series', help='add the next series, its deliverables directory and calendar',
                            description=DESCRIPTION)
    shared.add_root(parser)
    parser.add_argument('name', metavar='NAME', help='the series name (lower case, e.g. indri)')
    parser.add_argument('--release-id', required=True, metavar='ID', help='its release id, e.g. 2027.1')
    parser.add_argument('--initial-release', required=True, type=_iso_date, metavar='YYYY-MM-DD',
                        help='the day of its release')
    return parser


def _iso_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f'{text!r} is not a date (YYYY-MM-DD)') from None


def options(args: argparse.Namespace) -> InitSeriesOptions:
    from ..propose.initseries import InitSeriesOptions

    return InitSeriesOptions(shared.root(args), args.name, args.release_id, args.initial_release)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..propose.initseries import init_series

    result = init_series(options(args))
    follows = f', after {result.follows}' if result.follows else ''
    out.write(f'added series {result.name}{follows}; calendar of {result.weeks} weeks (no events yet)\n')
    for path in result.written:
        out.write(f'  wrote {path}\n')
    out.write(f'  (git keeps no empty directory: deliverables/{result.name}/ is committed with its first file)\n')
    return EXIT_OK
