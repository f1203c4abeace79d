"""``releasetools list-changes`` from the command line: text, JSON, exit statuses."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from releasetools.cli import main
from releasetools.testing.datarepo import DataRepo
from tests.review.conftest import LIB, Library, library_file


def cli(data: DataRepo, library: Library, *extra: str, repos: str | None = None) -> tuple[int, str]:
    data.write('hibiscus', 'oslo.demo', library_file(('1.0.0', library.ids['C0']), ('1.0.1', library.ids['C4'])),
               header=False)
    out = io.StringIO()
    code = main(['list-changes', '--root', str(data.root), '--base', 'HEAD', '--offline',
                 '--repos', repos or library.template, '--cache-dir', str(data.cache_dir), *extra], out)
    return code, out.getvalue()


def test_text_shows_one_screen_per_release(request_repo: DataRepo, library: Library) -> None:
    code, text = cli(request_repo, library, '--date', '2026-08-26')
    assert code == 0
    lines = text.splitlines()
    assert lines[:5] == [
        'oslo.demo 1.0.1 (hibiscus)', '==========================', 'file: deliverables/hibiscus/oslo.demo.yaml',
        'team: oslo   type: library   model: cycle-with-intermediary   release-type: python-pypi',
        'previous: 1.0.0   step: patch']
    assert '    commits: 5 since the previous release (merges left out)' in lines
    assert '      Test Author (5):' in lines
    assert '    release notes: 3 notes, calling for a minor step (features)' in lines
    assert '      | - Added ``shiny()``.' in lines
    assert '      ~ oslo.config: >=9.0.0 -> >=9.1.0' in lines
    assert '      + stevedore>=3.0.0' in lines
    assert '      oslo_demo/__init__.py:5: helper: Public object was removed' in lines
    assert any(line.startswith('hint: 2026-08-26 is in a freeze week of hibiscus') for line in lines)
    assert f'WARNING: {LIB}: the release notes call for a minor release (features) but 1.0.1 is a patch ' \
           'step from 1.0.0' in lines
    assert lines[-1] == '1 new release, 3 warnings'


def test_json_follows_the_documented_schema(request_repo: DataRepo, library: Library) -> None:
    code, text = cli(request_repo, library, '--format', 'json', '--date', '2026-07-06')
    assert code == 0
    doc = json.loads(text)
    assert set(doc) == {'date', 'problems', 'releases'}
    assert doc['date'] == '2026-07-06'
    (release,) = doc['releases']
    assert set(release) == {'file', 'deliverable', 'series', 'team', 'type', 'model', 'release_type', 'version',
                            'previous_version', 'step', 'warnings', 'hints', 'repos'}
    (repo,) = release['repos']
    assert set(repo) == {'repo', 'hash', 'previous_hash', 'unavailable', 'commit_count', 'commits',
                         'branch_head_of', 'branches', 'notes', 'requirements', 'api', 'warnings'}
    assert repo['commit_count'] == 5 and len(repo['commits']) == 5
    assert set(repo['commits'][0]) == {'sha', 'author', 'subject'}
    assert set(repo['notes']) == {'files', 'sections', 'preview', 'implied_step', 'implied_by', 'problems'}
    assert repo['notes']['implied_step'] == 'minor'
    assert repo['requirements'][1] == {'name': 'stevedore', 'old': None, 'new': '>=3.0.0'}
    assert repo['api']['status'] == 'compared'


def test_unreachable_repository_is_a_clear_line_and_exit_0(request_repo: DataRepo, library: Library,
                                                          tmp_path: Path) -> None:
    code, text = cli(request_repo, library, repos=f'{tmp_path}/nowhere/{{repo}}')
    assert code == 0
    assert f'    unavailable: no repository at {tmp_path}/nowhere/{LIB}' in text.splitlines()


@pytest.mark.parametrize('args', [['--date', '2026-13-01'], ['--format', 'xml']])
def test_bad_arguments_exit_2(request_repo: DataRepo, library: Library, args: list[str],
                              capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli(request_repo, library, *args)
    assert exc.value.code == 2


def test_unknown_base_exits_2(request_repo: DataRepo, library: Library, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = cli(request_repo, library, '--base', 'no-such-rev')
    assert code == 2
    assert "unknown base revision 'no-such-rev'" in capsys.readouterr().err


def test_progress_on_stderr_only_when_asked(request_repo: DataRepo, library: Library,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, text = cli(request_repo, library, '--date', '2026-08-26', '--progress')
    assert code == 0
    assert capsys.readouterr().err == f'releasetools: repositories 1/1: {LIB}: ok\n'
    assert 'releasetools:' not in text
    code, _ = cli(request_repo, library, '--date', '2026-08-26', '--no-progress')
    assert code == 0
    assert capsys.readouterr().err == ''
