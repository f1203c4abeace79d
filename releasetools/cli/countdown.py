"""``releasetools countdown``: the release team's weekly mail, from the series calendar and the data."""

from __future__ import annotations

import argparse
import datetime
import os
from typing import TYPE_CHECKING, TextIO

from . import args as shared
from .output import EXIT_OK

if TYPE_CHECKING:
    from ..review.countdown import CountdownOptions
    from .args import Subparsers

__all__ = ['add_parser', 'options', 'run']

DESCRIPTION = ('The weekly countdown of a series (default: the one in development): the week of --date (R-N and '
               'its dates, from doc/source/<series>/schedule.yaml), this week\'s and next week\'s events by title '
               '(from schedule.rst), and the release actions the data implies, each naming the deliverables and '
               'their teams: the milestone, release candidate or final a deliverable of the model an event applies '
               'to still lacks; the final release libraries and client libraries owe at their freezes; libraries '
               'without a stable branch after theirs; cycle-trailing deliverables still owing the previous series\' '
               'release. Printed as the mail body (text), JSON, or, with --send, mailed over SMTP as release '
               'announcements are. Exit status: 0, 2 the command could not run (no calendar, the mail refused).')

EPILOG = ('environment:\n'
          '  RELEASETOOLS_SMTP            mail server host:port (or --smtp)\n')


def add_parser(sub: Subparsers) -> argparse.ArgumentParser:
    parser = sub.add_parser('countdown', help="the release team's weekly countdown mail",
                            description=DESCRIPTION, epilog=EPILOG)
    shared.add_root(parser)
    shared.add_date(parser, 'the day of the countdown (default: today)')
    parser.add_argument('--series', metavar='S', help='the series (default: the one in development)')
    shared.add_format(parser, 'text (the mail body, default) or json')
    parser.add_argument('--send', action='store_true', help='mail the countdown (needs --smtp and --mail-to)')
    parser.add_argument('--smtp', metavar='HOST:PORT', help='the mail server for --send')
    parser.add_argument('--mail-from', default='release-bot@localhost', metavar='ADDR',
                        help='sender address (default: %(default)s)')
    parser.add_argument('--mail-to', action='append', metavar='ADDR', help='recipient (repeatable)')
    return parser


def options(args: argparse.Namespace) -> CountdownOptions:
    from ..review.countdown import CountdownOptions

    return CountdownOptions(root=shared.root(args), day=args.date or datetime.date.today(), series=args.series,
                            send=args.send, smtp=args.smtp or os.environ.get('RELEASETOOLS_SMTP'),
                            mail_from=args.mail_from, mail_to=tuple(args.mail_to or ()))


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..core.errors import UsageError
    from ..release.announce import Mail, send
    from ..review.countdown import load_countdown, render_json, render_text, subject

    opts = options(args)
    if opts.send and not (opts.smtp and opts.mail_to):
        raise UsageError('--send needs a mail server and a recipient', 'give --smtp HOST:PORT (or '
                         'RELEASETOOLS_SMTP) and --mail-to ADDR')
    result = load_countdown(opts.root, opts.day, opts.series)
    if opts.send:
        assert opts.smtp is not None
        send(Mail(subject(result), render_text(result)), opts.smtp, opts.mail_from, list(opts.mail_to))
        out.write(f'sent "{subject(result)}" to {", ".join(opts.mail_to)} through {opts.smtp}\n')
        return EXIT_OK
    out.write(render_json(result) if args.format == 'json' else render_text(result))
    return EXIT_OK
