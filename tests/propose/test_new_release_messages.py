"""new-release says what is wrong, never a misleading guess (issue 13, section 3)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from releasetools.core.hints import did_you_mean
from tests.propose.test_new_release import World


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


def _error(capsys: pytest.CaptureFixture[str], world: World, *args: str) -> str:
    code, _ = world.run(*args)
    err = capsys.readouterr().err
    assert code == 2, err
    return err


def test_no_suggestion_of_the_word_typed() -> None:
    assert did_you_mean('beta', ['beta', 'betta']) is None
    assert did_you_mean('betta', ['beta']) == "did you mean 'beta'?"


@pytest.mark.parametrize('make', ['fifo', 'dir', 'dangling'])
def test_a_target_that_is_no_file_is_named_for_what_it_is(capsys: pytest.CaptureFixture[str], world: World,
                                                           make: str) -> None:
    target = world.data / 'deliverables' / 'gazpacho' / 'beta.yaml'
    if make == 'fifo':
        os.mkfifo(target)
    elif make == 'dir':
        target.mkdir()
    else:
        target.symlink_to('gone.yaml')
    err = _error(capsys, world, 'gazpacho', 'beta', 'bugfix')
    assert 'did you mean' not in err
    expected = ('is a link to gone.yaml, which does not exist' if make == 'dangling' else 'is not a file')
    assert f'deliverables/gazpacho/beta.yaml {expected}' in err


def test_a_yaml_error_in_the_series_table_is_reported_with_file_and_line(capsys: pytest.CaptureFixture[str],
                                                                         world: World) -> None:
    table = world.data / 'data' / 'series_status.yaml'
    lines = table.read_text().splitlines(keepends=True)
    lines.insert(2, '   broken: [\n')
    table.write_text(''.join(lines))
    err = _error(capsys, world, 'gazpacho', 'nova', 'bugfix')
    assert 'unknown series' not in err
    assert re.search(r'error: data/series_status\.yaml:\d+: YAML syntax error', err), err


def test_a_series_without_status_says_so_where_and_how_to_fix(capsys: pytest.CaptureFixture[str],
                                                              world: World) -> None:
    table = world.data / 'data' / 'series_status.yaml'
    text = table.read_text()
    start = text.index('- name: gazpacho')
    entry_line = text[:start].count('\n') + 1
    status = re.compile(r'\n  status: [^\n]*')
    entry_end = text.find('\n- ', start + 1)
    entry = status.sub('', text[start:entry_end], count=1)
    table.write_text(text[:start] + entry + text[entry_end:])
    err = _error(capsys, world, 'gazpacho', 'nova', 'bugfix')
    assert "is ''" not in err
    assert f"series 'gazpacho' has no status (data/series_status.yaml:{entry_line})" in err
    assert 'status: development' in err
