"""The request as units (issue 15): --plan, --unit, --summary, against real remotes, pypiserver, aiosmtpd.

One request releases zest 1.0.0 and 2.0.0 and apple 1.0.0, whose requirements.txt
asks for zest>=2.0.0 at its release commit: apple waits for zest 2.0.0, which waits
for zest 1.0.0, although apple's file comes first.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from releasetools.cli import main
from releasetools.core.errors import ReleaseToolsError
from releasetools.release.intake import request_items
from releasetools.release.options import ReleaseOptions
from releasetools.release.units import Unit, _ordered, plan_units
from releasetools.testing.deliverables import Release
from releasetools.testing.pbrproject import Project, ReleaseData
from tests.release.servers import Index, Mailer


class Units:
    def __init__(self, top: Path) -> None:
        self.top = top
        self.zest = Project(top, 'zest')
        self.zest.commit({'zest/more.py': 'X = 2\n'}, 'More zest')
        self.apple = Project(top, 'apple')
        self.apple.commit({'requirements.txt': 'pbr>=2.0\nzest>=2.0.0  # the new one\n'}, 'Require the new zest')
        self.data = ReleaseData(top, self.apple, self.zest)
        for p, releases in ((self.zest, (('1.0.0', 0), ('2.0.0', 1))), (self.apple, (('1.0.0', 1),))):
            with open(self.data.path(p), 'a') as fh:
                for version, n in releases:
                    fh.write(Release(version, ((p.repo, p.commits[n]),)).block())
        self.data.repo.commit('the request: zest 1.0.0 and 2.0.0, apple 1.0.0')
        self.ledger = top / 'shared' / 'ledger.jsonl'

    def args(self, *extra: str, node: str = 'node1', index: Index | None = None, mailer: Mailer | None = None,
             ledger: Path | None = None) -> list[str]:
        args = ['release', '--root', str(self.data.root), '--remotes', self.zest.template,
                '--workdir', str(self.top / node), '--cache-dir', str(self.top / 'cache'), '--no-build-isolation',
                '--ledger', str(ledger or self.ledger)]
        if index is not None:
            args += ['--index-url', index.url]
        if mailer is not None:
            args += ['--smtp', mailer.address, '--mail-to', 'announce@example.invalid']
        return [*args, *extra]

    def __call__(self, *extra: str, **kw: object) -> tuple[int, str]:
        out = io.StringIO()
        code = main(self.args(*extra, **kw), out=out)  # type: ignore[arg-type]
        return code, out.getvalue()

    def summary(self) -> tuple[int, dict[str, str], dict]:
        code, out = self('--summary', '--format', 'json')
        doc = json.loads(out)
        return code, {u['id']: u['status'] for u in doc['units']}, doc


@pytest.fixture
def units(tmp_path: Path) -> Units:
    return Units(tmp_path)


def test_plan_orders_units_by_requirements_and_within_a_deliverable(units: Units) -> None:
    code, out = units('--plan', '--format', 'json')
    assert code == 0, out
    doc = json.loads(out)
    assert len(doc['request']) == 32
    assert [(u['id'], u['after']) for u in doc['units']] == [
        ('zest-1.0.0', []), ('zest-2.0.0', ['zest-1.0.0']), ('apple-1.0.0', ['zest-2.0.0'])]
    assert doc['units'][2] == {'id': 'apple-1.0.0', 'deliverable': 'apple', 'series': '_independent',
                               'version': '1.0.0', 'repos': ['demo/apple'], 'after': ['zest-2.0.0']}
    code, text = units('--plan')
    assert code == 0
    assert 'apple-1.0.0  demo/apple  after zest-2.0.0' in text.splitlines()
    assert not (units.top / 'node1').exists() and not units.ledger.exists()  # no side effect


def test_plan_adds_no_edge_from_a_repository_it_cannot_read(units: Units) -> None:
    opts = ReleaseOptions(root=units.data.root, remotes=units.zest.template, cache_dir=units.top / 'cache')
    items, _ = request_items(opts)
    plan = plan_units(items, {'demo/apple': 'no such repository', 'demo/zest': 'no such repository'})
    assert [(u.id, u.after) for u in plan.units] == [
        ('apple-1.0.0', ()), ('zest-1.0.0', ()), ('zest-2.0.0', ('zest-1.0.0',))]
    assert any('demo/apple: cannot read its requirements (no such repository)' in n for n in plan.notes)


def test_units_waiting_for_each_other_are_an_error(units: Units) -> None:
    opts = ReleaseOptions(root=units.data.root, remotes=units.zest.template, cache_dir=units.top / 'cache')
    items, _ = request_items(opts)
    looped = [Unit('apple-1.0.0', items[0], ('zest-1.0.0',)), Unit('zest-1.0.0', items[1], ('apple-1.0.0',))]
    with pytest.raises(ReleaseToolsError, match=r'in a cycle: apple-1\.0\.0 waits for zest-1\.0\.0'):
        _ordered(looped)


def test_unknown_unit_names_the_known_ones(units: Units, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = units('--unit', 'nope-1.0')
    assert code == 2
    err = capsys.readouterr().err
    assert 'zest-1.0.0, zest-2.0.0, apple-1.0.0' in err


def test_units_one_at_a_time_dependency_first(units: Units, index: Index, mailer: Mailer, credentials: None
                                              ) -> None:
    code, out = units('--unit', 'apple-1.0.0', index=index, mailer=mailer)
    assert code == 1, out
    assert 'skipped' in out and 'waits for zest-2.0.0, which is not done yet' in out
    assert units.apple.remote_tags() == {} and index.files() == []

    for unit, node in (('zest-1.0.0', 'node1'), ('zest-2.0.0', 'node2')):
        code, out = units('--unit', unit, node=node, index=index, mailer=mailer)
        assert code == 0, out
    assert units.zest.remote_tags() == {'1.0.0': units.zest.commits[0], '2.0.0': units.zest.commits[1]}
    assert units.apple.remote_tags() == {}
    # Another node with its own ledger: the world (the tag on the remote, the files on the index) says zest is done.
    code, out = units('--unit', 'apple-1.0.0', node='node3', index=index, mailer=mailer,
                      ledger=units.top / 'other.jsonl')
    assert code == 0, out
    assert units.apple.remote_tags() == {'1.0.0': units.apple.commits[1]}
    assert 'apple-1.0.0.tar.gz' in index.files()
    assert len(mailer.messages) == 3


def test_plain_run_skips_the_units_of_a_failed_one(units: Units, index: Index, mailer: Mailer,
                                                   credentials: None) -> None:
    mailer.handler.refuse = True
    code, out = units(index=index, mailer=mailer)
    assert code == 1, out
    assert 'waits for zest-1.0.0, which failed' in out
    assert units.zest.remote_tags() == {'1.0.0': units.zest.commits[0]}  # the failure is after the push
    assert units.apple.remote_tags() == {}
    code, status, doc = units.summary()
    assert code == 1
    assert status == {'zest-1.0.0': 'failed', 'zest-2.0.0': 'skipped', 'apple-1.0.0': 'skipped'}
    failed = [s for s in doc['units'][0]['steps'] if s['status'] == 'failed']
    assert [s['action'] for s in failed] == ['announce']


def test_summary_before_after_a_failure_and_after_all(units: Units, index: Index, mailer: Mailer,
                                                      credentials: None) -> None:
    code, status, _ = units.summary()
    assert code == 1 and set(status.values()) == {'remains'}

    assert units('--unit', 'zest-1.0.0', index=index, mailer=mailer)[0] == 0
    mailer.handler.refuse = True
    code, out = units('--unit', 'zest-2.0.0', node='node2', index=index, mailer=mailer)
    assert code == 1, out
    code, status, doc = units.summary()
    assert code == 1
    assert status == {'zest-1.0.0': 'done', 'zest-2.0.0': 'failed', 'apple-1.0.0': 'remains'}
    steps = {s['action']: s['status'] for s in doc['units'][0]['steps']}
    assert steps['tag'] == 'done' and steps['publish'] == 'done' and steps['announce'] == 'done'
    code, text = units('--summary')
    assert 'failed   zest-2.0.0' in text and 'summary: 1 done, 1 failed, 1 remains' in text
    # Its tag and files are out, but the shared ledger says it failed: apple does not run early.
    code, out = units('--unit', 'apple-1.0.0', node='node3', index=index, mailer=mailer)
    assert code == 1 and 'waits for zest-2.0.0, which failed: ' in out, out
    assert units.apple.remote_tags() == {}
    assert units.summary()[1]['apple-1.0.0'] == 'skipped'

    mailer.handler.refuse = False
    assert units('--unit', 'zest-2.0.0', node='node2', index=index, mailer=mailer)[0] == 0
    code, out = units('--unit', 'apple-1.0.0', node='node3', index=index, mailer=mailer)
    assert code == 0, out
    code, status, _ = units.summary()
    assert code == 0 and set(status.values()) == {'done'}
    # The whole request once more, on one node: every step is already done.
    code, out = units(node='node4', index=index, mailer=mailer)
    assert code == 0, out
    assert ' done ' not in out.replace('already done', '') and len(mailer.messages) == 3


def test_two_nodes_racing_for_one_unit_act_once(units: Units, index: Index, mailer: Mailer,
                                                credentials: None) -> None:
    env = {**os.environ, 'PYTHONPATH': str(Path(__file__).resolve().parents[2])}
    procs = [subprocess.Popen([sys.executable, '-m', 'releasetools',
                               *units.args('--unit', 'zest-1.0.0', '--wait', '300', node=node, index=index,
                                           mailer=mailer)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
             for node in ('node1', 'node2')]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    texts = [o.decode() for o, _ in outs]
    worked = [t for t in texts if '\ndone ' in '\n' + t]
    assert len(worked) == 1, texts
    other = next(t for t in texts if t is not worked[0])
    assert 'already done  announce' in other
    assert len(mailer.messages) == 1
    assert units.zest.remote_tags() == {'1.0.0': units.zest.commits[0]}
