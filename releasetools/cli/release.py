"""``releasetools release``: run a merged release request (tag, build, publish, verify, notes, announce)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from . import args as shared
from .output import EXIT_FINDINGS, EXIT_OK, progress_writer, terminal_safe

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..release.job import JobReport, ReleaseOptions
    from .args import Subparsers

__all__ = ['add_parser', 'options', 'run']

DESCRIPTION = (
    'Turn the releases a merged request adds (the difference from --base, as in validate) into published '
    'releases. For each, in order: tag each repository locally (annotated, signed when a key is configured), '
    'build sdist and wheel at the tag and check them, push the tag, create the new branches, upload to the '
    'index, copy to the tarballs directory, verify what the index serves, write the release notes, announce. '
    'Each completed step is recorded in the ledger; a re-run resumes at the first step not done and never does '
    'anything twice. Before the first tag, a preflight checks every service the pending steps use (the index '
    'accepts the credentials, the mail server answers, the key signs, each remote accepts a push) and stops on a '
    'failure with nothing done. With a team data file, a request check-approval rejects is refused. Exit '
    'status: 0 all done, 1 a step failed (re-run to resume; with --dry-run: a preflight check failed), 2 the job '
    'could not start (nothing was done). --plan, --unit ID and --summary split the request into units (one per '
    'release) for CI engines that fan out (see "One unit at a time" in the docs).')
EPILOG = ('environment:\n'
          '  RELEASETOOLS_INDEX_URL       upload URL of the package index (or --index-url)\n'
          '  RELEASETOOLS_INDEX_USER      index user name (or TWINE_USERNAME)\n'
          '  RELEASETOOLS_INDEX_PASSWORD  index password or token (or TWINE_PASSWORD); never printed\n'
          '  RELEASETOOLS_SIGNING_KEY     gpg key for tags and signatures (or --signing-key); GNUPGHOME\n'
          '  RELEASETOOLS_SMTP            mail server host:port (or --smtp)\n'
          '  RELEASETOOLS_SUBJECT_PREFIX  announcement subject prefix (or --subject-prefix)\n'
          '  RELEASETOOLS_REPLY_TO        announcement Reply-To (or --reply-to)\n'
          '  RELEASETOOLS_SOURCE_URL      announcement source URL template (or --source-url)\n'
          '  RELEASETOOLS_CHANGE_ID       review that merged the request (or --change-id)\n'
          '  RELEASETOOLS_LEDGER          the ledger file (or --ledger)\n'
          '  XDG_STATE_HOME               the default ledger\'s home (default: ~/.local/state)\n'
          '\n'
          'never twice: the announcement is recorded as owed before the tag is pushed and as attempted '
          'before it is sent, with a Message-ID derived from the release. A run that did not push the tag '
          'owes no mail. If the connection drops after the message was handed over, the outcome is '
          'unknown: the job stops and never resends on its own; look for the Message-ID and re-run with '
          '--mail-outcome sent|not-sent.\n')


def add_parser(sub: Subparsers) -> argparse.ArgumentParser:
    parser = sub.add_parser('release',
                            help='run a merged release request: tag, build, publish, verify, notes, announce',
                            description=DESCRIPTION, epilog=EPILOG)
    shared.add_root(parser)
    shared.add_base(parser)
    _add_places(parser)
    _add_publishing(parser)
    _add_announcing(parser)
    _add_approval(parser)
    _add_modes(parser)
    _add_units(parser)
    shared.add_cache_dir(parser, 'mirror and notes cache')
    shared.add_progress(parser)
    shared.add_files(parser)
    return parser


def _add_places(parser: argparse.ArgumentParser) -> None:
    """Where the job fetches and pushes, works, and keeps its ledger."""
    shared.add_repos(parser, 'where to fetch and push each repository, {repo} replaced by its name '
                             '(default: https://opendev.org/{repo})')
    parser.add_argument('--workdir', type=Path, metavar='DIR',
                        help='clones and builds (default: ~/.cache/releasetools/release); '
                             'the ledger is not kept here (see --ledger)')
    parser.add_argument('--ledger', type=Path, metavar='FILE',
                        help='the ledger (default: $RELEASETOOLS_LEDGER, else '
                             '$XDG_STATE_HOME/releasetools/ledgers/ID.jsonl, ID a hash of the request: outside '
                             'the work directory, so a re-run with a fresh --workdir does nothing twice)')


def _add_publishing(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--index-url', metavar='URL', help='upload URL of the package index (none: no upload)')
    parser.add_argument('--index-simple-url', metavar='URL', help='its simple API (default: INDEX_URL/simple/)')
    parser.add_argument('--signing-key', metavar='KEYID', help='sign tags and tarballs with this gpg key')
    parser.add_argument('--tarballs', type=Path, metavar='DIR', help='copy artifacts (+ .sha256, .asc) here')
    parser.add_argument('--notes-dir', type=Path, metavar='DIR', help='release notes (default: WORKDIR/notes)')


def _add_announcing(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--smtp', metavar='HOST:PORT', help='send announcements through this server')
    parser.add_argument('--mail-from', default='release-bot@localhost', metavar='ADDR',
                        help='announcement sender')
    parser.add_argument('--mail-to', action='append', metavar='ADDR', help='announcement recipient (repeatable)')
    parser.add_argument('--announce-dir', type=Path, metavar='DIR',
                        help='without --smtp, write announcements here (default: WORKDIR/announce)')
    parser.add_argument('--template', type=Path, metavar='FILE', help='a Jinja2 announcement template')
    parser.add_argument('--subject-prefix', metavar='TEXT',
                        help='what the announcement subject starts with (default: "[release]"; "" for none)')
    parser.add_argument('--reply-to', metavar='ADDR', help="the announcement's Reply-To (default: none)")
    parser.add_argument('--source-url', metavar='TEMPLATE',
                        help='where the announcement says the source is, {repo} replaced by the repository '
                             'name (default: https://opendev.org/{repo})')


def _add_approval(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--approver', metavar='USER',
                        help='who approved the request: recorded in the tag message and, with a team data file, '
                             'checked as check-approval does')
    parser.add_argument('--change-id', metavar='ID',
                        help='the review that merged the request (a Gerrit Change-Id or a pull request URL): '
                             'recorded in the tag message')
    parser.add_argument('--author', metavar='USER', help='who proposed the request (counts as an approver)')
    parser.add_argument('--review', type=Path, metavar='FILE', help='author and approvers as exported JSON '
                        '(as check-approval --review)')
    parser.add_argument('--teams', type=Path, metavar='FILE',
                        help='the team data file: the job refuses a request it does not approve (default: '
                             'data/teams.yaml under --root when present)')


def _add_modes(parser: argparse.ArgumentParser) -> None:
    """How the job runs: isolation, dry run, check, a mail outcome to record, waiting for a lock."""
    parser.add_argument('--no-build-isolation', action='store_true',
                        help='build in this environment instead of a fresh isolated one (faster, offline)')
    parser.add_argument('--dry-run', action='store_true',
                        help='run the preflight checks and print every step it would take; change nothing (it '
                             'takes the same locks as a run: refused, or with --wait waits, while one runs)')
    parser.add_argument('--check', action='store_true',
                        help='change nothing: compare the ledger with the world (remote tags and commits, index '
                             'files and sha256, tarballs, the mail record), print each step; exit 1 on any drift')
    parser.add_argument('--mail-outcome', choices=('sent', 'not-sent'),
                        help='after a mail attempt whose outcome is unknown (the connection dropped after DATA): '
                             'sent records it as done, not-sent sends it again with the same Message-ID')
    parser.add_argument('--wait', type=float, default=0.0, metavar='SECONDS',
                        help='wait this long for another run on the same ledger to finish (default: refuse)')


def _add_units(parser: argparse.ArgumentParser) -> None:
    """The request as units (one per deliverable release), for CI engines that fan out."""
    modes = parser.add_mutually_exclusive_group()
    modes.add_argument('--plan', action='store_true',
                       help='print the units of the request (one per release) and the units each waits for, in an '
                            'order where each comes after those; change nothing, no network')
    modes.add_argument('--unit', metavar='ID',
                       help='run only this unit of --plan (its tag, build, push, branches, publish, notes, '
                            'announcement); skipped (exit 1) while a unit it waits for failed or is not done')
    modes.add_argument('--summary', action='store_true',
                       help='print what became of each unit (done, failed, skipped, remains) from the ledger and '
                            'the remotes; exit 1 when anything failed or remains')
    shared.add_format(parser, 'output of --plan and --summary')


def options(args: argparse.Namespace) -> ReleaseOptions:
    """The job the command line asks for; what it leaves out keeps ReleaseOptions' defaults."""
    from ..release.job import ReleaseOptions

    # An empty --repos or no --mail-to keeps the default, as an absent flag does. Paths are resolved here, once,
    # against the working directory: the job works in other directories (clones, builds).
    path = shared.absolute
    defaulted: dict[str, Any] = {name: value for name, value in (('remotes', shared.repos_template(args.repos)),
                                                 ('workdir', path(args.workdir)), ('mail_to', args.mail_to)) if value}
    return ReleaseOptions(root=shared.root(args), base=args.base, files=list(args.files), index_url=args.index_url,
                          index_simple_url=args.index_simple_url, signing_key=args.signing_key,
                          tarballs=path(args.tarballs), notes_dir=path(args.notes_dir), smtp=args.smtp,
                          mail_from=args.mail_from, announce_dir=path(args.announce_dir),
                          template=path(args.template), approver=args.approver, author=args.author,
                          review=path(args.review), teams=path(args.teams), isolation=not args.no_build_isolation,
                          dry_run=args.dry_run, wait=args.wait, ledger=path(args.ledger),
                          cache_dir=path(args.cache_dir), mail_outcome=args.mail_outcome,
                          subject_prefix=args.subject_prefix, reply_to=args.reply_to, source_url=args.source_url,
                          change_id=args.change_id, unit=args.unit, **defaulted)


