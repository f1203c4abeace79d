"""What a check is: the :class:`Rule` record, and the marks that declare one.

``@rule('RTnnn')`` marks a rule function and ``describe`` declares a check
made elsewhere (the loader, the git runner, the baseline). Neither registers
anything: :mod:`.registry` builds the one table from the family modules it lists.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..core.findings import Severity
from .context import DeliverableContext, Problem, Skip

__all__ = ['Rule', 'RuleFunc', 'describe', 'marked_rule', 'rule']

RuleFunc = Callable[[DeliverableContext], Iterable['Problem | Skip']]

#: The attribute ``@rule`` sets on a rule function: its :class:`Rule`.
_MARK = '__releasetools_rule__'


@dataclass(frozen=True)
class Rule:
    """A check: id, family, title and explanation from its docstring, and where it is made."""

    id: str
    family: str
    title: str
    doc: str
    severity: Severity
    needs_base: bool = False
    func: RuleFunc | None = None
    #: For a check that is not a rule function: (file, function) that makes its finding.
    made_by: tuple[str, str] | None = None

    @property
    def location(self) -> tuple[str, str]:
        """Where the check is implemented: (file relative to the repository's top, function name).

        A rule's own function (``('releasetools/rules/versions.py', 'check_goes_backwards')``),
        or for a check made outside the rules (loader, git runner, baseline) the function
        that makes its finding.
        """
        if self.func is not None:
            return self.func.__module__.replace('.', '/') + '.py', self.func.__name__
        assert self.made_by is not None  # describe() always sets it
        return self.made_by


def _split_doc(doc: str | None) -> tuple[str, str]:
    text = inspect.cleandoc(doc or '')
    title, _, rest = text.partition('\n')
    return title.strip().rstrip('.'), rest.strip()


def rule(rule_id: str, *, severity: Severity = Severity.ERROR, needs_base: bool = False
         ) -> Callable[[RuleFunc], RuleFunc]:
    """Mark a rule function with its id (the registry's table lists it; see :mod:`.registry`)."""

    def mark(func: RuleFunc) -> RuleFunc:
        title, doc = _split_doc(func.__doc__)
        family = func.__module__.rsplit('.', 1)[-1]
        setattr(func, _MARK, Rule(rule_id, family, title, doc, severity, needs_base, func))
        return func

    return mark


def marked_rule(obj: object) -> Rule | None:
    """The :class:`Rule` ``@rule`` marked ``obj`` with, if any."""
    found = getattr(obj, _MARK, None)
    return found if isinstance(found, Rule) else None


def describe(rule_id: str, family: str, doc: str, made_by: tuple[str, str],
             severity: Severity = Severity.ERROR) -> Rule:
    """A check that is not a rule function: its id, docs and the (file, function) that makes its finding.

    Assign it to a module-level name of a family module, which the registry reads.
    """
    title, rest = _split_doc(doc)
    return Rule(rule_id, family, title, rest, severity, made_by=made_by)
