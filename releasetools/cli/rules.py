"""``releasetools rules``: every check with its id and title; with --explain, its documentation and code."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from ..core.errors import UsageError
from .output import EXIT_OK

if TYPE_CHECKING:
    from ..rules import Rule
    from .args import Subparsers

__all__ = ['add_parser', 'location', 'run']


def add_parser(sub: Subparsers) -> argparse.ArgumentParser:
    parser = sub.add_parser('rules', help='list every check with its id and title',
                            description='List the checks of releasetools validate: id, severity, title; '
                                        'with --explain, the full explanation of each.')
    parser.add_argument('--explain', action='store_true', help='print each check\'s full explanation')
    parser.add_argument('ids', nargs='*', metavar='ID', help='only these check ids (e.g. RT203)')
    return parser


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..rules import all_rules

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
            _explain(r, out)
    return EXIT_OK


def location(rule: Rule) -> str:
    """Where a check is implemented, as ``releasetools/rules/versions.py: check_semver_step``.

    A rule's own function, or for a check made outside the rules (the loader's,
    the baseline's, the git gate's) the function that makes its finding
    (``Rule.location``).
    """
    path, function = rule.location
    return f'{path}: {function}'


def _explain(rule: Rule, out: TextIO) -> None:
    from ..rules.examples import EXAMPLES

    out.write(f'      Implemented by {location(rule)}\n\n')
    if rule.doc:
        out.write(_indented(rule.doc, 6) + '\n')
    example = EXAMPLES.get(rule.id)
    if example is not None:
        out.write(f'      Example ({example.path}):\n' if example.text else '      Example:\n')
        out.write(_indented(example.text or example.note or '', 8) + '\n')
        for path, text in example.others.items():
            out.write(f'      with {path}:\n' + _indented(text, 8) + '\n')
        if example.day:
            out.write(f'      checked on {example.day}\n')


def _indented(text: str, width: int) -> str:
    return ''.join(f'{" " * width}{line}\n' for line in text.splitlines())
