"""The ``releasetools`` command: dispatch to a command module, print what went wrong.

Only the CLI prints or exits. Each command lives in its own module (``cli/validate.py`` ...) with
``add_parser(sub)`` and ``run(args, out) -> int``; the arguments several share are in ``cli/args.py``.
Library errors (``ReleaseToolsError``) are caught here, in one place, and become a message and exit
status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, TextIO

from .. import __version__
from ..core.errors import ReleaseToolsError
from ..core.redact import redact
from . import (
    audit,
    check_approval,
    countdown,
    demo,
    init_series,
    list_changes,
    new_release,
    propose_branches,
    propose_final,
    propose_milestone,
    release,
    rules,
    site,
    unreleased,
    validate,
)
from .args import Parser
from .output import EXIT_OK, EXIT_USAGE, terminal_safe

if TYPE_CHECKING:
    from .args import Subparsers

__all__ = ['COMMANDS', 'build_parser', 'main']


class Command(Protocol):
    """What a command module provides (see ``cli/validate.py``)."""

    def add_parser(self, sub: Subparsers) -> argparse.ArgumentParser: ...

    def run(self, args: argparse.Namespace, out: TextIO) -> int: ...


#: The commands, in the order ``releasetools --help`` lists them.
COMMANDS: tuple[Command, ...] = (validate, new_release, propose_final, propose_milestone, propose_branches,
                                 init_series, check_approval, release, rules, list_changes, countdown, unreleased,
                                 audit, site, demo)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog='releasetools',
        description='Release management built around reviewable release requests: '
                    'deliverables/<series>/<name>.yaml files in a data repository.',
    )
    parser.add_argument('--version', action='version', version=f'%(prog)s {__version__}')
    sub = parser.add_subparsers(dest='command', metavar='COMMAND', parser_class=Parser)
    sub.required = True
    for command in COMMANDS:
        command.add_parser(sub).set_defaults(run=command.run)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Entry point of the ``releasetools`` console script."""
    out = terminal_safe(out or sys.stdout)  # what data files say is shown, never acted on by the terminal
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args, out))
    except ReleaseToolsError as exc:
        err = terminal_safe(sys.stderr)
        err.write(f'releasetools: error: {redact(exc.message)}\n')
        if exc.hint:
            err.write(f'    hint: {redact(exc.hint)}\n')
        return EXIT_USAGE
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            return EXIT_OK
        # The last resort for a file system failure no library code named: one line, no traceback.
        where = f'{exc.filename}: ' if exc.filename else ''
        terminal_safe(sys.stderr).write(f'releasetools: error: {where}{exc.strerror or exc}\n')
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write('releasetools: interrupted\n')
        return 130


if __name__ == '__main__':  # pragma: no cover
    sys.exit(main())
