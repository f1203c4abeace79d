"""The calendar rules RT405 (library freeze) and RT406 (rc period), on real git data repositories.

The calendar is the development series' (hibiscus) and the day is injected
(``ValidateOptions.day``); what a request adds is judged, never ``--all``.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from pytest import param as P

from releasetools.cli.main import main
from releasetools.core.findings import Finding, Severity
from releasetools.testing.calendar import write_calendar
from releasetools.testing.datarepo import DataRepo
from releasetools.testing.deliverables import R, doc
from releasetools.validate import ValidateOptions, validate

#: Weeks from Monday 2026-08-17: R-6 the library freeze, R-5 the client libraries', R-3 rc1, R+0 the final.
WEEKS = [['h-final-lib'], ['h-final-clientlib', 'h-ff'], [], ['h-rc1'], [], [], ['h-final']]
TITLES = {'h-final-lib': 'Final release for non-client libraries', 'h-rc1': 'RC1 target week',
          'h-final-clientlib': 'Final release for client libraries'}
MONDAY = dt.date(2026, 8, 17)
LIB = 'release-model: cycle-with-intermediary'


def _calendar_findings(data: DataRepo, day: dt.date, *, all: bool = False) -> list[Finding]:
    report = validate(ValidateOptions(root=data.root, base=None if all else 'HEAD', all=all, offline=True,
                                      cache_dir=data.cache_dir, day=day))
    return [f for f in report.findings if f.check in ('RT405', 'RT406')]


def _library(data: DataRepo, kind: str, before: list[str], after: list[str]) -> None:
    head = f'team: oslo\ntype: {kind}\nlaunchpad: oslo\n'
    path = data.root / 'deliverables' / 'hibiscus' / 'oslo.log.yaml'
    path.write_text(head + doc(LIB, releases=before))
    data.commit()
    path.write_text(head + doc(LIB, releases=after))


@pytest.fixture
def data(git_repo: DataRepo) -> DataRepo:
    write_calendar(git_repo.root, 'hibiscus', MONDAY, WEEKS, TITLES)
    return git_repo


@pytest.mark.parametrize(('kind', 'version', 'day', 'expected'), [
    P('library', '8.4.0', MONDAY + dt.timedelta(days=7), [('RT405', 7)], id='feature-after-freeze'),
    P('library', '8.4.0', MONDAY + dt.timedelta(days=4), [], id='pass-freeze-week'),
    P('library', '8.3.1', MONDAY + dt.timedelta(days=7), [], id='pass-patch-after-freeze'),
    P('library', '9.0.0', MONDAY + dt.timedelta(weeks=8), [('RT405', 7)], id='major-after-freeze'),
    P('client-library', '8.4.0', MONDAY + dt.timedelta(days=7), [], id='pass-client-before-its-freeze'),
    P('client-library', '8.4.0', MONDAY + dt.timedelta(days=14), [('RT405', 7)], id='client-after-its-freeze'),
    P('service', '8.4.0', MONDAY + dt.timedelta(days=14), [], id='pass-not-a-library'),
])
def test_library_freeze(data: DataRepo, kind: str, version: str, day: dt.date,
                        expected: list[tuple[str, int]]) -> None:
    _library(data, kind, [R('8.3.0')], [R('8.3.0'), R(version, '$2')])
    found = _calendar_findings(data, day)
    assert [(f.check, f.line) for f in found] == expected
    assert all(f.severity is Severity.WARNING for f in found)


def test_library_freeze_message_names_the_event(data: DataRepo) -> None:
    _library(data, 'library', [R('8.3.0')], [R('8.3.0'), R('8.4.0', '$2')])
    [finding] = _calendar_findings(data, MONDAY + dt.timedelta(days=9))
    assert finding.message == ('8.4.0 is a feature release of library oslo.log after the hibiscus library freeze: '
                               'Final release for non-client libraries (h-final-lib, R-6 (2026-08-17..2026-08-21))')
    # --all cannot tell when the releases in the data were made: the rule needs a base.
    assert _calendar_findings(data, MONDAY + dt.timedelta(days=9), all=True) == []


def test_no_calendar_no_warning(git_repo: DataRepo) -> None:
    _library(git_repo, 'library', [R('8.3.0')], [R('8.3.0'), R('8.4.0', '$2')])
    assert _calendar_findings(git_repo, MONDAY + dt.timedelta(days=9)) == []


def test_other_series_are_not_judged_by_this_calendar(data: DataRepo) -> None:
    head = 'team: oslo\ntype: library\nlaunchpad: oslo\n'
    path = data.root / 'deliverables' / 'gazpacho' / 'oslo.log.yaml'
    path.write_text(head + doc(LIB, releases=[R('7.0.0')]))
    data.commit()
    path.write_text(head + doc(LIB, releases=[R('7.0.0'), R('7.1.0', '$2')]))
    assert _calendar_findings(data, MONDAY + dt.timedelta(days=9)) == []


@pytest.mark.parametrize(('added', 'day', 'expected'), [
    P(R('31.0.0.0b3', '$2'), MONDAY + dt.timedelta(weeks=3, days=1), [('RT406', 7)], id='beta-after-rc1'),
    P(R('31.0.0', '$1'), MONDAY + dt.timedelta(weeks=5), [('RT406', 7)], id='final-before-final-week'),
    P(R('31.0.0.0rc2', '$2'), MONDAY + dt.timedelta(weeks=4), [], id='pass-rc2'),
    P(R('31.0.0', '$1'), MONDAY + dt.timedelta(weeks=6), [], id='pass-final-in-final-week'),
    P(R('31.0.0.0b3', '$2'), MONDAY + dt.timedelta(weeks=2), [], id='pass-beta-before-rc1'),
])
def test_rc_period(data: DataRepo, added: str, day: dt.date, expected: list[tuple[str, int]]) -> None:
    data.write('hibiscus', 'nova', doc('release-model: cycle-with-rc', releases=[R('31.0.0.0rc1')]))
    data.commit()
    data.write('hibiscus', 'nova', doc('release-model: cycle-with-rc', releases=[R('31.0.0.0rc1'), added]))
    found = _calendar_findings(data, day)
    assert [(f.check, f.line) for f in found] == expected
    if found:
        assert 'h-rc1' in found[0].message and 'RC1 target week' in found[0].message


def test_validate_date_flag(data: DataRepo) -> None:
    _library(data, 'library', [R('8.3.0')], [R('8.3.0'), R('8.4.0', '$2')])
    args = ['validate', '--root', str(data.root), '--base', 'HEAD', '--offline', '--format', 'json']
    late, early = io.StringIO(), io.StringIO()
    main([*args, '--date', (MONDAY + dt.timedelta(days=9)).isoformat()], late)
    main([*args, '--date', MONDAY.isoformat()], early)
    assert 'RT405' in {f['check'] for f in json.loads(late.getvalue())['findings']}
    assert 'RT405' not in {f['check'] for f in json.loads(early.getvalue())['findings']}
