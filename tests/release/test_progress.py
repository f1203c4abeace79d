"""The release job's progress lines on stderr (--progress): the release n of N, the step, its item."""

from __future__ import annotations

import pytest

from tests.release.test_job import Run, statuses


def progress_lines(err: str) -> list[str]:
    return [line.removeprefix('releasetools: ') for line in err.splitlines() if line.startswith('releasetools: ')]


def test_progress_names_the_release_and_each_step_as_it_starts(world: Run, capsys: pytest.CaptureFixture[str]
                                                               ) -> None:
    code, out = world('--progress')
    assert code == 0, out
    lines = progress_lines(capsys.readouterr().err)
    # The precheck fetches every repository before the first release starts.
    assert lines[0] == f'{world.project.repo}: fetching {world.project.bare}'
    steps = [line.rsplit(': ', 1)[1] for line in lines[1:]]
    # One line per step that does work, before it (the stdout report has one per step, after it).
    assert steps == [action for status, action in statuses(out) if status == 'done']
    assert all(line.startswith('release 1/1: widget 1.0.0') for line in lines[1:])
    assert 'releasetools:' not in out


def test_no_progress_prints_none(world: Run, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = world('--no-progress')
    assert code == 0, out
    assert progress_lines(capsys.readouterr().err) == []
