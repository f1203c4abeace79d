"""lineage: which release follows which, on real nova files (tests/fixtures/lineage)."""

from __future__ import annotations

from pathlib import Path

import pytest

from releasetools.core import lineage
from releasetools.core.lineage import Point
from releasetools.core.model import Deliverable
from releasetools.core.versions import FinalIndex, parse_semver
from releasetools.data.load import deliverable_from_raw, load_deliverable_file
from releasetools.data.yamlio import parse_yaml
from releasetools.testing.series import table

FIXTURES = Path(__file__).parent / 'fixtures' / 'lineage'

#: Newest first, as data/series_status.yaml has them (the series of the fixtures' files).
TABLE = table('hibiscus', 'gazpacho', 'bobcat', 'antelope', 'mitaka', 'liberty', 'kilo')


def nova(series: str) -> Deliverable:
    loaded = load_deliverable_file(FIXTURES, f'deliverables/{series}/nova.yaml')
    assert loaded.deliverable is not None
    return loaded.deliverable


def older(*series: str) -> tuple[Deliverable, ...]:
    """Files of the earlier series, newest first."""
    return tuple(nova(s) for s in series)


def texts(versions: tuple[object, ...]) -> list[str]:
    return [str(v) for v in versions]


def release(d: Deliverable, version: str):  # type: ignore[no-untyped-def]
    return next(r for r in d.releases if r.version == version)


def sha(series: str, version: str) -> str:
    return release(nova(series), version).hashes['openstack/nova']


# -- versions that count -----------------------------------------------------------------------------

def test_liberty_starts_an_era_and_kilo_no_longer_counts() -> None:
    counted = lineage.counted_versions(older('mitaka', 'liberty', 'kilo'))
    assert '2015.1.4' not in texts(counted)
    assert texts(counted)[:1] == ['13.0.0.0b1'] and '12.0.6' in texts(counted)
    assert max(counted).text == '13.1.4'


def test_within_an_era_every_earlier_series_counts() -> None:
    assert texts(lineage.counted_versions(older('kilo'))) == ['2015.1.0', '2015.1.1', '2015.1.2', '2015.1.3',
                                                               '2015.1.4']


def test_the_file_itself_may_start_the_era() -> None:
    """liberty's own merged 12.0.x start an era: nothing of kilo counts for it."""
    assert lineage.counted_versions(older('kilo'), lineage.semvers_of(nova('liberty'))) == ()
    # A file of the same era keeps the earlier series.
    assert len(lineage.counted_versions(older('liberty'), lineage.semvers_of(nova('mitaka')))) == 7


def test_a_lower_version_of_the_same_major_line_starts_no_era() -> None:
    v = parse_semver
    assert not lineage.starts_era([v('2.9.1')], v('2.10.0'))  # type: ignore[list-item]
    assert not lineage.starts_era([v('12.0.0'), v('2016.1.0')], v('2015.1.4'))  # type: ignore[list-item]
    assert lineage.starts_era([v('12.0.0')], v('2015.1.4'))  # type: ignore[list-item]
    assert not lineage.starts_era([], v('2015.1.4'))  # type: ignore[arg-type]
    assert not lineage.starts_era([v('12.0.0')], None)  # type: ignore[list-item]


def test_era_step_restarts_below_the_highest_final_and_ignores_pre_releases() -> None:
    v = parse_semver
    kilo = [v('2015.1.0'), v('2015.1.4')]
    assert lineage.era_step(None, kilo) == (False, v('2015.1.4'))  # type: ignore[arg-type]
    assert lineage.era_step(v('2015.1.4'), [v('12.0.0'), v('12.0.6')]) == (True, v('12.0.6'))  # type: ignore[arg-type,list-item]
    assert lineage.era_step(v('12.0.6'), [v('13.0.0.0b1')]) == (False, v('12.0.6'))  # type: ignore[arg-type,list-item]
    assert lineage.era_step(v('12.0.6'), []) == (False, v('12.0.6'))  # type: ignore[arg-type]


def test_fold_series_is_the_index_of_counted_finals() -> None:
    index = FinalIndex()
    for d in reversed(older('gazpacho', 'bobcat', 'antelope', 'mitaka', 'liberty', 'kilo')):
        before = index
        index = lineage.fold_series(index, lineage.semvers_of(d))
        assert index is not before
    assert index.top is not None and index.top.text == '33.0.2'
    assert (2015, 1) not in index.by_line
    assert index.by_line[(12, 0)].text == '12.0.6'


def test_a_new_year_of_the_date_era() -> None:
    v = parse_semver
    juno = FinalIndex([v('2014.2.0'), v('2014.2.4')])  # type: ignore[list-item]
    assert lineage.date_year_step(v('2015.1.0'), juno)  # type: ignore[arg-type]
    assert lineage.date_year_step(v('2015.1.0.0rc1'), juno)  # type: ignore[arg-type]
    assert not lineage.date_year_step(v('2016.1.0'), juno)  # type: ignore[arg-type]  # skips a year
    assert not lineage.date_year_step(v('2015.2.0'), juno)  # type: ignore[arg-type]
    assert not lineage.date_year_step(v('2015.1.0'), FinalIndex())  # type: ignore[arg-type]
    # Semantic versions are no years: 34.0.0 after 33.0.2 is an ordinary major step.
    assert not lineage.date_year_step(v('34.1.0'), FinalIndex([v('33.0.2')]))  # type: ignore[arg-type,list-item]


