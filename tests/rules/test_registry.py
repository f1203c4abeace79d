"""The registry's table: every check id once, with the function and module that implement it."""

from __future__ import annotations

import io
import re
from pathlib import Path
from types import ModuleType

import pytest

from releasetools.cli import main
from releasetools.rules import RULES, Problem, rule
from releasetools.rules.context import DeliverableContext
from releasetools.rules.registry import FAMILIES, build_table, family_rules

TOP = Path(__file__).resolve().parents[2]


def test_every_id_appears_once_with_its_function_and_module() -> None:
    defined = [(r.id, r.func, r.family) for module in FAMILIES for r in family_rules(module)]
    assert sorted(i for i, _, _ in defined) == sorted(RULES)  # each id once, none missing
    for rule_id, func, family in defined:
        found = RULES[rule_id]
        assert found.func is func and found.family == family
        if func is not None:
            module = next(m for m in FAMILIES if getattr(m, func.__name__, None) is func)
            assert func.__module__ == module.__name__
            assert found.family == module.__name__.rsplit('.', 1)[1]


@pytest.mark.parametrize('rule_id', sorted(RULES))
def test_location_names_a_function_of_that_file(rule_id: str) -> None:
    file, function = RULES[rule_id].location
    source = (TOP / file).read_text()
    assert re.search(rf'^\s*def {re.escape(function)}\(', source, re.M), (file, function)


def test_location_of_a_rule_function() -> None:
    assert RULES['RT701'].location == ('releasetools/rules/git.py', 'check_commit_exists')
    assert RULES['RT708'].location == ('releasetools/validate/engine.py', '_unchecked_git')


def _family(name: str, *ids: str) -> ModuleType:
    module = ModuleType(name)
    for rule_id in ids:
        def check(ctx: DeliverableContext) -> list[Problem]:
            """A check."""
            return []

        check.__module__ = name
        check.__name__ = f'check_{rule_id.lower()}'
        setattr(module, check.__name__, rule(rule_id)(check))
    return module


def test_an_id_defined_twice_is_refused() -> None:
    with pytest.raises(RuntimeError, match='RT999 defined twice'):
        build_table([_family('fam.one', 'RT999'), _family('fam.two', 'RT999')])


def test_imported_rule_functions_belong_to_their_own_module() -> None:
    one = _family('fam.one', 'RT998')
    other = ModuleType('fam.other')
    other.check_rt998 = one.check_rt998  # type: ignore[attr-defined]  # as if imported
    assert [r.id for r in build_table([one, other]).values()] == ['RT998']


def test_explain_prints_where_a_rule_lives() -> None:
    out = io.StringIO()
    assert main(['rules', '--explain', 'RT701'], out=out) == 0
    assert 'Implemented by releasetools/rules/git.py: check_commit_exists' in out.getvalue()
