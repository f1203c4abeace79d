"""check-approval: the owning team's PTL or a liaison approved (or wrote) the request."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from releasetools.cli import main
from releasetools.core.errors import UsageError
from releasetools.review.approval import Review, Team, decide, load_review, load_teams
from releasetools.testing.gitcmd import commit_file, init_repo
from releasetools.testing.series import table, write_series_table

TEAMS = """\
teams:
  nova:
    ptl: alice
    liaisons: [bob]
  oslo:
    ptl: dave
"""


def test_decide() -> None:
    teams = {'nova': Team('nova', 'alice', frozenset({'bob'})), 'oslo': Team('oslo', 'dave')}
    report = decide([('a.yaml', 'nova'), ('b.yaml', 'oslo'), ('c.yaml', 'glance')], teams,
                    Review('zed', frozenset({'bob', 'eve'})))
    assert [(d.path, d.approved, d.reason) for d in report.decisions] == [
        ('a.yaml', True, 'approved by bob'),
        ('b.yaml', False, 'needs the approval of one of dave'),
        ('c.yaml', False, "team 'glance' is not in the team data file (add the team to the team data file)"),
    ]
    assert not report.approved


def test_author_counts_as_approval() -> None:
    teams = {'nova': Team('nova', 'alice', frozenset({'bob'}))}
    assert decide([('a.yaml', 'nova')], teams, Review('alice')).approved
    assert not decide([('a.yaml', 'nova')], teams, Review('mallory')).approved


def test_gerrit_change_info(tmp_path: Path) -> None:
    path = tmp_path / 'change.json'
    path.write_text(json.dumps({'owner': {'username': 'zed'}, 'labels': {'Code-Review': {'all': [
        {'username': 'bob', 'value': 2}, {'username': 'carol', 'value': -1}, {'username': 'dan', 'value': 0}]}}}))
    assert load_review(path) == Review('zed', frozenset({'bob'}))


@pytest.mark.parametrize(('content', 'message'), [
    ('teams: [nova]\n', 'expected a mapping "teams:"'),
    ('teams:\n  nova:\n    ptl: alice\n    liasons: [bob]\n', ":4: unknown key 'liasons' in team 'nova'"),
    ('teams:\n  nova: [alice]\n', ':2: team'),
    ('teams:\n  nova: {ptl: a}\n  nova: {ptl: b}\n', ':3: duplicate key'),
])
def test_bad_team_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / 'teams.yaml'
    path.write_text(content)
    with pytest.raises(UsageError) as info:
        load_teams(path)
    assert message in info.value.message


@pytest.fixture
def request_repo(tmp_path: Path) -> Path:
    data = tmp_path / 'data'
    write_series_table(data, table('hibiscus'))
    (data / 'data' / 'teams.yaml').write_text(TEAMS)
    (data / 'deliverables' / 'hibiscus').mkdir(parents=True)
    (data / 'deliverables' / 'hibiscus' / 'nova.yaml').write_text('team: nova\ntype: service\n')
    (data / 'deliverables' / 'hibiscus' / 'oslo.yaml').write_text('team: oslo\ntype: library\n')
    init_repo(data)
    commit_file(data, {}, 'base')
    commit_file(data, {'deliverables/hibiscus/nova.yaml': 'team: nova\ntype: service\nreleases: []\n'}, 'request')
    return data


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(['check-approval', *args], out=out), out.getvalue()


def test_cli_approved_and_not(request_repo: Path) -> None:
    assert run('--root', str(request_repo), '--author', 'zed', '--approver', 'bob') == (
        0, 'deliverables/hibiscus/nova.yaml: approved (team nova): approved by bob\n')
    assert run('--root', str(request_repo), '--author', 'zed', '--approver', 'dave') == (
        1, 'deliverables/hibiscus/nova.yaml: NOT APPROVED (team nova): needs the approval of one of alice, bob\n')


def test_cli_review_file_and_missing_team_file(request_repo: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    review = tmp_path / 'review.json'
    review.write_text('{"author": "alice", "approvers": []}')
    assert run('--root', str(request_repo), '--review', str(review))[0] == 0
    assert run('--root', str(request_repo), '--teams', str(tmp_path / 'none.yaml'))[0] == 2
    assert 'no team data file' in capsys.readouterr().err
    review.write_text('{"author": ')
    assert run('--root', str(request_repo), '--review', str(review))[0] == 2
    assert 'not JSON' in capsys.readouterr().err


def test_own_team_file_is_valid() -> None:
    teams = load_teams(Path(__file__).resolve().parents[2] / 'data' / 'teams.yaml')
    assert 'release-management' in teams