# -- the release a new release follows ---------------------------------------------------------------

def test_first_milestone_of_hibiscus_follows_the_gazpacho_branch_point() -> None:
    hib = nova('hibiscus')
    v = parse_semver('34.0.0.0b1')
    assert v is not None
    point = lineage.predecessor(hib, older('gazpacho', 'bobcat'), v, 0, 'openstack/nova')
    assert point == Point('33.0.0.0rc1', sha('gazpacho', '33.0.0.0rc1'), 'gazpacho')


def test_a_stable_patch_follows_the_highest_of_its_line() -> None:
    gaz = nova('gazpacho')
    v = parse_semver('33.0.3')
    assert v is not None
    point = lineage.predecessor(gaz, older('bobcat'), v, len(gaz.releases), 'openstack/nova')
    assert point == Point('33.0.2', sha('gazpacho', '33.0.2'), 'gazpacho')


def test_an_rc_model_file_without_a_branch_entry_names_no_branch_point() -> None:
    """kilo and liberty record no branch and no candidate: their finals are on the stable branch.

    (nova's stable/liberty was cut at 12.0.0.0rc1, which the file does not
    have; 12.0.0 is not in master's history.) Unknown, so None: no guess.
    """
    lib = nova('liberty')
    assert lineage.predecessor_of(lib, older('kilo'), release(lib, '12.0.0'), 'openstack/nova') is None
    assert lineage.predecessor_of(lib, older('kilo'), release(lib, '12.0.3'), 'openstack/nova') == \
        Point('12.0.2', sha('liberty', '12.0.2'), 'liberty')
    mit = nova('mitaka')
    assert lineage.predecessor_of(mit, older('liberty'), release(mit, '13.0.0.0b1'), 'openstack/nova') is None


def test_without_a_branch_entry_the_first_candidate_is_the_branch_point() -> None:
    """mitaka's file has 13.0.0.0rc1 .. rc3 and no branch entry: the branch was cut at rc1."""
    assert lineage.series_start(older('mitaka'), 'openstack/nova') == \
        Point('13.0.0.0rc1', sha('mitaka', '13.0.0.0rc1'), 'mitaka')


def test_a_library_file_without_a_branch_entry_branches_from_its_last_release() -> None:
    lib = _file('release-model: cycle-with-intermediary\nreleases:\n'
                '  - version: 1.0.0\n    projects:\n      - {repo: openstack/a, hash: aa}\n'
                '  - version: 1.1.0\n    projects:\n      - {repo: openstack/a, hash: bb}\n'
                '  - version: 1.1.1\n    projects:\n      - {repo: openstack/a, hash: cc}\n')
    assert lineage.series_start((lib,), 'openstack/a') == Point('1.1.0', 'bb', 'hibiscus')


def test_pre_releases_follow_one_another_and_the_final_its_last_candidate() -> None:
    mit = nova('mitaka')
    prior = older('liberty', 'kilo')
    assert lineage.predecessor_of(mit, prior, release(mit, '13.0.0.0b2'), 'openstack/nova') == \
        Point('13.0.0.0b1', sha('mitaka', '13.0.0.0b1'), 'mitaka')
    assert lineage.predecessor_of(mit, prior, release(mit, '13.0.0'), 'openstack/nova') == \
        Point('13.0.0.0rc3', sha('mitaka', '13.0.0.0rc3'), 'mitaka')
    bob = nova('bobcat')
    assert lineage.predecessor_of(bob, older('antelope'), bob.releases[0], 'openstack/nova') == \
        Point('27.0.0.0rc1', sha('antelope', '27.0.0.0rc1'), 'antelope')  # stable/2023.1's location


def test_no_predecessor_without_the_repository() -> None:
    mit = nova('mitaka')
    assert lineage.predecessor_of(mit, older('liberty'), release(mit, '13.0.0.0b1'), 'openstack/glance') is None
    assert lineage.series_start((), 'openstack/nova') is None


def test_series_start_skips_a_series_without_the_repository() -> None:
    empty = nova('hibiscus')
    assert lineage.series_start((empty, nova('gazpacho')), 'openstack/nova') == \
        Point('33.0.0.0rc1', sha('gazpacho', '33.0.0.0rc1'), 'gazpacho')


# -- the range of notes and shortlog -----------------------------------------------------------------

def test_a_final_counts_from_before_its_first_pre_release() -> None:
    gaz = nova('gazpacho')
    assert lineage.range_start(gaz, older('bobcat'), release(gaz, '33.0.0'), 'openstack/nova') == \
        Point('28.0.0.0rc1', sha('bobcat', '28.0.0.0rc1'), 'bobcat')
    # A pre-release counts from the one before it.
    mit = nova('mitaka')
    assert lineage.range_start(mit, older('liberty'), release(mit, '13.0.0.0rc2'), 'openstack/nova') == \
        Point('13.0.0.0rc1', sha('mitaka', '13.0.0.0rc1'), 'mitaka')