def run(args: argparse.Namespace, out: TextIO) -> int:
    opts = options(args)
    if args.plan:
        return _plan(opts, args.format, out)
    if args.summary:
        return _summary(opts, args.format, out)
    return _check(opts, out) if args.check else _release(opts, out, progress_writer(args.progress))


def _plan(opts: ReleaseOptions, fmt: str, out: TextIO) -> int:
    from ..release.intake import request_items
    from ..release.ledger import request_identity
    from ..release.units import plan_of

    items, _ = request_items(opts)
    plan = plan_of(opts, items)
    request = request_identity(i.identity for i in items)[:32]
    if fmt == 'json':
        for note in plan.notes:  # stdout keeps only the JSON
            terminal_safe(sys.stderr).write(f'releasetools: note: {note}\n')
        json.dump({'request': request, 'units': [u.as_json() for u in plan.units]}, out, indent=2)
        out.write('\n')
        return EXIT_OK
    for note in plan.notes:
        out.write(f'note: {note}\n')
    for u in plan.units:
        waits = f'  after {", ".join(u.after)}' if u.after else ''
        out.write(f'{u.id}  {" ".join(t.repo for t in u.item.targets)}{waits}\n')
    out.write(f'plan: {len(plan.units)} units of request {request}\n')
    return EXIT_OK


