#!/usr/bin/env python3
"""Where ``validate --all --offline`` spends its CPU, phase by phase and rule by rule.

The companion of ``validate_bench.py`` for a loaded machine: wall times there
depend on what else runs, CPU seconds of one process much less. This builds
the same real-shaped tree, runs ``validate`` in ONE process (no workers) and
prints the CPU seconds of reading the YAML, building the model, building the
contexts, the git planning skipped offline, and each rule (the cost of
timing a rule, measured on a rule that does nothing, is taken off), next to
the CPU seconds CSafeLoader takes to parse the same files.

Usage: python bench/validate_profile.py [--files N] [--sample DIR] [--top N]
"""

from __future__ import annotations

import argparse
import functools
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml
from validate_bench import SAMPLE, build_tree

from releasetools.data import load
from releasetools.rules import registry
from releasetools.rules.context import DeliverableContext
from releasetools.validate import ValidateOptions, engine

SPENT: dict[str, float] = defaultdict(float)
CALLS: dict[str, int] = defaultdict(int)


def _timed(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return func(*args, **kwargs)
        finally:
            SPENT[name] += time.process_time() - start
            CALLS[name] += 1
    return run


def _timed_rule(name: str, func: Callable[[DeliverableContext], Iterable[Any]]
                ) -> Callable[[DeliverableContext], list[Any]]:
    def run(ctx: DeliverableContext) -> list[Any]:
        start = time.process_time()
        items = list(func(ctx))  # a rule is a generator: its work happens while it is consumed
        SPENT[name] += time.process_time() - start
        CALLS[name] += 1
        return items
    return run


def _timing_cost() -> float:
    """CPU seconds one timed call of a rule costs when the rule does nothing."""
    idle = _timed_rule('idle', lambda ctx: ())
    for _ in range(20_000):
        idle(None)  # type: ignore[arg-type]
    return SPENT.pop('idle') / CALLS.pop('idle')


def _forget() -> None:
    """Empty the memos a run fills (versions parsed, YAML tags resolved)."""
    from releasetools.core import versions
    from releasetools.data import yamlio

    versions.parse_semver.cache_clear()
    versions._parse_special.cache_clear()
    yamlio._RESOLVED.clear()


def _instrument() -> None:
    for module, name, label in ((load, 'read_yaml_file', 'YAML read'), (load, '_from_parsed', 'model build'),
                                (engine, 'deliverable_contexts', 'contexts (with the two above)'),
                                (engine, '_unreadable', 'offline git planning'),
                                (engine, 'read_request', 'read_request')):
        setattr(module, name, _timed(label, getattr(module, name)))
    # The runner takes its rules from this table, filled per kind of run: fill it with timed copies.
    registry._APPLICABLE.clear()
    applicable = registry._applicable

    def timed_applicable(has_base: bool, skip: frozenset[str]) -> tuple[tuple[Any, Any], ...]:
        return tuple((rule_, _timed_rule(f'rule {rule_.id}', func)) for rule_, func in applicable(has_base, skip))

    registry._applicable = functools.lru_cache(maxsize=None)(timed_applicable)


def _floor(root: Path) -> float:
    start = time.process_time()
    for path in sorted(root.glob('deliverables/*/*.yaml')):
        with open(path, 'rb') as fh:
            yaml.load(fh, Loader=yaml.CSafeLoader)
    return time.process_time() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--files', type=int, default=6000)
    parser.add_argument('--sample', type=Path, default=SAMPLE)
    parser.add_argument('--top', type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix='rt-profile-') as tmp:
        root = Path(tmp) / 'data'
        build_tree(args.sample, root, args.files)
        floor = _floor(root)
        engine._workers = lambda count: 1  # one process: its CPU is the whole run's
        options = ValidateOptions(root=root, all=True, offline=True, cache_dir=Path(tmp) / 'cache', no_baseline=True)
        start = time.process_time()
        engine.validate(options)
        total = time.process_time() - start
        _forget()  # the timed run below starts as cold as the one above
        cost = _timing_cost()
        _instrument()
        report = engine.validate(options)
    net = {name: spent - cost * CALLS[name] if name.startswith('rule ') else spent for name, spent in SPENT.items()}
    rules = sum(v for k, v in net.items() if k.startswith('rule '))
    print(f'{report.checked} files; CSafeLoader parse {floor:.3f} s CPU; validate {total:.3f} s CPU in one process '
          f'({total / floor:.2f}x). Its parts, from a second run with every phase and rule timed:')
    phases = ('read_request', 'YAML read', 'model build', 'contexts (with the two above)', 'offline git planning')
    for name in phases:
        print(f'  {name:32s} {net.get(name, 0.0):7.3f}')
    print(f'  {"all rules":32s} {rules:7.3f}')
    rest = total - rules - sum(net.get(k, 0.0) for k in (phases[0], phases[3], phases[4]))
    print(f'  {"the rest (runner, findings...)":32s} {rest:7.3f}')
    by_cost = sorted(((k, v) for k, v in net.items() if k.startswith('rule ')), key=lambda kv: -kv[1])
    for name, spent in by_cost[:args.top]:
        print(f'    {name:30s} {spent:7.3f}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