def test_diff_start_is_not_followed() -> None:
    """bobcat's 28.0.0 says ``diff-start: 27.0.0``; its range starts before its first candidate all the same."""
    bob = nova('bobcat')
    assert release(bob, '28.0.0').diff_start == '27.0.0'
    assert lineage.range_start(bob, older('antelope'), release(bob, '28.0.0'), 'openstack/nova') == \
        Point('27.0.0.0rc1', sha('antelope', '27.0.0.0rc1'), 'antelope')


# -- closing tags and repositories -------------------------------------------------------------------

def test_closing_prefix_is_the_release_id_else_the_name() -> None:
    assert lineage.closing_prefix(nova('bobcat'), TABLE) == '2023.2'
    assert lineage.closing_prefix(nova('mitaka'), TABLE) == 'mitaka'
    assert lineage.closing_names(nova('bobcat'), TABLE) == {'bobcat', '2023.2'}
    independent = deliverable_from_raw({}, '_independent', 'gnocchi', 'deliverables/_independent/gnocchi.yaml')
    assert lineage.closing_prefix(independent, TABLE) is None
    assert {'kilo', '2026.2'} <= lineage.closing_names(independent, TABLE)


def test_series_branches_by_release_id_then_name() -> None:
    assert lineage.series_branches(nova('bobcat'), TABLE) == ('stable/2023.2', 'stable/bobcat')
    assert lineage.series_branches(nova('mitaka'), TABLE, 'unmaintained') == ('unmaintained/mitaka',)
    independent = deliverable_from_raw({}, '_independent', 'gnocchi', 'deliverables/_independent/gnocchi.yaml')
    assert lineage.series_branches(independent, TABLE) == ()


def _file(text: str) -> Deliverable:
    return deliverable_from_raw(parse_yaml(text), 'hibiscus', 'x', 'deliverables/hibiscus/x.yaml')


def test_active_repositories() -> None:
    assert lineage.active_repos(nova('gazpacho')) == ('openstack/nova',)
    settings = _file('repository-settings:\n  openstack/a: {}\n  openstack/b:\n    flags: [retired]\n')
    assert lineage.active_repos(settings) == ('openstack/a',)
    releases = _file('releases:\n'
                     '  - version: 1.0.0\n    projects:\n      - {repo: openstack/a, hash: x}\n'
                     '      - {repo: openstack/b, hash: x}\n'
                     '  - version: 1.1.0\n    projects:\n      - {repo: openstack/a, hash: x}\n'
                     '  - version: hibiscus-eol\n    projects:\n      - {repo: openstack/c, hash: x}\n')
    assert lineage.active_repos(releases) == ('openstack/a',)  # the closing tag is not a regular release
    assert lineage.active_repos(releases, before=1) == ('openstack/a', 'openstack/b')
    assert lineage.active_repos(_file('team: x\n')) == ()
    flagged = _file('repository-settings:\n  openstack/a:\n    flags: [no-artifact-build-job]\n'
                    '  openstack/b:\n    flags: [retired]\n')
    assert lineage.active_repos(flagged) == ('openstack/a',)  # nothing built from it, but still released
    settings = flagged.repository_settings or {}
    assert [(s.retired, s.builds_artifacts) for s in settings.values()] == [(False, False), (True, True)]


def test_branch_points_from_a_location_map_or_the_release_it_names() -> None:
    d = _file('releases:\n'
              '  - version: 1.0.0\n    projects:\n'
              '      - {repo: openstack/a, hash: x}\n      - {repo: openstack/b, hash: y}\n'
              'branches:\n'
              '  - {name: stable/1.0, location: 1.0.0}\n'
              '  - {name: stable/tagless, location: {openstack/a: z}}\n'
              '  - {name: stable/typo, location: 9.9.9}\n'
              '  - {name: stable/none}\n')
    at_release, tagless, typo, missing = d.branches
    assert lineage.branch_points(d, at_release) == {'openstack/a': 'x', 'openstack/b': 'y'}
    assert lineage.branch_points(d, tagless) == {'openstack/a': 'z'}
    assert lineage.branch_points(d, typo) is None
    assert lineage.branch_points(d, missing) is None


@pytest.mark.parametrize(('series', 'unknown'), [
    ('kilo', ['2015.1.0']),  # the oldest fixture
    ('liberty', ['12.0.0']),  # kilo names no branch point
    ('mitaka', ['13.0.0.0b1']),  # liberty names none either
    ('antelope', []), ('bobcat', []), ('gazpacho', []),
])
def test_which_fixture_releases_have_no_predecessor(series: str, unknown: list[str]) -> None:
    order = ['gazpacho', 'bobcat', 'antelope', 'mitaka', 'liberty', 'kilo']
    d = nova(series)
    prior = older(*order[order.index(series) + 1:])
    missing = [r.version for r in d.releases if parse_semver(r.version or '') is not None
               and lineage.predecessor_of(d, prior, r, 'openstack/nova') is None]
    assert missing == unknown
