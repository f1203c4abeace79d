"""A rule's context is built complete and cannot be changed afterwards."""

from __future__ import annotations

import dataclasses

import pytest

from releasetools.core.model import Deliverable, Project, Release, Series, SeriesTable
from releasetools.rules import DeliverableContext
from releasetools.rules.gitplan import facts_for, git_repos

REPO = 'openstack/nova'


def _ctx() -> DeliverableContext:
    d = Deliverable('nova', 'hibiscus', 'deliverables/hibiscus/nova.yaml',
                    releases=(Release('1.0.0', (Project(REPO, 'a' * 40),)),))
    return DeliverableContext(d, SeriesTable((Series('hibiscus', '2026.2', 'development'),)))


def test_a_context_cannot_be_filled_in_after_construction() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        _ctx().git = {REPO: 'offline'}  # type: ignore[misc]  # what validate did before contexts were frozen


def test_with_facts_gives_a_new_context_with_the_facts_and_the_same_caches() -> None:
    planned = _ctx()
    assert git_repos(planned) == {REPO}  # cached in planned.cache while planning
    ctx = planned.with_facts({REPO: 'offline'}, {(REPO, '1.0.0'): 'not built'})
    assert (ctx.git, ctx.builds) == ({REPO: 'offline'}, {(REPO, '1.0.0'): 'not built'})
    assert planned.git == {} and planned.builds == {}
    assert ctx.cache is planned.cache and ctx.group is planned.group
    assert facts_for(ctx, REPO) is None  # a reason, not facts
