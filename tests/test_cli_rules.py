"""``releasetools rules --explain`` leads from a check id to the code that implements it."""

from __future__ import annotations

import io
from pathlib import Path

import releasetools
from releasetools.cli import main
from releasetools.cli.rules import location
from releasetools.rules import all_rules

TOP = Path(releasetools.__file__).resolve().parent.parent


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def test_explain_prints_the_file_and_function() -> None:
    code, text = run('rules', '--explain', 'RT203')
    assert code == 0
    lines = text.splitlines()
    assert lines[0].startswith('RT203  error    versions  ')
    assert lines[1] == '      Implemented by releasetools/rules/versions.py: check_semver_step'
    assert lines[2] == ''


def test_listing_without_explain_names_no_code() -> None:
    code, text = run('rules', 'RT203')
    assert code == 0
    assert 'Implemented by' not in text


def test_every_location_is_where_the_function_is_defined() -> None:
    located = [(r.id, location(r)) for r in all_rules()]
    assert len(located) > 40
    for rule_id, where in located:
        path, _, name = where.partition(': ')
        assert path.startswith('releasetools/'), (rule_id, where)
        assert f'\ndef {name}(' in (TOP / path).read_text(encoding='utf-8'), (rule_id, where)
