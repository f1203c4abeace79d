"""The validation rules and their registry.

Each rule is a small function ``check_x(ctx) -> Iterator[Problem | Skip]``
marked with a stable id (``@rule('RTnnn')``, :mod:`.spec`); its docstring's
first line is its title and the rest explains it (the rules reference in the
docs is generated from them). :mod:`.registry` is the one table of every
check, built from the family modules it lists. Rules are pure: they read the
model and the context, never git or the network.
"""

from __future__ import annotations

from .context import DeliverableContext, Problem, Skip
from .spec import Rule, describe, rule

# isort: split
# The registry imports the family modules, which import the names above from
# this package: they must be bound first.
from .registry import RULES, all_rules, run_rules

__all__ = ['RULES', 'DeliverableContext', 'Problem', 'Rule', 'Skip', 'all_rules', 'describe', 'rule', 'run_rules']
