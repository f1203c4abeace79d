"""The loader's checks are made in one place, each with a documented id."""

from __future__ import annotations

import re
from pathlib import Path

import releasetools
from releasetools.data.loadchecks import CHECKS, loader_finding, loader_problem
from releasetools.rules import RULES

PACKAGE = Path(releasetools.__file__).parent


def test_every_loader_check_is_a_documented_file_check() -> None:
    for check, _, _ in CHECKS.values():
        assert RULES[check].family == 'files'
        assert RULES[check].location == ('releasetools/data/loadchecks.py', 'loader_problem')
    assert sorted({check for check, _, _ in CHECKS.values()}) == [f'RT00{i}' for i in range(1, 8)]


def test_no_loader_finding_is_made_outside_loadchecks() -> None:
    made_here = re.compile(r"YamlProblem\(|Finding\('RT00\d")
    for path in PACKAGE.rglob('*.py'):
        if path.name != 'loadchecks.py':
            assert not made_here.search(path.read_text()), path


def test_a_loader_finding_has_its_message_and_hint() -> None:
    finding = loader_finding('deliverables/hibiscus/nova.yaml', loader_problem('duplicate-key', 7, key='team', first=2))
    assert (finding.check, finding.line, finding.message, finding.hint) == (
        'RT003', 7, "duplicate key 'team' (first at line 2)",
        'YAML keeps only the last value of a duplicated key: merge the two entries')
