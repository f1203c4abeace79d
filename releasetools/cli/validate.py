"""``releasetools validate``: check release requests (or all data) against the rules."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from . import args as shared
from .cienv import append_step_summary, run_id
from .output import EXIT_FINDINGS, EXIT_OK, progress_writer

if TYPE_CHECKING:
    from ..core.findings import Report
    from ..validate import ValidateOptions
    from .args import Subparsers

__all__ = ['add_parser', 'options', 'run']

FORMATS = ('text', 'json', 'github', 'sarif', 'junit', 'gerrit')

#: Text output lists this many skipped checks (grouped by repository and reason).
SKIPPED_SHOWN = 20

DESCRIPTION = ('Check the deliverable files of a data repository. By default only what a release request '
               'changes is checked: the files that differ from the base revision, with the entries they add. '
               'Exit status: 0 no errors (warnings allowed), 1 errors found, 2 the command could not run (bad '
               'arguments, no such root or revision).')
EPILOG = ('examples:\n'
          '  releasetools validate                      # what this change adds, vs the default base\n'
          '  releasetools validate --base origin/master # what is new since origin/master\n'
          '  releasetools validate --all --format json  # every file and entry, as JSON\n'
          '  releasetools validate --format github      # annotations in a GitHub pull request\n'
          '  releasetools validate --format sarif > validate.sarif  # for code scanning\n')


def add_parser(sub: Subparsers) -> argparse.ArgumentParser:
    parser = sub.add_parser('validate', help='check release requests (or all data) against the rules',
                            description=DESCRIPTION, epilog=EPILOG)
    shared.add_root(parser)
    shared.add_base(parser, 'revision of --root holding the state before the request; what is new is the '
                            'difference between the files at REV and the working tree (default: merge-base of '
                            'HEAD with origin/HEAD when that exists, else HEAD^)')
    parser.add_argument('--all', action='store_true',
                        help='check every file and every entry by the content rules; the rules about what a '
                             'change may add (open series, append-only history) need a base and are skipped. '
                             'Works on a directory that is not a git repository')
    _add_git_options(parser)
    shared.add_progress(parser)
    shared.add_format(parser, 'text: one line per finding and a summary; json: {"findings", "checked", '
                              '"skipped"} (and "accepted" with a baseline); github: GitHub Actions annotations '
                              '(and a summary appended to $GITHUB_STEP_SUMMARY when set); sarif: SARIF 2.1.0 for '
                              'code scanning; junit: JUnit XML, a test case per file; gerrit: a Gerrit '
                              'ReviewInput with robot comments (robot_run_id: $RELEASETOOLS_RUN_ID, else the '
                              'time)', choices=FORMATS)
    _add_baseline_options(parser)
    shared.add_files(parser, 'deliverable files to check, relative to --root (default: the files that differ '
                             'from the base, or every file with --all)')
    return parser


def _add_git_options(parser: argparse.ArgumentParser) -> None:
    """Where the repositories are, and what a git check does when it cannot run."""
    shared.add_offline(parser, 'never touch the network: git checks use local repositories (and mirrors '
                               'already in the cache) only; the others are listed as skipped, never as passed')
    shared.add_repos(parser, 'where the deliverables\' git repositories are; {repo} is replaced by the '
                             'repository name, e.g. /srv/git/{repo} (default: https://opendev.org/{repo})')
    shared.add_cache_dir(parser, 'where mirrors of remote repositories are kept (default: '
                                 '$XDG_CACHE_HOME/releasetools, i.e. ~/.cache/releasetools)')
    shared.add_date(parser, 'the day the request is checked, for the calendar rules RT405 and RT406 (default: '
                            'today)')
    parser.add_argument('--build', action='store_true',
                        help='also build each new release of a Python release type at its proposed hash, with '
                             'the release job\'s own build code (needs the repositories, see --repos): the '
                             'built version must be the requested one and twine check --strict must pass '
                             '(RT901-RT903). Slow; off by default, the shipped CI jobs use it')
    parser.add_argument('--require-git', action='store_true', default=None,
                        help='CI mode, the gate fails closed: a git check that cannot run (repository '
                             'unreachable, no mirror offline, shallow clone) is an error (RT708) naming the '
                             'repository and the reason, not a skip (default: $RELEASETOOLS_REQUIRE_GIT=1 '
                             'turns it on)')


def _add_baseline_options(parser: argparse.ArgumentParser) -> None:
    baseline = parser.add_mutually_exclusive_group()
    baseline.add_argument('--baseline', type=Path, metavar='PATH',
                          help='accept the errors listed in this baseline file (default: the data '
                               'repository\'s data/validate-baseline.yaml when it has one; against a base, as '
                               'it was at the base). Accepted errors are counted, listed under "accepted" in '
                               'JSON, and do not fail the run')
    baseline.add_argument('--no-baseline', action='store_true',
                          help='use no baseline: report every finding of the history too')
    baseline.add_argument('--write-baseline', type=Path, metavar='PATH',
                          help='with --all: write every error found to PATH as the baseline, and accept them '
                               '(the adoption step: commit it as data/validate-baseline.yaml)')


def _env_flag(name: str) -> bool:
    """Whether an environment variable turns a switch on (1, true, yes, on)."""
    return os.environ.get(name, '').strip().lower() in ('1', 'true', 'yes', 'on')


def options(args: argparse.Namespace) -> ValidateOptions:
    """The validate options the command line (and $RELEASETOOLS_REQUIRE_GIT) asks for."""
    from ..validate import ValidateOptions

    return ValidateOptions(root=shared.root(args), base=args.base, all=args.all, files=list(args.files),
                           offline=args.offline, repos=shared.repos_template(args.repos),
                           cache_dir=shared.absolute(args.cache_dir), build=args.build,
                           require_git=bool(args.require_git or _env_flag('RELEASETOOLS_REQUIRE_GIT')),
                           progress=progress_writer(args.progress), baseline=shared.absolute(args.baseline),
                           no_baseline=args.no_baseline, write_baseline=shared.absolute(args.write_baseline),
                           day=args.date)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..validate import validate

    report = validate(options(args))
    if args.format == 'json':
        json.dump(report.to_dict(), out, indent=2)
        out.write('\n')
    elif args.format == 'text':
        _print_report(report, out)
    else:
        _print_formatted(args.format, report, out)
    return EXIT_FINDINGS if report.errors else EXIT_OK


def _print_formatted(name: str, report: Report, out: TextIO) -> None:
    """The formats for the places reviewers look (see :mod:`releasetools.validate.formats`)."""
    from ..validate import formats

    if name == 'github':
        out.write(formats.render_github(report))
        append_step_summary(formats.render_github_summary(report))
    elif name == 'sarif':
        out.write(formats.render_sarif(report))
    elif name == 'junit':
        out.write(formats.render_junit(report))
    else:
        out.write(formats.render_gerrit(report, run_id()))


def _print_report(report: Report, out: TextIO) -> None:
    """The text report: one line per finding (and its hint), the skipped checks grouped, a summary."""
    for f in report.findings:
        out.write(f'{f.file}:{f.line}: {f.severity} [{f.check}] {f.message}\n')
        if f.hint:
            out.write(f'    hint: {f.hint}\n')
    _print_skipped(report, out)
    errors, warnings = len(report.errors), len(report.warnings)
    out.write(f'checked {report.checked} file{"s" if report.checked != 1 else ""}: '
              f'{errors} error{"s" if errors != 1 else ""}, {warnings} warning{"s" if warnings != 1 else ""}, '
              f'{len(report.skipped)} check{"s" if len(report.skipped) != 1 else ""} skipped'
              + (f', {len(report.accepted)} accepted by the baseline' if report.accepted is not None else '')
              + '\n')


def _print_skipped(report: Report, out: TextIO) -> None:
    """One line per repository and reason, naming every check it stopped."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for s in report.skipped:
        grouped.setdefault((s.repo, s.reason), []).append(s.check)
    for n, ((repo, reason), checks) in enumerate(grouped.items()):
        if n == SKIPPED_SHOWN:
            out.write(f'... and {len(grouped) - n} more skipped (--format json lists every one)\n')
            break
        where = f' {repo}' if repo else ''
        out.write(f'skipped [{",".join(sorted(set(checks)))}]{where}: {reason}\n')
