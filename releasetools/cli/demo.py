"""``releasetools demo``: the whole pipeline in a sandbox, offline, through the real commands."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .output import EXIT_OK

if TYPE_CHECKING:
    from .args import Subparsers

__all__ = ['add_parser', 'run']

DESCRIPTION = ('Build source repositories (pbr packages with reno notes), a data repository with two series and '
               'three deliverables, a package index (pypiserver) and a mail sink (aiosmtpd) on 127.0.0.1; then '
               'new-release proposes a release, validate, list-changes and check-approval review it, it is '
               'merged, release tags, builds, uploads, writes notes and announces, and site rebuilds the '
               "website. Needs the demo extra: pip install 'releasetools[demo]'. A second run in the same "
               'directory starts afresh; a non-empty directory an earlier demo did not make is refused, never '
               'emptied.')


def add_parser(sub: Subparsers) -> argparse.ArgumentParser:
    parser = sub.add_parser('demo', help='run the whole pipeline in a sandbox, offline, through the real commands',
                            description=DESCRIPTION)
    parser.add_argument('--dir', type=Path, default=Path('releasetools-demo'), metavar='DIR',
                        help='the sandbox (default: ./releasetools-demo)')
    return parser


def run(args: argparse.Namespace, out: TextIO) -> int:
    # The demo runs the real commands: it is handed the dispatcher, so demo/ never imports cli/.
    from ..demo.sandbox import run_demo
    from .main import main

    def say(line: str) -> None:
        out.write(line + '\n')
        out.flush()

    result = run_demo(Path(os.path.abspath(args.dir)), main, say)
    say('')
    say('the demo ran; everything is in ' + str(result.directory))
    say(f'  releases website : {result.site_index}')
    for mail in result.announcements:
        say(f'  announcement     : {mail}')
    say(f'  package index    : {result.index_url} (stopped now; its files are in {result.packages})')
    say(f'  release data     : {result.directory / "releases"} (git log shows the merged request)')
    return EXIT_OK
