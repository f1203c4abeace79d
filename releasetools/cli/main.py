"""The ``releasetools`` command: argument parsing and output, nothing else.

Only this module prints or exits. Library errors (``ReleaseToolsError``) are
caught in one place and become a message and exit status 2.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .. import __version__
from ..core.errors import ReleaseToolsError, UsageError
from ..core.findings import Report
from ..core.nextversion import KINDS
from ..core.redact import redact

if TYPE_CHECKING:
    from ..release.job import ReleaseOptions

__all__ = ['build_parser', 'main']

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

#: Text output lists this many skipped checks (grouped by repository and reason).
SKIPPED_SHOWN = 20


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f'{self.prog}: error: {message}\n')


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog='releasetools',
        description='Release management built around reviewable release requests: '
                    'deliverables/<series>/<name>.yaml files in a data repository.',
    )
    parser.add_argument('--version', action='version', version=f'%(prog)s {__version__}')
    sub = parser.add_subparsers(dest='command', metavar='COMMAND', parser_class=_Parser)
    sub.required = True

    v = sub.add_parser(
        'validate', help='check release requests (or all data) against the rules',
        description='Check the deliverable files of a data repository. By default only what a '
                    'release request changes is checked: the files that differ from the base revision, '
                    'with the entries they add. Exit status: 0 no errors (warnings allowed), '
                    '1 errors found, 2 the command could not run (bad arguments, no such root or revision).',
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='examples:\n'
               '  releasetools validate                      # what this change adds, vs the default base\n'
               '  releasetools validate --base origin/master # what is new since origin/master\n'
               '  releasetools validate --all --format json  # every file and entry, as JSON\n',
    )
    _root_option(v)
    v.add_argument('--base', metavar='REV',
                   help='revision of --root holding the state before the request; what is new is the '
                        'difference between the files at REV and the working tree (default: merge-base of '
                        'HEAD with origin/HEAD when that exists, else HEAD^)')
    v.add_argument('--all', action='store_true',
                   help='check every file and every entry by the content rules; the rules about what a '
                        'change may add (open series, append-only history) need a base and are skipped. '
                        'Works on a directory that is not a git repository')
    v.add_argument('--offline', action='store_true',
                   help='never touch the network: git checks use local repositories (and mirrors already '
                        'in the cache) only; the others are listed as skipped, never as passed')
    v.add_argument('--repos', metavar='TEMPLATE',
                   help='where the deliverables\' git repositories are; {repo} is replaced by the '
                        'repository name, e.g. /srv/git/{repo} (default: https://opendev.org/{repo})')
    v.add_argument('--cache-dir', type=Path, metavar='DIR',
                   help='where mirrors of remote repositories are kept (default: '
                        '$XDG_CACHE_HOME/releasetools, i.e. ~/.cache/releasetools)')
    v.add_argument('--build', action='store_true',
                   help='also build each new release of a Python release type at its proposed hash, with the '
                        'release job\'s own build code (needs the repositories, see --repos): the built version '
                        'must be the requested one and twine check --strict must pass (RT901-RT903). Slow; '
                        'off by default, the shipped CI jobs use it')
    v.add_argument('--require-git', action='store_true', default=None,
                   help='CI mode, the gate fails closed: a git check that cannot run (repository unreachable, '
                        'no mirror offline, shallow clone) is an error (RT708) naming the repository and the '
                        'reason, not a skip (default: $RELEASETOOLS_REQUIRE_GIT=1 turns it on)')
    v.add_argument('--progress', action='store_true', default=None,
                   help='show a line per repository read or mirrored ("repositories 12/700: ...") on stderr '
                        '(the default when stderr is a terminal); stdout keeps only the report')
    v.add_argument('--format', choices=('text', 'json'), default='text',
                   help='text: one line per finding and a summary; json: {"findings", "checked", "skipped"} '
                        '(and "accepted" with a baseline)')
    baseline = v.add_mutually_exclusive_group()
    baseline.add_argument('--baseline', type=Path, metavar='PATH',
                          help='accept the errors listed in this baseline file (default: the data repository\'s '
                               'data/validate-baseline.yaml when it has one; against a base, as it was at the '
                               'base). Accepted errors are counted, listed under "accepted" in JSON, and do not '
                               'fail the run')
    baseline.add_argument('--no-baseline', action='store_true',
                          help='use no baseline: report every finding of the history too')
    baseline.add_argument('--write-baseline', type=Path, metavar='PATH',
                          help='with --all: write every error found to PATH as the baseline, and accept them '
                               '(the adoption step: commit it as data/validate-baseline.yaml)')
    v.add_argument('files', nargs='*', metavar='FILE',
                   help='deliverable files to check, relative to --root (default: the files that differ '
                        'from the base, or every file with --all)')
    v.set_defaults(func=_cmd_validate)

    n = sub.add_parser(
        'new-release', help='propose a release: append the next version to a deliverable file',
        description='Compute the next version of a deliverable from its history and append the release '
                    'to deliverables/SERIES/DELIVERABLE.yaml, at the head of the right branch of each '
                    'repository (the default branch for the development series, the stable branch once '
                    'it exists), changing no other byte of the file. Nothing is written when the result '
                    'would not validate.',
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='kinds:\n'
               '  bugfix     X.Y.Z -> X.Y.Z+1        feature  X.Y.Z -> X.Y+1.0    major  X.Y.Z -> X+1.0.0\n'
               '  milestone  next beta X.0.0.0bN (the first of a series bumps the major version)\n'
               '  rc         next release candidate X.0.0.0rcN (after no milestone: bumps the major)\n'
               '  final      re-tags the last release candidate, same commits\n'
               '  eol, em    the series\' closing tag (<release-id>-eol/-em) on the last release\'s commits\n',
    )
    n.add_argument('series', metavar='SERIES', help='the series directory (or _independent)')
    n.add_argument('deliverable', metavar='DELIVERABLE', help='the deliverable name (file name without .yaml)')
    n.add_argument('kind', metavar='KIND', choices=KINDS, help='one of: ' + ', '.join(KINDS))
    _root_option(n)
    _repo_options(n)
    n.add_argument('--cache-dir', type=Path, metavar='DIR', help='mirror cache (default: ~/.cache/releasetools)')
    n.add_argument('--stable-branch', action='store_true',
                   help='also append the stable branch of the series, cut from the new version')
    n.add_argument('--hash', action='append', default=[], metavar='REPO=SHA',
                   help='release this commit of REPO instead of its branch head (repeatable)')
    n.add_argument('--dry-run', action='store_true', help='print the entry, write nothing')
    n.set_defaults(func=_cmd_new_release)

    a = sub.add_parser(
        'check-approval', help='decide whether the owning team approved each release of the request',
        description='The release-approval gate: for every deliverable file the request changes (as in '
                    'validate), one of its team\'s PTL or release liaisons must have approved the request '
                    '(or written it). Exit status 0 approved, 1 not approved, 2 bad input.',
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='team data file (YAML):\n'
               '  teams:\n'
               '    nova: {ptl: alice, liaisons: [bob, carol]}\n'
               'review file (JSON): {"author": "alice", "approvers": ["bob"]}, or a Gerrit ChangeInfo\n'
               '  with owner.username and labels["Code-Review"].all[] votes (+1 or more approves)\n',
    )
    _root_option(a)
    a.add_argument('--base', metavar='REV', help='the state before the request (default as in validate)')
    a.add_argument('--teams', type=Path, metavar='FILE',
                   help='the team data file (default: data/teams.yaml under --root)')
    a.add_argument('--author', metavar='USER', help='who proposed the request')
    a.add_argument('--approver', action='append', default=[], metavar='USER',
                   help='who approved it (repeatable)')
    a.add_argument('--review', type=Path, metavar='FILE', help='author and approvers as exported JSON')
    a.add_argument('files', nargs='*', metavar='FILE', help='limit to these deliverable files')
    a.set_defaults(func=_cmd_check_approval)

    rel = sub.add_parser(
        'release', help='run a merged release request: tag, build, publish, verify, notes, announce',
        description='Turn the releases a merged request adds (the difference from --base, as in validate) '
                    'into published releases. For each, in order: tag each repository locally (annotated, '
                    'signed when a key is configured), build sdist and wheel at the tag and check them, push '
                    'the tag, create the new branches, upload to the index, copy to the tarballs directory, '
                    'verify what the index serves, write the release notes, announce. Each completed step is '
                    'recorded in the ledger; a re-run resumes at the first step not done and never does '
                    'anything twice. Before the first tag, a preflight checks every service the pending steps '
                    'use (the index accepts the credentials, the mail server answers, the key signs, each remote '
                    'accepts a push) and stops on a failure with nothing done. With a team data file, a request '
                    'check-approval rejects is refused. Exit status: 0 all done, 1 a step failed (re-run to '
                    'resume; with --dry-run: a preflight check failed), 2 the job could not start (nothing was '
                    'done).',
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='environment:\n'
               '  RELEASETOOLS_INDEX_URL       upload URL of the package index (or --index-url)\n'
               '  RELEASETOOLS_INDEX_USER      index user name (or TWINE_USERNAME)\n'
               '  RELEASETOOLS_INDEX_PASSWORD  index password or token (or TWINE_PASSWORD); never printed\n'
               '  RELEASETOOLS_SIGNING_KEY     gpg key for tags and signatures (or --signing-key); GNUPGHOME\n'
               '  RELEASETOOLS_SMTP            mail server host:port (or --smtp)\n'
               '  RELEASETOOLS_LEDGER          the ledger file (or --ledger)\n'
               '  XDG_STATE_HOME               the default ledger\'s home (default: ~/.local/state)\n'
               '\n'
               'never twice: the announcement is recorded as owed before the tag is pushed and as attempted\n'
               'before it is sent, with a Message-ID derived from the release. A run that did not push the tag\n'
               'owes no mail. If the connection drops after the message was handed over, the outcome is\n'
               'unknown: the job stops and never resends on its own; look for the Message-ID and re-run with\n'
               '--mail-outcome sent|not-sent.\n',
    )
    _root_option(rel)
    rel.add_argument('--base', metavar='REV', help='the state before the request (default as in validate)')
    rel.add_argument('--remotes', metavar='TEMPLATE', default=None,
                     help='where to fetch and push each repository, {repo} replaced by its name '
                          '(default: https://opendev.org/{repo})')
    rel.add_argument('--workdir', type=Path, metavar='DIR',
                     help='clones and builds (default: ~/.cache/releasetools/release); '
                          'the ledger is not kept here (see --ledger)')
    rel.add_argument('--ledger', type=Path, metavar='FILE',
                     help='the ledger (default: $RELEASETOOLS_LEDGER, else '
                          '$XDG_STATE_HOME/releasetools/ledgers/ID.jsonl, ID a hash of the request: outside '
                          'the work directory, so a re-run with a fresh --workdir does nothing twice)')
    rel.add_argument('--index-url', metavar='URL', help='upload URL of the package index (none: no upload)')
    rel.add_argument('--index-simple-url', metavar='URL', help='its simple API (default: INDEX_URL/simple/)')
    rel.add_argument('--signing-key', metavar='KEYID', help='sign tags and tarballs with this gpg key')
    rel.add_argument('--tarballs', type=Path, metavar='DIR', help='copy artifacts (+ .sha256, .asc) here')
    rel.add_argument('--notes-dir', type=Path, metavar='DIR', help='release notes (default: WORKDIR/notes)')
    rel.add_argument('--smtp', metavar='HOST:PORT', help='send announcements through this server')
    rel.add_argument('--mail-from', default='release-bot@localhost', metavar='ADDR', help='announcement sender')
    rel.add_argument('--mail-to', action='append', metavar='ADDR', help='announcement recipient (repeatable)')
    rel.add_argument('--announce-dir', type=Path, metavar='DIR',
                     help='without --smtp, write announcements here (default: WORKDIR/announce)')
    rel.add_argument('--template', type=Path, metavar='FILE', help='a Jinja2 announcement template')
    rel.add_argument('--approver', metavar='USER',
                     help='who approved the request: recorded in the tag message and, with a team data file, '
                          'checked as check-approval does')
    rel.add_argument('--author', metavar='USER', help='who proposed the request (counts as an approver)')
    rel.add_argument('--review', type=Path, metavar='FILE', help='author and approvers as exported JSON '
                     '(as check-approval --review)')
    rel.add_argument('--teams', type=Path, metavar='FILE',
                     help='the team data file: the job refuses a request it does not approve (default: '
                          'data/teams.yaml under --root when present)')
    rel.add_argument('--no-build-isolation', action='store_true',
                     help='build in this environment instead of a fresh isolated one (faster, offline)')
    rel.add_argument('--dry-run', action='store_true',
                     help='run the preflight checks and print every step it would take; change nothing (it '
                          'takes the same locks as a run: refused, or with --wait waits, while one runs)')
    rel.add_argument('--check', action='store_true',
                     help='change nothing: compare the ledger with the world (remote tags and commits, index '
                          'files and sha256, tarballs, the mail record), print each step; exit 1 on any drift')
    rel.add_argument('--mail-outcome', choices=('sent', 'not-sent'),
                     help='after a mail attempt whose outcome is unknown (the connection dropped after DATA): '
                          'sent records it as done, not-sent sends it again with the same Message-ID')
    rel.add_argument('--wait', type=float, default=0.0, metavar='SECONDS',
                     help='wait this long for another run on the same ledger to finish (default: refuse)')
    rel.add_argument('--cache-dir', type=Path, metavar='DIR', help='mirror and notes cache')
    rel.add_argument('files', nargs='*', metavar='FILE', help='limit to these deliverable files')
    rel.set_defaults(func=_cmd_release)

    r = sub.add_parser('rules', help='list every check with its id and title',
                       description='List the checks of releasetools validate: id, severity, title; '
                                   'with --explain, the full explanation of each.')
    r.add_argument('--explain', action='store_true', help='print each check\'s full explanation')
    r.add_argument('ids', nargs='*', metavar='ID', help='only these check ids (e.g. RT203)')
    r.set_defaults(func=_cmd_rules)
    _add_list_changes(sub)
    _add_site(sub)
    _add_demo(sub)
    return parser


def _root_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--root', type=Path, default=Path('.'), metavar='DIR',
                        help='the data repository (default: the current directory)')


def _repo_options(parser: argparse.ArgumentParser) -> None:
    """--repos and --offline, as validate --help explains them."""
    parser.add_argument('--repos', metavar='TEMPLATE',
                        help='where the repositories are, {repo} replaced by the name (default: '
                             'https://opendev.org/{repo}); see validate --help')
    parser.add_argument('--offline', action='store_true', help='use local repositories and cached mirrors only')


def _cmd_new_release(args: argparse.Namespace, out: TextIO) -> int:
    from ..propose.newrelease import NewReleaseOptions, new_release, parse_hashes

    proposal = new_release(NewReleaseOptions(
        series=args.series, deliverable=args.deliverable, kind=args.kind, root=args.root, repos=args.repos,
        offline=args.offline, cache_dir=args.cache_dir, stable_branch=args.stable_branch,
        hashes=parse_hashes(args.hash), dry_run=args.dry_run))
    plan = proposal.plan
    verb = 'would add' if args.dry_run else 'added'
    after = f' after {plan.previous}' if plan.previous else ''
    out.write(f'{proposal.path}: {verb} {plan.version} ({plan.kind}{after})\n')
    for head in proposal.heads:
        where = f'head of {head.branch}' if head.branch else 'given' if plan.reuse is None else \
            f'as {plan.reuse.version}'
        count = '' if head.commits is None else f', {head.commits} commit{"s" if head.commits != 1 else ""}' \
            f' since {head.previous}'
        out.write(f'  {head.repo} {head.hash} ({where}{count})\n')
    if proposal.branch:
        out.write(f'  branch {proposal.branch} from {plan.version}\n')
    return EXIT_OK


def _cmd_check_approval(args: argparse.Namespace, out: TextIO) -> int:
    from ..review.approval import Review, check_approval, load_review

    review = load_review(args.review) if args.review else Review(None)
    review = Review(args.author or review.author, review.approvers | frozenset(args.approver))
    teams = args.teams or args.root / 'data' / 'teams.yaml'
    if not teams.is_file():
        raise UsageError(f'no team data file at {teams}', 'pass --teams FILE')
    report = check_approval(args.root, teams, review, base=args.base, files=args.files)
    for decision in report.decisions:
        verdict = 'approved' if decision.approved else 'NOT APPROVED'
        out.write(f'{decision.path}: {verdict} (team {decision.team}): {decision.reason}\n')
    if not report.decisions:
        out.write('the request changes no deliverable file: nothing to approve\n')
    return EXIT_OK if report.approved else EXIT_FINDINGS


def _cmd_release(args: argparse.Namespace, out: TextIO) -> int:
    from ..release.job import ReleaseOptions, StepResult, run_release
    from ..release.status import SUMMARY

    opts = ReleaseOptions(root=args.root, base=args.base, files=list(args.files), index_url=args.index_url,
                          index_simple_url=args.index_simple_url, signing_key=args.signing_key,
                          tarballs=args.tarballs, notes_dir=args.notes_dir, smtp=args.smtp,
                          mail_from=args.mail_from, announce_dir=args.announce_dir, template=args.template,
                          approver=args.approver, author=args.author, review=args.review, teams=args.teams,
                          isolation=not args.no_build_isolation, dry_run=args.dry_run,
                          wait=args.wait, ledger=args.ledger, cache_dir=args.cache_dir,
                          mail_outcome=args.mail_outcome)
    if args.remotes:
        opts.remotes = args.remotes
    if args.workdir:
        opts.workdir = args.workdir
    if args.mail_to:
        opts.mail_to = args.mail_to
    if args.check:
        return _release_check(opts, out)

    def show(result: StepResult) -> None:
        detail = f'  {result.detail}' if result.detail else ''
        out.write(f'{result.status:<13} {result.action:<9} {result.label}{detail}\n')
        out.flush()

    report = run_release(opts, show)
    if not report.results:
        out.write('the request adds no release: nothing to do\n')
    counts = ', '.join(f'{report.count(s)} {s}' for s in SUMMARY if report.count(s))
    out.write(f'release: {counts or "nothing"}\n')
    if report.failed:
        out.write('dry run: a check failed, so a real run would stop before the first tag\n' if opts.dry_run else
                  'a step failed: fix the cause and run the same command again to resume\n')
        return EXIT_FINDINGS
    return EXIT_OK


def _release_check(opts: ReleaseOptions, out: TextIO) -> int:
    from ..release.check import check_release, drifted

    path, checks = check_release(opts)
    out.write(f'ledger: {path}\n')
    for c in checks:
        out.write(f'{c.status:<8} {c.action:<9} {c.label}  {c.detail}\n')
    bad = drifted(checks)
    out.write(f'check: {len(bad)} drifted, {len(checks) - len(bad)} in sync or pending\n')
    return EXIT_FINDINGS if bad else EXIT_OK


def _cmd_rules(args: argparse.Namespace, out: TextIO) -> int:
    from ..rules import all_rules
    from ..rules.examples import EXAMPLES

    rules = all_rules()
    wanted = {i.upper() for i in args.ids}
    unknown = wanted - {r.id for r in rules}
    if unknown:
        raise UsageError(f'no such check: {", ".join(sorted(unknown))}', 'releasetools rules lists them all')
    for r in rules:
        if wanted and r.id not in wanted:
            continue
        base = ' (skipped with --all)' if r.needs_base else ''
        out.write(f'{r.id}  {r.severity:<7}  {r.family:<9} {r.title}{base}\n')
        if args.explain:
            if r.doc:
                out.write(''.join(f'      {line}\n' for line in r.doc.splitlines()) + '\n')
            example = EXAMPLES.get(r.id)
            if example is not None:
                out.write(f'      Example ({example.path}):\n' if example.text else '      Example:\n')
                body = example.text or example.note or ''
                out.write(''.join(f'        {line}\n' for line in body.splitlines()) + '\n')
                for path, text in example.others.items():
                    out.write(f'      with {path}:\n' + ''.join(f'        {line}\n' for line in text.splitlines())
                              + '\n')
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    from ..validate import ValidateOptions, validate

    require_git = args.require_git or _env_flag('RELEASETOOLS_REQUIRE_GIT')
    report = validate(ValidateOptions(root=args.root, base=args.base, all=args.all, files=list(args.files),
                                      offline=args.offline, repos=args.repos, cache_dir=args.cache_dir,
                                      build=args.build, require_git=require_git,
                                      progress=_progress(args.progress),
                                      baseline=args.baseline, no_baseline=args.no_baseline,
                                      write_baseline=args.write_baseline))
    if args.format == 'json':
        json.dump(report.to_dict(), out, indent=2)
        out.write('\n')
    else:
        _print_report(report, out)
    return EXIT_FINDINGS if report.errors else EXIT_OK


def _progress(wanted: bool | None) -> Callable[[str], None] | None:
    """A progress line writer on stderr: with --progress, or by default when stderr is a terminal."""
    if not (wanted or (wanted is None and sys.stderr.isatty())):
        return None
    stream = _tolerant(sys.stderr)

    def show(line: str) -> None:
        stream.write(f'releasetools: {line}\n')
        stream.flush()

    return show


def _env_flag(name: str) -> bool:
    """Whether an environment variable turns a switch on (1, true, yes, on)."""
    return os.environ.get(name, '').strip().lower() in ('1', 'true', 'yes', 'on')


def _print_report(report: Report, out: TextIO) -> None:
    for f in report.findings:
        out.write(f'{f.file}:{f.line}: {f.severity} [{f.check}] {f.message}\n')
        if f.hint:
            out.write(f'    hint: {f.hint}\n')
    # One line per repository and reason, naming every check it stopped.
    grouped: dict[tuple[str, str], list[str]] = {}
    for s in report.skipped:
        grouped.setdefault((s.repo, s.reason), []).append(s.check)
    for n, ((repo, reason), checks) in enumerate(grouped.items()):
        if n == SKIPPED_SHOWN:
            out.write(f'... and {len(grouped) - n} more skipped (--format json lists every one)\n')
            break
        where = f' {repo}' if repo else ''
        out.write(f'skipped [{",".join(sorted(set(checks)))}]{where}: {reason}\n')
    errors, warnings = len(report.errors), len(report.warnings)
    out.write(f'checked {report.checked} file{"s" if report.checked != 1 else ""}: '
              f'{errors} error{"s" if errors != 1 else ""}, {warnings} warning{"s" if warnings != 1 else ""}, '
              f'{len(report.skipped)} check{"s" if len(report.skipped) != 1 else ""} skipped'
              + (f', {len(report.accepted)} accepted by the baseline' if report.accepted is not None else '')
              + '\n')


def _iso_date(text: str) -> object:
    import datetime

    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f'{text!r} is not a date (YYYY-MM-DD)') from None


def _add_list_changes(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from ..review import JSON_SCHEMA

    lc = sub.add_parser(
        'list-changes', help='show what each release of a request contains, for its reviewer',
        description='For each release the request adds (the difference from --base, as in validate): the '
                    'deliverable, its team, type and model, the previous release and the kind of step; per '
                    'repository the commits since the previous release (merges left out), whether the commit '
                    'is a branch head and which branches contain it, a preview of the release notes of the '
                    'range (rendered by reno) with the step they call for (features: minor; upgrade, '
                    'deprecations: major; fixes: patch), changed requirements, for libraries the incompatible '
                    'public API changes (griffe), and timing hints from doc/source/<series>/schedule.yaml. '
                    'Warnings: a step smaller than the notes or the API call for, nothing changed, a commit on '
                    'none of its branches, minimums raised in a patch release. A repository that cannot be '
                    'read is shown as unavailable, with the reason. Exit status: 0 (warnings included), '
                    '2 the command could not run.',
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='JSON output (--format json):\n' + JSON_SCHEMA + '\n',
    )
    _root_option(lc)
    lc.add_argument('--base', metavar='REV', help='the state before the request (default as in validate)')
    _repo_options(lc)
    lc.add_argument('--cache-dir', type=Path, metavar='DIR',
                    help='mirrors and the cache of scanned ranges and notes (default: ~/.cache/releasetools)')
    lc.add_argument('--format', choices=('text', 'json'), default='text', help='text (default) or json')
    lc.add_argument('--date', type=_iso_date, metavar='YYYY-MM-DD',
                    help='the day the release would happen, for the calendar hints (default: today)')
    lc.add_argument('files', nargs='*', metavar='FILE', help='limit to these deliverable files')
    lc.set_defaults(func=_cmd_list_changes)


def _cmd_list_changes(args: argparse.Namespace, out: TextIO) -> int:
    from ..review import ChangesOptions, list_changes, render_json, render_text

    report = list_changes(ChangesOptions(root=args.root, base=args.base, files=list(args.files), repos=args.repos,
                                         offline=args.offline, cache_dir=args.cache_dir, date=args.date))
    out.write(render_json(report) if args.format == 'json' else render_text(report))
    return EXIT_OK


def _add_site(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    st = sub.add_parser(
        'site', help='build the static releases website (Sphinx) from the data',
        description='Build the releases website of a data repository: a home page of the series, a page per '
                    'series, team and deliverable, the independent deliverables, series highlights, a JSON '
                    'export (releases.json) and an Atom feed (atom.xml). The site is OUTPUT/html; OUTPUT/.cache '
                    'keeps what makes the next build incremental (only the pages showing a changed file are '
                    'rebuilt). Title and link templates come from an optional DIR/data/site.yaml with the keys '
                    'title, base-url, tarball-url, signature-url, pypi-url, commit-url; placeholders {repo} '
                    '{tarball} {version} {name} {hash}; defaults: tarballs.opendev.org, pypi.org, opendev.org. '
                    'Exit status: 0 built, 1 built with warnings (printed), 2 the command could not run.',
    )
    _root_option(st)
    st.add_argument('--output', type=Path, metavar='DIR', help='where to build (default: DIR/site of --root)')
    st.add_argument('--jobs', type=int, default=1, metavar='N', help='Sphinx processes (default: 1)')
    st.set_defaults(func=_cmd_site)


def _cmd_site(args: argparse.Namespace, out: TextIO) -> int:
    from ..site import build_site

    result = build_site(args.root, args.output, args.jobs)
    for warning in result.warnings:
        sys.stderr.write(f'{warning}\n')
    out.write(f'{result.index} ({result.pages} pages, {len(result.rebuilt)} rebuilt, {result.seconds:.1f} s)\n')
    return EXIT_FINDINGS if result.warnings else EXIT_OK


def _add_demo(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    d = sub.add_parser(
        'demo', help='run the whole pipeline in a sandbox, offline, through the real commands',
        description='Build source repositories (pbr packages with reno notes), a data repository with two '
                    'series and three deliverables, a package index (pypiserver) and a mail sink (aiosmtpd) '
                    'on 127.0.0.1; then new-release proposes a release, validate, list-changes and '
                    'check-approval review it, it is merged, release tags, builds, uploads, writes notes and '
                    'announces, and site rebuilds the website. Needs the demo extra: '
                    "pip install 'releasetools[demo]'. A second run in the same directory starts afresh; "
                    'a non-empty directory an earlier demo did not make is refused, never emptied.',
    )
    d.add_argument('--dir', type=Path, default=Path('releasetools-demo'), metavar='DIR',
                   help='the sandbox (default: ./releasetools-demo)')
    d.set_defaults(func=_cmd_demo)


def _cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    from ..demo.sandbox import run_demo

    def say(line: str) -> None:
        out.write(line + '\n')
        out.flush()

    result = run_demo(args.dir, say)
    say('')
    say('the demo ran; everything is in ' + str(result.directory))
    say(f'  releases website : {result.site_index}')
    for mail in result.announcements:
        say(f'  announcement     : {mail}')
    say(f'  package index    : {result.index_url} (stopped now; its files are in {result.packages})')
    say(f'  release data     : {result.directory / "releases"} (git log shows the merged request)')
    return EXIT_OK


def _tolerant(stream: TextIO) -> TextIO:
    """stdout that prints undecodable file names escaped instead of failing.

    File names that are not UTF-8 reach us as surrogate escapes, which a
    strict UTF-8 stdout refuses with a traceback.
    """
    reconfigure = getattr(stream, 'reconfigure', None)
    if reconfigure is not None:
        with contextlib.suppress(ValueError, OSError):  # a detached or closed stream
            reconfigure(errors='backslashreplace')
    return stream


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Entry point of the ``releasetools`` console script."""
    out = _tolerant(out or sys.stdout)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args, out))
    except ReleaseToolsError as exc:
        _tolerant(sys.stderr).write(f'releasetools: error: {redact(exc.message)}\n')
        if exc.hint:
            sys.stderr.write(f'    hint: {redact(exc.hint)}\n')
        return EXIT_USAGE
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            return EXIT_OK
        # The last resort for a file system failure no library code named: one line, no traceback.
        where = f'{exc.filename}: ' if exc.filename else ''
        _tolerant(sys.stderr).write(f'releasetools: error: {where}{exc.strerror or exc}\n')
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write('releasetools: interrupted\n')
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == '__main__':  # pragma: no cover
    sys.exit(main())
