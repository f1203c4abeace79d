"""``releasetools site``: build the static releases website (Sphinx) from the data."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from . import args as shared
from .output import EXIT_FINDINGS, EXIT_OK, progress_writer, terminal_safe

if TYPE_CHECKING:
    from .args import Subparsers

__all__ = ['add_parser', 'run']

DESCRIPTION = ('Build the releases website of a data repository: a home page of the series, a page per series, '
               'team and deliverable, the independent deliverables, series highlights, a JSON export '
               '(releases.json) and an Atom feed (atom.xml). The site is OUTPUT/html; OUTPUT/.cache keeps what '
               'makes the next build incremental (only the pages showing a changed file are rebuilt). Title and '
               'link templates come from an optional DIR/data/site.yaml with the keys title, base-url, '
               'tarball-url, signature-url, pypi-url, commit-url; placeholders {repo} {tarball} {version} {name} '
               '{hash}; defaults: tarballs.opendev.org, pypi.org, opendev.org. Exit status: 0 built, 1 built '
               'with warnings (printed), 2 the command could not run.')


def add_parser(sub: Subparsers) -> argparse.ArgumentParser:
    parser = sub.add_parser('site', help='build the static releases website (Sphinx) from the data',
                            description=DESCRIPTION)
    shared.add_root(parser)
    parser.add_argument('--output', type=Path, metavar='DIR',
                        help='where to build (default: .releasetools/site in the data repository, a folder git '
                             'ignores: it holds a .gitignore of *)')
    parser.add_argument('--jobs', type=int, default=1, metavar='N', help='Sphinx processes (default: 1)')
    shared.add_progress(parser)
    return parser


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..site import build_site  # Sphinx is imported only when a site is built

    result = build_site(shared.root(args), shared.absolute(args.output), args.jobs,
                        progress=progress_writer(args.progress))
    err = terminal_safe(sys.stderr)
    for warning in result.warnings:
        err.write(f'{warning}\n')
    out.write(f'{result.index} ({result.pages} pages, {len(result.rebuilt)} rebuilt, {result.seconds:.1f} s)\n')
    return EXIT_FINDINGS if result.warnings else EXIT_OK
