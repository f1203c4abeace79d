"""``releasetools countdown``: the week, its events, the release actions; on the sample and on built data."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from releasetools.cli.main import main
from releasetools.core.calendar import event_titles
from releasetools.data.calendar import load_schedule
from releasetools.review.countdown import Countdown, load_countdown, render_json, render_text
from releasetools.testing.calendar import write_calendar
from releasetools.testing.datarepo import DataRepo
from releasetools.testing.deliverables import rel
from releasetools.testing.series import table
from tests.release.servers import Mailer

SAMPLE = Path(__file__).resolve().parents[3] / 'shared' / 'upstream-sample'
needs_sample = pytest.mark.skipif(not (SAMPLE / 'data' / 'series_status.yaml').is_file(),
                                  reason=f'the upstream data sample is not at {SAMPLE}')


def _action(c: Countdown, event: str, word: str) -> set[str]:
    """The deliverables of the action owed for ``event`` whose text has ``word``."""
    found = [a for a in c.actions if a.event == event and word in a.what]
    assert len(found) == 1, [(a.event, a.what) for a in c.actions]
    return {o.name for o in found[0].deliverables}


# --- the sample (real data) -----------------------------------------------------------------------

@needs_sample
def test_sample_library_freeze_week() -> None:
    c = load_countdown(SAMPLE, dt.date(2026, 8, 20))
    assert c.series == 'hibiscus'
    assert c.week is not None and c.week.name == 'R-6'
    assert (c.week.start, c.week.end) == (dt.date(2026, 8, 17), dt.date(2026, 8, 21))
    assert ('h-final-lib', 'Final release for non-client libraries') in c.this_events
    assert c.next_week is not None and c.next_week.name == 'R-5'
    assert ('h-ff', 'Feature freeze') in c.next_events
    # Libraries of hibiscus with no final release yet (real files: no releases at all).
    libs = _action(c, 'h-final-lib', 'library')
    assert {'mistral-lib', 'tosca-parser'} <= libs
    assert 'oslo.config' not in libs  # released 10.7.0 in hibiscus
    clients = _action(c, 'h-final-clientlib', 'client-library')
    assert 'python-cinderclient' in clients and 'python-novaclient' not in clients
    # Each action names the teams.
    owners = {o.name: o.team for a in c.actions for o in a.deliverables}
    assert owners['mistral-lib'] == 'mistral'


@needs_sample
def test_sample_after_the_library_freeze_asks_for_stable_branches() -> None:
    c = load_countdown(SAMPLE, dt.date(2026, 9, 8))
    assert c.week is not None and c.week.name == 'R-3'
    assert ('h-rc1', 'RC1 target week') in c.this_events
    branches = _action(c, 'h-final-lib', 'stable branch')
    assert 'oslo.config' in branches and 'python-novaclient' not in branches
    assert 'python-novaclient' in _action(c, 'h-final-clientlib', 'stable branch')
    rc = _action(c, 'h-rc1', 'release candidate')
    assert 'nova' in rc
    assert 'kolla' not in rc  # cycle-trailing: it trails the series' deadlines


@needs_sample
def test_sample_countdown_text_and_json() -> None:
    out = io.StringIO()
    assert main(['countdown', '--root', str(SAMPLE), '--date', '2026-08-20'], out) == 0
    text = out.getvalue()
    assert text.startswith('Release countdown for week R-6, Aug 17 - Aug 21\n')
    assert '  - Final release for non-client libraries (h-final-lib)\n' in text
    assert 'mistral: mistral-extra, mistral-lib' in text
    assert max(len(line) for line in text.splitlines()) <= 78
    out = io.StringIO()
    assert main(['countdown', '--root', str(SAMPLE), '--date', '2026-08-20', '--format', 'json'], out) == 0
    data = json.loads(out.getvalue())
    assert data['week'] == {'name': 'R-6', 'start': '2026-08-17', 'end': '2026-08-21'}
    assert {'name': 'h-ff', 'title': 'Feature freeze'} in data['events']['next_week']
    lib = next(a for a in data['actions'] if a['event'] == 'h-final-lib')
    assert lib['due'] == '2026-08-20'
    assert {'name': 'mistral-lib', 'team': 'mistral', 'series': 'hibiscus', 'last': None} in lib['deliverables']


@needs_sample
def test_sample_titles_cover_every_event() -> None:
    for series in ('antelope', 'bobcat', 'gazpacho', 'hibiscus'):
        schedule = load_schedule(SAMPLE, series)
        assert schedule is not None
        # The series' own events (the previous series' final, listed in the first week, has its page there).
        events = {e for w in schedule.weeks for e in (*w.events, *w.project_events) if e[0] == series[0]}
        assert events and events <= set(schedule.titles), (series, events - set(schedule.titles))


# --- built data ------------------------------------------------------------------------------------

TITLES = {'h-1': 'Hibiscus-1 milestone', 'h-cycle-trail': 'Gazpacho cycle-trailing deadline',
          'h-final-lib': 'Final release for non-client libraries', 'h-rc1': 'RC1 target week',
          'h-final': 'Hibiscus release'}
WEEKS: list[list[str]] = [['h-1'], [], ['h-cycle-trail'], ['h-final-lib'], [], ['h-rc1'], [], ['h-final']]
MONDAY = dt.date(2026, 6, 1)


@pytest.fixture
def data(tmp_path: Path) -> DataRepo:
    repo = DataRepo(tmp_path / 'data', table('hibiscus', 'gazpacho'))
    write_calendar(repo.root, 'hibiscus', MONDAY, WEEKS, TITLES)
    repo.write('hibiscus', 'nova', 'release-model: cycle-with-rc\nreleases:\n'
               f'  - {rel("30.0.0.0b1", "$1")}\n')
    repo.write('hibiscus', 'glance', 'release-model: cycle-with-rc\nreleases:\n'
               f'  - {rel("31.0.0.0rc1", "$1", "openstack/glance")}\n')
    repo.write('hibiscus', 'oslo.log', 'release-model: cycle-with-intermediary\nreleases:\n'
               f'  - {rel("8.3.0", "$1", "openstack/oslo.log")}\n', header=False)
    repo.write('hibiscus', 'oslo.db', 'release-model: cycle-with-intermediary\nreleases: []\n', header=False)
    repo.write('hibiscus', 'tempest-x', 'release-model: untagged\n')
    repo.write('gazpacho', 'kolla', 'release-model: cycle-with-rc\nreleases:\n'
               f'  - {rel("20.0.0.0rc1", "$2", "openstack/kolla")}\n', header=False)
    repo.write('gazpacho', 'kayobe', 'release-model: cycle-with-rc\nreleases:\n'
               f'  - {rel("18.0.0", "$2", "openstack/kayobe")}\n', header=False)
    for name, team, kind in (('oslo.log', 'oslo', 'library'), ('oslo.db', 'oslo', 'library'),
                             ('kolla', 'kolla', 'trailing'), ('kayobe', 'kolla', 'trailing')):
        path = repo.root / 'deliverables' / ('gazpacho' if kind == 'trailing' else 'hibiscus') / f'{name}.yaml'
        path.write_text(f'team: {team}\ntype: {kind}\nlaunchpad: {name}\n' + path.read_text())
    return repo


def test_milestone_week(data: DataRepo) -> None:
    c = load_countdown(data.root, MONDAY + dt.timedelta(days=2))
    assert c.week is not None and c.week.name == 'R-7'
    assert c.this_events == (('h-1', 'Hibiscus-1 milestone'),)
    assert c.next_week is not None and c.next_events == ()
    assert not [a for a in c.actions if a.event == 'h-1' and 'beta' in a.what]
    assert _action(c, 'h-1', 'intermediary') == {'oslo.db'}
    assert c.actions[-1].due == dt.date(2026, 6, 4)  # the Thursday


def test_cycle_trailing_owes_the_previous_series(data: DataRepo) -> None:
    c = load_countdown(data.root, MONDAY + dt.timedelta(weeks=1, days=5))  # a Saturday: its week's countdown
    assert c.week is not None and c.week.name == 'R-6'
    assert c.next_events == (('h-cycle-trail', 'Gazpacho cycle-trailing deadline'),)
    owed = [a for a in c.actions if a.event == 'h-cycle-trail']
    assert [(o.name, o.series, o.last) for a in owed for o in a.deliverables] == [('kolla', 'gazpacho', '20.0.0.0rc1')]
    assert 'gazpacho' in owed[0].what


def test_library_freeze_then_stable_branches(data: DataRepo) -> None:
    freeze = load_countdown(data.root, MONDAY + dt.timedelta(weeks=3))
    assert _action(freeze, 'h-final-lib', 'final release') == {'oslo.db'}
    after = load_countdown(data.root, MONDAY + dt.timedelta(weeks=4))
    assert _action(after, 'h-final-lib', 'stable branch') == {'oslo.log'}
    (data.root / 'deliverables/hibiscus/oslo.log.yaml').write_text(
        (data.root / 'deliverables/hibiscus/oslo.log.yaml').read_text()
        + "branches:\n  - {name: stable/2026.2, location: '8.3.0'}\n")
    assert not [a for a in load_countdown(data.root, MONDAY + dt.timedelta(weeks=4)).actions if 'stable' in a.what]


def test_rc_and_final(data: DataRepo) -> None:
    rc = load_countdown(data.root, MONDAY + dt.timedelta(weeks=5))
    assert _action(rc, 'h-rc1', 'release candidate') == {'nova'}  # glance has its rc1; tempest-x is untagged
    final = load_countdown(data.root, MONDAY + dt.timedelta(weeks=6, days=1))
    assert final.next_events == (('h-final', 'Hibiscus release'),)
    assert _action(final, 'h-final', 'final') == {'nova', 'glance'}
    text = render_text(final)
    assert '* Hibiscus release (h-final), by Thursday 2026-07-23' in text
    assert json.loads(render_json(final))['next_week']['name'] == 'R+0'


def test_outside_the_calendar(data: DataRepo) -> None:
    before = load_countdown(data.root, MONDAY - dt.timedelta(days=10))
    assert before.week is None and before.next_week is not None and before.next_week.name == 'R-7'
    assert 'This week: not in the calendar' in render_text(before)
    after = load_countdown(data.root, MONDAY + dt.timedelta(weeks=20))
    assert after.week is None and after.next_week is None and after.actions == ()


def test_no_calendar_is_a_usage_error(data: DataRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(['countdown', '--root', str(data.root), '--series', 'gazpacho', '--date', '2026-06-01']) == 2
    assert 'gazpacho has no calendar' in capsys.readouterr().err
    assert main(['countdown', '--root', str(data.root), '--series', 'nope', '--date', '2026-06-01']) == 2
    assert main(['countdown', '--root', str(data.root), '--send', '--date', '2026-06-01']) == 2
    assert '--send needs a mail server' in capsys.readouterr().err


def test_event_titles_ignore_link_targets() -> None:
    rst = ('.. _h-ff:\n\nFeature freeze\n--------------\n\ntext\n\n'
           '.. _release:cycle-with-rc: https://example.org/\n\n.. _h-x:\n\nno title here\n')
    assert event_titles(rst) == {'h-ff': 'Feature freeze'}


@pytest.fixture
def mailer() -> Iterator[Mailer]:
    server = Mailer().start()
    yield server
    server.stop()


def test_send_mails_the_countdown(data: DataRepo, mailer: Mailer) -> None:
    out = io.StringIO()
    day = (MONDAY + dt.timedelta(weeks=5)).isoformat()
    assert main(['countdown', '--root', str(data.root), '--date', day, '--send', '--smtp', mailer.address,
                 '--mail-to', 'discuss@example.org', '--mail-from', 'release@example.org'], out) == 0
    assert 'sent "Release countdown for week R-2' in out.getvalue()
    [raw] = mailer.messages
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg['Subject'] == 'Release countdown for week R-2, Jul 06 - Jul 10'
    assert msg['To'] == 'discuss@example.org'
    body = msg.get_content()  # type: ignore[attr-defined]
    assert 'RC1 target week (h-rc1)' in body and 'nova: nova (30.0.0.0b1)' in body
