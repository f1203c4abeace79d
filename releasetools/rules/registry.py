"""The one table of checks: id -> rule (its function and module), from the families listed here.

A family module holds its rules (functions marked ``@rule('RTnnn')``) and the
checks it documents but that are made elsewhere (``describe``). The table
is built from :data:`FAMILIES` and nothing else: a new family is added to that
list, a new rule to its family's module. ``Rule.location`` goes from an id
to the file and function that implement it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType, ModuleType

from . import branches, build, files, git, history, projects, schema, series, text, versions
from .context import DeliverableContext, Problem, Skip
from .spec import Rule, RuleFunc, marked_rule

__all__ = ['FAMILIES', 'RULES', 'all_rules', 'build_table', 'family_rules', 'run_rules']

#: Every family module: the registry reads these and no other.
FAMILIES: tuple[ModuleType, ...] = (files, schema, projects, versions, series, branches, history, git, text, build)


def family_rules(module: ModuleType) -> Iterator[Rule]:
    """The checks ``module`` defines: its ``@rule`` functions and its ``describe``d checks."""
    for value in vars(module).values():
        if isinstance(value, Rule):
            yield value
            continue
        found = marked_rule(value)
        if found is not None and found.func is value and getattr(value, '__module__', None) == module.__name__:
            yield found


def build_table(families: Iterable[ModuleType]) -> dict[str, Rule]:
    """id -> Rule for every check of ``families``, sorted by id; an id defined twice is a bug."""
    table: dict[str, Rule] = {}
    for module in families:
        for rule_ in family_rules(module):
            if rule_.id in table:
                raise RuntimeError(f'rule id {rule_.id} defined twice ({module.__name__})')
            table[rule_.id] = rule_
    return dict(sorted(table.items()))


#: Every check by id.
RULES: Mapping[str, Rule] = MappingProxyType(build_table(FAMILIES))

_ALL: tuple[Rule, ...] = tuple(RULES.values())


def all_rules() -> list[Rule]:
    """Every check, sorted by id."""
    return list(_ALL)


def run_rules(ctx: DeliverableContext, skip_families: frozenset[str] = frozenset()
              ) -> Iterator[tuple[Rule, Problem | Skip]]:
    """Run every applicable rule over one deliverable (but those of ``skip_families``)."""
    for rule_, func in _applicable(ctx.has_base, skip_families):
        for item in func(ctx):
            yield rule_, item


_APPLICABLE: dict[tuple[bool, frozenset[str]], tuple[tuple[Rule, RuleFunc], ...]] = {}


def _applicable(has_base: bool, skip_families: frozenset[str]) -> tuple[tuple[Rule, RuleFunc], ...]:
    """The rules that run for a context, with their functions, chosen once per kind of run.

    They are looked at for every file.
    """
    key = (has_base, skip_families)
    rules = _APPLICABLE.get(key)
    if rules is None:
        rules = _APPLICABLE[key] = tuple(
            (r, r.func) for r in _ALL
            if r.func is not None and not (r.needs_base and not has_base) and r.family not in skip_families)
    return rules
