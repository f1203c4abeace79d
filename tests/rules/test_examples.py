"""Every check's example in the rules reference really fails that check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from releasetools.rules import all_rules
from releasetools.rules.examples import EXAMPLES
from releasetools.testing.datarepo import DataRepo
from releasetools.testing.gitcmd import commit_file, init_repo
from releasetools.testing.series import EXAMPLE_SERIES
from releasetools.validate import ValidateOptions, validate


def test_every_check_has_an_example() -> None:
    assert sorted(EXAMPLES) == [r.id for r in all_rules()]


@pytest.mark.parametrize('rule_id', sorted(k for k, e in EXAMPLES.items() if e.text))
def test_example_fails_its_check(rule_id: str, tmp_path: Path) -> None:
    example = EXAMPLES[rule_id]
    root = tmp_path / 'data'
    DataRepo(root, EXAMPLE_SERIES)
    for path, text in example.others.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    target = root / example.path
    target.parent.mkdir(parents=True, exist_ok=True)
    base = None
    if example.base is not None:
        target.write_text(example.base)
        init_repo(root)
        commit_file(root, {}, 'base')
        base = 'HEAD'
    target.write_text(example.text)
    report = validate(ValidateOptions(root=root, base=base, all=base is None, offline=True,
                                      repos=str(tmp_path / 'none') + '/{repo}', cache_dir=tmp_path / 'cache',
                                      day=dt.date.fromisoformat(example.day) if example.day else None))
    assert rule_id in {f.check for f in report.findings if f.file == example.path}, report.findings
