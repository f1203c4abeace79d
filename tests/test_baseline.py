"""The validation baseline: adopting releasetools on a repository with years of history.

``validate --all --write-baseline PATH`` records the errors of the history;
``validate`` then accepts exactly those (by check, file, entry and message, not
line) and still fails on anything new.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from releasetools.cli import main
from releasetools.core.findings import Finding, Severity
from releasetools.data.baseline import BASELINE_PATH, dump, entry_of, fingerprint
from releasetools.data.load import load_deliverable_bytes
from releasetools.testing.datarepo import DataRepo
from releasetools.testing.deliverables import R, doc

SAMPLE = Path(__file__).resolve().parents[2] / 'shared' / 'upstream-sample'
RC = 'release-model: cycle-with-rc'
SHORT = 'abc1234'


def run(*argv: str, root: Path, cwd_files: Path | None = None) -> tuple[int, dict[str, Any]]:
    """``validate --offline --format json`` in-process; (exit status, report)."""
    out = io.StringIO()
    cache = (cwd_files or root.parent) / 'cache'
    code = main(['validate', '--offline', '--cache-dir', str(cache), '--format', 'json', '--root', str(root),
                 *argv], out=out)
    return code, json.loads(out.getvalue()) if out.getvalue() else {}


def errors(report: dict[str, Any]) -> list[tuple[str, str, int]]:
    return [(f['file'], f['check'], f['line']) for f in report['findings'] if f['severity'] == 'error']


def history(repo: DataRepo) -> str:
    """A gazpacho file whose 2.0.0 was released with a short hash long ago (RT502)."""
    return repo.write('gazpacho', 'nova', doc(RC, releases=[R('2.0.0', SHORT), R('2.0.1', '$2')]))


# -- the adoption step on the real data -------------------------------------------------

@pytest.mark.skipif(not (SAMPLE / 'data' / 'series_status.yaml').is_file(),
                    reason=f'the upstream data sample is not at {SAMPLE}')
def test_adoption_on_the_sample(tmp_path: Path) -> None:
    """After the documented step the sample passes, and a new mistake in hibiscus still fails."""
    repo = DataRepo.__new__(DataRepo)
    repo.root = tmp_path / 'sample'
    shutil.copytree(SAMPLE, repo.root, symlinks=True)
    repo.init_git()
    repo.commit('the sample')
    code, written = run('--all', '--write-baseline', str(repo.root / BASELINE_PATH), root=repo.root)
    assert code == 0
    assert errors(written) == []
    before = {(f['file'], f['check'], f['line']) for f in written['accepted']}
    assert before  # the history has real findings
    repo.commit('adopt releasetools: accept the findings of the history')

    code, report = run('--all', root=repo.root)
    assert (code, errors(report)) == (0, [])
    assert {(f['file'], f['check'], f['line']) for f in report['accepted']} == before
    assert not [f for f in report['findings'] if f['check'] == 'RT110']

    target = repo.root / 'deliverables' / 'hibiscus' / 'bifrost.yaml'
    text = target.read_text()
    line = text.count('\n') + 1
    target.write_text(text + f'  - version: 21.0.1\n    projects:\n      - repo: openstack/bifrost\n'
                             f'        hash: {SHORT}\n')
    mistake = ('deliverables/hibiscus/bifrost.yaml', 'RT502', line + 2)
    code, report = run('--all', root=repo.root)
    assert (code, errors(report)) == (1, [mistake])
    code, report = run('--base', 'HEAD', root=repo.root)
    assert (code, errors(report)) == (1, [mistake])


# -- what is accepted, and what is not -------------------------------------------------

def test_history_accepted_new_mistake_fails(repo: DataRepo, tmp_path: Path) -> None:
    rel = history(repo)
    baseline = tmp_path / 'baseline.yaml'
    assert run('--all', root=repo.root)[0] == 1
    code, report = run('--all', '--write-baseline', str(baseline), root=repo.root)
    assert code == 0
    assert [(f['check'], f['line'], f['entry']) for f in report['accepted']] == [('RT502', 6, 'release 2.0.0')]

    # Lines shift (a key added above the releases): the finding is still the accepted one.
    repo.write('gazpacho', 'nova', doc(RC, 'release-notes: https://docs.example.org/nova',
                                       releases=[R('2.0.0', SHORT), R('2.0.1', '$2')]))
    code, report = run('--all', '--baseline', str(baseline), root=repo.root)
    assert (code, errors(report), report['findings']) == (0, [], [])
    assert [(f['check'], f['line']) for f in report['accepted']] == [('RT502', 7)]

    # The same mistake in another release is new.
    repo.write('gazpacho', 'nova', doc(RC, releases=[R('2.0.0', SHORT), R('2.0.1', SHORT)]))
    code, report = run('--all', '--baseline', str(baseline), root=repo.root)
    assert (code, errors(report)) == (1, [(rel, 'RT502', 7)])
    assert 'accepted' in report


def test_stale_entry_is_a_warning(repo: DataRepo, tmp_path: Path) -> None:
    history(repo)
    baseline = tmp_path / 'baseline.yaml'
    run('--all', '--write-baseline', str(baseline), root=repo.root)
    repo.write('gazpacho', 'nova', doc(RC, releases=[R('2.0.0', '$1'), R('2.0.1', '$2')]))
    code, report = run('--all', '--baseline', str(baseline), root=repo.root)
    assert code == 0
    stale = [(f['check'], f['severity'], f['file'], f['line']) for f in report['findings']]
    assert stale == [('RT110', 'warning', str(baseline), 13)]  # the first entry, after the header
    assert 'no longer occurs' in report['findings'][0]['message']


def test_request_reads_the_baseline_of_its_base(git_repo: DataRepo) -> None:
    """A request cannot accept its own mistake by adding it to the baseline."""
    rel = history(git_repo)
    assert run('--all', '--write-baseline', str(git_repo.root / BASELINE_PATH), root=git_repo.root)[0] == 0
    base = git_repo.commit('adopt')
    git_repo.write('gazpacho', 'nova', doc(RC, releases=[R('2.0.0', SHORT), R('2.0.1', '$2'), R('2.0.2', SHORT)]))
    code, report = run('--base', base, root=git_repo.root)
    assert (code, errors(report)) == (1, [(rel, 'RT502', 8)])
    # ... also when the request writes a baseline accepting it.
    assert run('--all', '--write-baseline', str(git_repo.root / BASELINE_PATH), root=git_repo.root)[0] == 0
    code, report = run('--base', base, root=git_repo.root)
    assert (code, errors(report)) == (1, [(rel, 'RT502', 8)])
    # A request checks only new entries: an old entry not seen is not stale.
    assert [f for f in report['findings'] if f['check'] == 'RT110'] == []


def test_no_baseline_shows_the_history(repo: DataRepo) -> None:
    history(repo)
    assert run('--all', '--write-baseline', str(repo.root / BASELINE_PATH), root=repo.root)[0] == 0
    assert run('--all', root=repo.root)[0] == 0
    code, report = run('--all', '--no-baseline', root=repo.root)
    assert code == 1 and 'accepted' not in report


def test_warnings_are_not_written(repo: DataRepo, tmp_path: Path) -> None:
    repo.write('hibiscus', 'nova', 'releases: []\n')  # RT108, a warning
    baseline = tmp_path / 'baseline.yaml'
    run('--all', '--write-baseline', str(baseline), root=repo.root)
    assert baseline.read_text().endswith('accepted: []\n')


def test_summary_counts_accepted(repo: DataRepo, tmp_path: Path) -> None:
    history(repo)
    baseline = tmp_path / 'baseline.yaml'
    run('--all', '--write-baseline', str(baseline), root=repo.root)
    out = io.StringIO()
    code = main(['validate', '--offline', '--cache-dir', str(tmp_path / 'c'), '--all', '--root', str(repo.root),
                 '--baseline', str(baseline)], out=out)
    assert code == 0
    assert out.getvalue().endswith(', 1 accepted by the baseline\n')


# -- the file: stable, reviewable, checked --------------------------------------------

def test_dump_is_sorted_and_stable() -> None:
    def f(file: str, check: str, entry: str, line: int) -> Finding:
        return Finding(check, Severity.ERROR, file, line, f'{check} message', entry=entry)

    findings = [f('deliverables/b/x.yaml', 'RT201', 'release 1.0', 9), f('deliverables/a/x.yaml', 'RT502', '', 3),
                f('deliverables/a/x.yaml', 'RT201', 'release 2.0', 5), f('deliverables/a/x.yaml', 'RT502', '', 4)]
    text = dump(findings)
    assert text == dump(reversed(findings))
    assert text.startswith('# ')
    body = text[text.index('accepted:'):]
    assert body == (
        'accepted:\n'
        '- check: RT201\n  file: deliverables/a/x.yaml\n  entry: release 2.0\n  message: RT201 message\n'
        '- check: RT502\n  file: deliverables/a/x.yaml\n  entry: \'\'\n  message: RT502 message\n'
        '- check: RT201\n  file: deliverables/b/x.yaml\n  entry: release 1.0\n  message: RT201 message\n')


def test_line_quoted_in_a_message_is_not_part_of_the_fingerprint() -> None:
    a = Finding('RT003', Severity.ERROR, 'deliverables/a/x.yaml', 9, "duplicate key 'team' (first at line 2)")
    b = Finding('RT003', Severity.ERROR, 'deliverables/a/x.yaml', 12, "duplicate key 'team' (first at line 5)")
    assert fingerprint(a) == fingerprint(b)
    assert "(first at line N)" in dump([a])


def test_entry_of_a_line() -> None:
    text = doc(RC, releases=[R('1.0.0'), R('1.1.0')], tail="""
        branches:
          - name: stable/x
            location: 1.1.0
        """)
    d = load_deliverable_bytes('deliverables/hibiscus/nova.yaml', ('team: a\n' + text).encode()).deliverable
    assert [entry_of(d, n) for n in (1, 2, 3, 4, 5, 6, 7, 8, 9)] == [
        '', 'release-model', 'releases', 'release 1.0.0', 'release 1.1.0', 'branches', 'branch stable/x',
        'branch stable/x', 'branch stable/x']


@pytest.mark.parametrize(('content', 'words'), [
    pytest.param('accepted: {}\n', 'a mapping with one key', id='not-a-list'),
    pytest.param('accepted:\n- check: RT201\n', 'exactly the strings', id='incomplete-entry'),
    pytest.param('accepted: [\n', 'not readable YAML', id='not-yaml'),
])
def test_malformed_baseline_is_a_usage_error(repo: DataRepo, tmp_path: Path, content: str, words: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    baseline = tmp_path / 'baseline.yaml'
    baseline.write_text(content)
    code, _ = run('--all', '--baseline', str(baseline), root=repo.root)
    assert code == 2
    err = capsys.readouterr().err
    assert words in err and 'baseline.yaml:' in err and 'Traceback' not in err


def test_write_baseline_needs_all(git_repo: DataRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run('--write-baseline', str(git_repo.root / BASELINE_PATH), root=git_repo.root)
    assert code == 2
    assert 'use it with --all' in capsys.readouterr().err
    assert not (git_repo.root / BASELINE_PATH).exists()


def test_missing_explicit_baseline(repo: DataRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run('--all', '--baseline', str(tmp_path / 'nope.yaml'), root=repo.root)[0] == 2
    assert 'no such baseline' in capsys.readouterr().err


def test_the_header_names_the_command_that_wrote_it(repo: DataRepo, tmp_path: Path) -> None:
    """Re-running the header's command must do what was done: online it would mirror every repository."""
    history(repo)
    inside = repo.root / BASELINE_PATH
    assert run('--all', '--write-baseline', str(inside), root=repo.root)[0] == 0
    assert '# Written by: releasetools validate --all --offline --write-baseline data/validate-baseline.yaml\n' \
        in inside.read_text()
    outside = tmp_path / 'elsewhere' / 'my baseline.yaml'
    outside.parent.mkdir()
    assert run('--all', '--write-baseline', str(outside), root=repo.root)[0] == 0
    assert f"--offline --write-baseline '{outside}'\n" in outside.read_text()
