"""``releasetools audit``: every release of the data has its tag, and optionally its files, in the world."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from . import args as shared
from .output import EXIT_FINDINGS, EXIT_OK, progress_writer

if TYPE_CHECKING:
    from ..review.audit import AuditOptions
    from .args import Subparsers

__all__ = ['add_parser', 'options', 'run']

DESCRIPTION = ('For every release of SERIES (default: every series): each of its repositories has the tag '
               'named by the version, at the commit the data gives (one for-each-ref per repository). With '
               '--index, its sdists and wheels are on the package index (the PEP 503 simple page and its '
               'sha256); with --tarballs, in that directory, with the sha256 of its .sha256 file and of the '
               'index. Reports what is missing or different, and what could not be read. Exit status: 0 all '
               'present, 1 something missing, different or unreadable, 2 the command could not run.')


def add_parser(sub: Subparsers) -> argparse.ArgumentParser:
    parser = sub.add_parser('audit', help='check that every release has its tag (and files) where it should',
                            description=DESCRIPTION)
    shared.add_root(parser)
    parser.add_argument('series', nargs='?', metavar='SERIES', help='the series (default: every series)')
    shared.add_repo_access(parser)
    shared.add_cache_dir(parser, 'mirrors of remote repositories (default: ~/.cache/releasetools)')
    shared.add_progress(parser)
    parser.add_argument('--index', metavar='URL', help='the simple API of the package index, e.g. '
                                                       'https://pypi.org/simple/')
    parser.add_argument('--tarballs', type=Path, metavar='DIR', help='the tarballs directory the release job '
                                                                     'copies to')
    shared.add_format(parser, 'text (default) or json')
    return parser


def options(args: argparse.Namespace) -> AuditOptions:
    from ..review.audit import AuditOptions

    return AuditOptions(root=shared.root(args), series=args.series, repos=shared.repos_template(args.repos),
                        offline=args.offline, cache_dir=shared.absolute(args.cache_dir), index=args.index,
                        tarballs=shared.absolute(args.tarballs), progress=progress_writer(args.progress))


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..review.audit import audit, render_json, render_text

    report = audit(options(args))
    out.write(render_json(report) if args.format == 'json' else render_text(report))
    return EXIT_OK if report.ok else EXIT_FINDINGS
