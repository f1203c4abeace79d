"""The pure parts of list-changes: steps, requirement changes, calendar hints, notes' implied step."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from releasetools.core.versions import parse_semver
from releasetools.notes.render import implied_step, plain_notes
from releasetools.notes.scan import reno_config
from releasetools.review.changes import RequirementChange, compare_steps, proposed_step, requirement_changes
from releasetools.review.schedule import Schedule, Week, load_schedule, timing_hints

#: The sample of the public release repository, next to the checkout (``../shared``).
SAMPLE = Path(__file__).resolve().parents[3] / 'shared' / 'upstream-sample'
needs_sample = pytest.mark.skipif(not (SAMPLE / 'data' / 'series_status.yaml').is_file(),
                                  reason=f'the upstream data sample is not at {SAMPLE}')


def semvers(*texts: str) -> list:
    return [parse_semver(t) for t in texts]


@pytest.mark.parametrize(('previous', 'version', 'prior', 'expected'), [
    ('1.2.0', '1.2.1', ('1.2.0',), 'patch'),
    ('1.2.3', '1.3.0', ('1.2.3',), 'minor'),
    ('1.2.3', '2.0.0', ('1.2.3',), 'major'),
    (None, '1.0.0', (), 'first'),
    # Pre-releases and finals are measured from the last final, not from the previous rc.
    ('2.0.0.0rc1', '2.0.0.0rc2', ('1.4.0', '2.0.0.0rc1'), 'major'),
    ('2.0.0.0rc1', '2.0.0', ('1.4.0', '2.0.0.0rc1'), 'major'),
    ('1.4.0', '1.5.0.0b1', ('1.4.0',), 'minor'),
    ('2.0.0.0rc1', '2.0.1', ('1.4.0', '2.0.0.0rc1'), 'patch'),
    ('not-a-version', '1.0.1', (), 'unknown'),
])
def test_proposed_step(previous: str | None, version: str, prior: tuple[str, ...], expected: str) -> None:
    assert proposed_step(previous, version, semvers(*prior)) == expected


@pytest.mark.parametrize(('proposed', 'implied', 'warn'), [
    ('patch', 'minor', True), ('minor', 'major', True), ('patch', 'patch', False), ('major', 'minor', False),
    ('minor', 'none', False), ('first', 'major', False), ('unknown', 'major', False),
])
def test_compare_steps(proposed: str, implied: str, warn: bool) -> None:
    assert compare_steps(proposed, implied) is warn


def test_implied_step_follows_reno_settings_and_counts_deprecations_as_major() -> None:
    conf = reno_config(None, None)
    assert implied_step(conf, {'fixes': ('x',)}) == ('patch', ('fixes',))
    assert implied_step(conf, {'fixes': ('x',), 'features': ('y',)}) == ('minor', ('features',))
    assert implied_step(conf, {'deprecations': ('z',), 'features': ('y',)}) == ('major', ('deprecations',))
    assert implied_step(conf, {'other': ('z',)}) == ('none', ())
    custom = reno_config(b'semver_major: [breaking]\n', None)
    assert implied_step(custom, {'upgrade': ('u',)}) == ('none', ())
    assert implied_step(custom, {'breaking': ('b',)}) == ('major', ('breaking',))


def test_requirement_changes() -> None:
    old = b'pbr>=2.0.0\nOslo.Config>=9.0.0  # comment\nsix\nmock>=1.0; python_version<"3.8"\n'
    new = b'pbr>=2.0.0\noslo_config>=9.1.0\nrequests>=2.0\nmock>=1.0; python_version<"3.8"\n-r extra.txt\n'
    assert requirement_changes(old, new) == (
        RequirementChange('oslo_config', '>=9.0.0', '>=9.1.0'),
        RequirementChange('requests', None, '>=2.0'),
        RequirementChange('six', '', None),
    )
    assert requirement_changes(None, None) == ()


@needs_sample
def test_freeze_weeks_of_the_real_calendar() -> None:
    schedule = load_schedule(SAMPLE, 'hibiscus')
    assert schedule is not None
    freezes = {w.name: w.freezes for w in schedule.weeks if w.freezes}
    assert freezes == {
        None: ('g-final',), 'R-13': ('h-mf',), 'R-6': ('h-final-lib',),
        'R-5': ('h-ff', 'h-final-clientlib', 'h-soft-sf', 'h-rf'),
        'R-3': ('h-rc1', 'h-hard-sf'), 'R-1': ('h-finalrc',), 'R+0': ('h-final',)}
    assert load_schedule(SAMPLE, 'no-such-series') is None


def test_independent_deliverables_get_only_the_friday_hint() -> None:
    week = Week(dt.date(2026, 8, 24), dt.date(2026, 8, 28), 'R-5', ('h-ff',))
    schedule = Schedule('hibiscus', (week,))
    friday = dt.date(2026, 8, 28)
    assert len(timing_hints(schedule, friday, 'library', 'minor', cycle=False)) == 1
    assert len(timing_hints(schedule, friday, 'service', 'minor', cycle=True)) == 2
    assert timing_hints(None, dt.date(2026, 8, 27), 'library') == ()


def test_plain_notes_drops_reno_anchors_and_folds_blank_lines() -> None:
    rst = '\n.. _relnotes_1.0.0:\n\n1.0.0\n=====\n\n\n.. _relnotes_1.0.0_New Features:\n\nNew Features  \n\n- one\n\n'
    assert plain_notes(rst) == '1.0.0\n=====\n\nNew Features\n\n- one'
    assert plain_notes('') == ''
