"""The next version for each kind of release, from a deliverable's history."""

from __future__ import annotations

from pathlib import Path

import pytest

from releasetools.core.errors import ReleaseToolsError
from releasetools.core.lineage import counted_versions
from releasetools.core.model import Deliverable, Project, Release
from releasetools.core.nextversion import plan_version
from releasetools.core.versions import parse_semver
from releasetools.data.load import load_deliverable_file


def deliv(*versions: str, series: str = 'hibiscus') -> Deliverable:
    releases = tuple(Release(v, (Project('o/x', f'{i:040x}'),), index=i) for i, v in enumerate(versions))
    return Deliverable('x', series, f'deliverables/{series}/x.yaml', releases=releases)


def older(*versions: str) -> list:
    return [parse_semver(v) for v in versions]


P = pytest.param


@pytest.mark.parametrize(('kind', 'own', 'prior', 'expected'), [
    P('bugfix', ['3.0.0'], [], '3.0.1', id='bugfix'),
    P('bugfix', ['3.0.0', '3.1.0', '3.0.1'], [], '3.0.2', id='bugfix-of-the-last-line'),
    P('feature', ['3.0.0', '3.0.1'], [], '3.1.0', id='feature'),
    P('feature', [], ['2.4.1'], '2.5.0', id='feature-first-of-series-counts-from-earlier-series'),
    P('major', ['3.2.1'], ['2.0.0'], '4.0.0', id='major'),
    P('major', [], ['2.4.1'], '3.0.0', id='major-first-of-series'),
    P('milestone', [], ['2.4.1'], '3.0.0.0b1', id='first-milestone-bumps-major'),
    P('milestone', ['3.0.0.0b1'], ['2.4.1'], '3.0.0.0b2', id='next-milestone'),
    P('rc', ['3.0.0.0b3'], ['2.4.1'], '3.0.0.0rc1', id='rc-after-milestones'),
    P('rc', [], ['2.4.1'], '3.0.0.0rc1', id='first-rc-bumps-major'),
    P('rc', ['3.0.0.0rc1'], [], '3.0.0.0rc2', id='next-rc'),
    P('final', ['3.0.0.0rc1', '3.0.0.0rc2'], [], '3.0.0', id='final'),
    P('eol', ['3.0.0', '3.0.1'], [], '2026.2-eol', id='eol'),
    P('em', ['3.0.0'], [], '2026.2-em', id='em'),
    P('feature', [], [], '0.1.0', id='first-ever-feature'),
    P('major', [], [], '1.0.0', id='first-ever-major'),
])
def test_next_version(kind: str, own: list[str], prior: list[str], expected: str) -> None:
    assert plan_version(kind, deliv(*own), older(*prior), '2026.2').version == expected


def test_final_reuses_the_last_rc() -> None:
    d = deliv('3.0.0.0rc1', '3.0.0.0rc2')
    plan = plan_version('final', d, [], '2026.2')
    assert plan.reuse is d.releases[1]
    assert plan.previous == '3.0.0.0rc2'


@pytest.mark.parametrize(('kind', 'own', 'message'), [
    P('bugfix', [], 'cannot be a bugfix', id='bugfix-first-of-series'),
    P('final', ['3.0.0'], 'propose an rc first' , id='final-without-rc'),
    P('feature', ['3.0.0.0rc1'], 'continue with rc or final', id='feature-during-rcs'),
    P('milestone', ['3.0.0.0rc1'], 'milestones come before rcs', id='milestone-after-rc'),
    P('eol', [], 'no release in hibiscus', id='eol-without-release'),
    P('eol', ['3.0.0', '2026.2-eol'], 'already has 2026.2-eol', id='eol-twice'),
    P('sideways', ['3.0.0'], 'unknown kind', id='unknown-kind'),
])
def test_refused(kind: str, own: list[str], message: str) -> None:
    with pytest.raises(ReleaseToolsError) as info:
        plan_version(kind, deliv(*own), older('2.0.0'), '2026.2')
    assert message in f'{info.value.message} {info.value.hint}'


def test_independent_has_no_closing_tag() -> None:
    with pytest.raises(ReleaseToolsError, match='independent'):
        plan_version('eol', deliv('1.0.0', series='_independent'), [], None)


@pytest.mark.parametrize(('kind', 'expected'), [
    ('milestone', '34.0.0.0b1'), ('rc', '34.0.0.0rc1'), ('major', '34.0.0'), ('feature', '33.1.0')])
def test_counted_from_the_semantic_era_of_the_real_nova_files(kind: str, expected: str) -> None:
    """The versions lineage counts for hibiscus (gazpacho .. liberty) leave kilo's 2015.1.4 out."""
    fixtures = Path(__file__).parents[1] / 'fixtures' / 'lineage'

    def nova(series: str) -> Deliverable:
        loaded = load_deliverable_file(fixtures, f'deliverables/{series}/nova.yaml')
        assert loaded.deliverable is not None
        return loaded.deliverable

    prior = counted_versions([nova(s) for s in ('gazpacho', 'bobcat', 'antelope', 'mitaka', 'liberty', 'kilo')])
    assert '2015.1.4' not in {v.text for v in prior}
    assert plan_version(kind, nova('hibiscus'), prior, '2026.2').version == expected