def _summary(opts: ReleaseOptions, fmt: str, out: TextIO) -> int:
    from ..release.summary import UNIT_STATUSES, summarize

    request, units = summarize(opts)
    if fmt == 'json':
        json.dump({'request': request, 'units': [u.as_json() for u in units]}, out, indent=2)
        out.write('\n')
    else:
        for u in units:
            out.write(f'{u.status:<8} {u.id}\n')
            for step in u.steps:
                detail = f'  {step["detail"]}' if step['detail'] else ''
                out.write(f'    {step["status"]:<8} {step["action"]:<9} {step["label"]}{detail}\n')
        counts = ', '.join(f'{n} {s}' for s in UNIT_STATUSES if (n := sum(u.status == s for u in units)))
        out.write(f'summary: {counts or "no units"}\n')
    return EXIT_FINDINGS if any(u.status in ('failed', 'remains') for u in units) else EXIT_OK


def _release(opts: ReleaseOptions, out: TextIO, working: Callable[[str], None] | None) -> int:
    from ..release.job import StepResult, run_release

    def show(result: StepResult) -> None:
        detail = f'  {result.detail}' if result.detail else ''
        out.write(f'{result.status:<13} {result.action:<9} {result.label}{detail}\n')
        out.flush()

    report = run_release(opts, show, working)
    _print_summary(report, opts.dry_run, out)
    return EXIT_FINDINGS if report.failed or report.skipped_units else EXIT_OK


def _print_summary(report: JobReport, dry_run: bool, out: TextIO) -> None:
    if not report.results:
        out.write('the request adds no release: nothing to do\n')
    from ..release.status import SUMMARY

    counts = ', '.join(f'{report.count(s)} {s}' for s in SUMMARY if report.count(s))
    out.write(f'release: {counts or "nothing"}\n')
    if report.failed:
        out.write('dry run: a check failed, so a real run would stop before the first tag\n' if dry_run else
                  'a step failed: fix the cause and run the same command again to resume\n')


def _check(opts: ReleaseOptions, out: TextIO) -> int:
    from ..release.check import check_release, drifted

    path, checks = check_release(opts)
    out.write(f'ledger: {path}\n')
    for c in checks:
        out.write(f'{c.status:<8} {c.action:<9} {c.label}  {c.detail}\n')
    bad = drifted(checks)
    out.write(f'check: {len(bad)} drifted, {len(checks) - len(bad)} in sync or pending\n')
    return EXIT_FINDINGS if bad else EXIT_OK
