"""The validation rules and their registry.

Each rule is a small function ``check_x(ctx) -> Iterator[Problem | Skip]``
registered with a stable id; its docstring's first line is its title and the
rest explains it (the rules reference in the docs is generated from them).
Rules are pure: they read the model and the context, never git or the network.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ..core.findings import Severity
from .context import DeliverableContext, Problem, Skip

__all__ = ['RULES', 'DeliverableContext', 'Problem', 'Rule', 'Skip', 'all_rules', 'describe', 'rule']

RuleFunc = Callable[[DeliverableContext], Iterable['Problem | Skip']]


@dataclass(frozen=True)
class Rule:
    """A registered check: id, family, title and explanation from its docstring."""

    id: str
    family: str
    title: str
    doc: str
    severity: Severity
    needs_base: bool = False
    func: RuleFunc | None = None


RULES: dict[str, Rule] = {}


def _register(rule_: Rule) -> None:
    if rule_.id in RULES:
        raise RuntimeError(f'rule id {rule_.id} registered twice')
    RULES[rule_.id] = rule_


def _split_doc(doc: str | None) -> tuple[str, str]:
    text = inspect.cleandoc(doc or '')
    title, _, rest = text.partition('\n')
    return title.strip().rstrip('.'), rest.strip()


def rule(rule_id: str, *, severity: Severity = Severity.ERROR, needs_base: bool = False
         ) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule function under ``rule_id``."""

    def decorate(func: RuleFunc) -> RuleFunc:
        title, doc = _split_doc(func.__doc__)
        family = func.__module__.rsplit('.', 1)[-1]
        _register(Rule(rule_id, family, title, doc, severity, needs_base, func))
        return func

    return decorate


def describe(rule_id: str, family: str, doc: str, severity: Severity = Severity.ERROR) -> None:
    """Register a check that is not a rule function (file loading, git facts)."""
    title, rest = _split_doc(doc)
    _register(Rule(rule_id, family, title, rest, severity))


def all_rules() -> list[Rule]:
    """Every rule, imported and sorted by id."""
    from . import branches, build, files, git, history, projects, schema, series, text, versions  # noqa: F401

    return sorted(RULES.values(), key=lambda r: r.id)


def run_rules(ctx: DeliverableContext, skip_families: frozenset[str] = frozenset()
              ) -> Iterator[tuple[Rule, Problem | Skip]]:
    """Run every applicable rule over one deliverable (but those of ``skip_families``)."""
    for rule_ in _applicable(ctx.has_base, skip_families):
        for item in rule_.func(ctx):  # type: ignore[misc]  # _applicable keeps only rules with a function
            yield rule_, item


_APPLICABLE: dict[tuple[bool, frozenset[str]], tuple[Rule, ...]] = {}


def _applicable(has_base: bool, skip_families: frozenset[str]) -> tuple[Rule, ...]:
    """The rules that run for a context, chosen once per kind of run (they are looked at for every file)."""
    key = (has_base, skip_families)
    rules = _APPLICABLE.get(key)
    if rules is None:
        rules = _APPLICABLE[key] = tuple(
            r for r in all_rules_cached()
            if r.func is not None and not (r.needs_base and not has_base) and r.family not in skip_families)
    return rules


_CACHE: list[Rule] = []


def all_rules_cached() -> list[Rule]:
    if not _CACHE:
        _CACHE.extend(all_rules())
    return _CACHE
