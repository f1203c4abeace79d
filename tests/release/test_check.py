"""``release --check``: the ledger against the world (bare remote, pypiserver, tarballs, mail record)."""

from __future__ import annotations

from releasetools.testing.gitcmd import git
from tests.release.servers import Index, Mailer
from tests.release.test_job import Run


def _rows(out: str) -> dict[str, tuple[str, str]]:
    """action -> (status, detail) from the --check listing."""
    rows = {}
    for line in out.splitlines():
        for status in ('in sync', 'drift', 'pending'):
            if line.startswith(status + ' '):
                rest = line[len(status):].strip()
                action, _, tail = rest.partition(' ')
                rows[action] = (status, tail.strip())
    return rows


def test_check_after_a_complete_run_then_drift(world: Run, index: Index, mailer: Mailer, credentials: None) -> None:
    code, out = world('--check', index=index, mailer=mailer)
    assert code == 0, out
    assert {a: s for a, (s, _) in _rows(out).items()} == {'tag': 'pending', 'publish': 'pending',
                                                         'tarballs': 'pending', 'announce': 'pending'}

    code, out = world(index=index, mailer=mailer)
    assert code == 0, out
    code, out = world('--check', index=index, mailer=mailer)
    assert code == 0, out
    rows = _rows(out)
    assert {a: s for a, (s, _) in rows.items()} == {'tag': 'in sync', 'publish': 'in sync',
                                                   'tarballs': 'in sync', 'announce': 'in sync'}
    assert 'Message-ID <release.' in rows['announce'][1]
    assert 'check: 0 drifted' in out
    assert len(mailer.messages) == 1 and world.project.remote_tags()  # --check changed nothing

    (index.root / 'widget-1.0.0.tar.gz').unlink()
    code, out = world('--check', index=index, mailer=mailer)
    assert code == 1
    assert _rows(out)['publish'] == ('drift',
                                     'widget 1.0.0 demo/widget  the index does not serve widget-1.0.0.tar.gz')
    assert _rows(out)['tag'][0] == 'in sync'

    git(world.project.bare, 'tag', '-d', '1.0.0')
    (world.top / 'tarballs' / 'widget-1.0.0-py3-none-any.whl').write_bytes(b'tampered')
    code, out = world('--check', index=index, mailer=mailer)
    assert code == 1
    rows = _rows(out)
    assert rows['tag'][0] == 'drift' and 'the ledger records tag 1.0.0; the remote has no such tag' in rows['tag'][1]
    assert rows['tarballs'][0] == 'drift' and 'widget-1.0.0-py3-none-any.whl has sha256' in rows['tarballs'][1]
    assert 'check: 3 drifted' in out


def test_check_reports_a_tag_the_ledger_does_not_record(world: Run) -> None:
    git(world.project.work, 'tag', '-a', '-m', 'by hand', '1.0.0', world.project.commits[0])
    git(world.project.work, 'push', '-q', 'origin', 'refs/tags/1.0.0')
    code, out = world('--check')
    assert code == 1
    status, detail = _rows(out)['tag']
    assert status == 'drift' and 'the ledger does not record it' in detail
