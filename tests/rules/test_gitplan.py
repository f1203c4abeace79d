"""Which release a new one follows, and where its notes and shortlog start."""

from __future__ import annotations

from releasetools.core.lineage import Point, range_start
from releasetools.core.model import Deliverable, Project, Release, Series, SeriesTable
from releasetools.rules import DeliverableContext
from releasetools.rules.gitplan import previous_release

REPO = 'openstack/nova'


def ctx(*versions: tuple[str, str]) -> DeliverableContext:
    releases = tuple(Release(v, (Project(REPO, h),), index=i) for i, (v, h) in enumerate(versions))
    d = Deliverable('nova', 'hibiscus', 'deliverables/hibiscus/nova.yaml', releases=releases)
    return DeliverableContext(d, SeriesTable((Series('hibiscus', '2026.2', 'development'),)))


def test_a_final_after_candidates_counts_from_before_the_first_candidate() -> None:
    c = ctx(('1.0.0', 'a'), ('2.0.0.0rc1', 'b'), ('2.0.0.0rc2', 'c'), ('2.0.0', 'c'))
    final = c.deliverable.releases[3]
    assert previous_release(c, final, REPO) == Point('2.0.0.0rc2', 'c', 'hibiscus')  # what it must descend from
    # What its notes cover, as reno folds the rcs.
    assert range_start(c.deliverable, c.older_files, final, REPO) == Point('1.0.0', 'a', 'hibiscus')


def test_other_releases_count_from_the_previous_release() -> None:
    c = ctx(('1.0.0', 'a'), ('2.0.0.0rc1', 'b'), ('2.0.0.0rc2', 'c'), ('2.0.0', 'c'), ('2.0.1', 'd'))
    releases = c.deliverable.releases
    d, older = c.deliverable, c.older_files
    assert range_start(d, older, releases[2], REPO) == Point('2.0.0.0rc1', 'b', 'hibiscus')
    assert range_start(d, older, releases[4], REPO) == Point('2.0.0', 'c', 'hibiscus')
    assert range_start(d, older, releases[0], REPO) is None
