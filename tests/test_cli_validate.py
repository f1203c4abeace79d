"""``releasetools validate`` through the CLI: exit codes, output formats, bad input.

Exit status: 0 no errors, 1 findings, 2 the command could not run. Whatever the
input, the command never ends in a traceback.
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
from releasetools.testing.datarepo import DataRepo
from releasetools.testing.deliverables import R, doc
from releasetools.testing.gitcmd import GIT_ENV
from releasetools.testing.series import LIFECYCLE_SERIES, series_yaml

P = pytest.param
RC = 'release-model: cycle-with-rc'


def run(*argv: str, cache: Path) -> tuple[int, str]:
    """Run the CLI offline in-process; return (exit status, stdout)."""
    out = io.StringIO()
    args = list(argv)
    if args and args[0] == 'validate':
        args[1:1] = ['--offline', '--cache-dir', str(cache)]
    code = main(args, out=out)
    return code, out.getvalue()


def run_json(*argv: str, cache: Path) -> tuple[int, dict]:  # type: ignore[type-arg]
    code, text = run(*argv, '--format', 'json', cache=cache)
    return code, json.loads(text)


def checks(report: dict) -> list[tuple[str, str, int]]:  # type: ignore[type-arg]
    return [(f['file'], f['check'], f['line']) for f in report['findings']]


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / 'cache'


# -- exit status 0 and 1 ---------------------------------------------------------------

def test_clean_repository_exits_0(repo: DataRepo, cache: Path) -> None:
    repo.write('hibiscus', 'nova', doc(RC, releases=[R('1.0.0.0rc1'), R('1.0.0')]))
    code, text = run('validate', '--all', '--root', str(repo.root), cache=cache)
    assert code == 0
    assert text.endswith('checked 1 file: 0 errors, 0 warnings, 7 checks skipped\n')


def test_warnings_alone_exit_0(repo: DataRepo, cache: Path) -> None:
    repo.write('hibiscus', 'nova', 'team: nova\ntype: service\nrelease-model: cycle-with-rc\n', header=False)
    code, text = run('validate', '--all', '--root', str(repo.root), cache=cache)
    assert code == 0
    assert 'deliverables/hibiscus/nova.yaml:1: warning [RT107]' in text


def test_findings_exit_1_with_file_line_and_hint(repo: DataRepo, cache: Path) -> None:
    repo.write('hibiscus', 'nova', doc(RC, releases=[R('1.0.0rc1')]))
    code, text = run('validate', '--all', '--root', str(repo.root), cache=cache)
    assert code == 1
    assert text.splitlines()[:2] == [
        "deliverables/hibiscus/nova.yaml:6: error [RT201] '1.0.0rc1' is not a canonical version",
        "    hint: write '1.0.0.0rc1'",
    ]
    assert text.endswith('checked 1 file: 1 error, 0 warnings, 7 checks skipped\n')


def test_json_output(repo: DataRepo, cache: Path) -> None:
    repo.write('hibiscus', 'nova', doc(RC, releases=[R('v3')]))
    repo.write('hibiscus', 'neutron', 'team: neutron\ntype: service\nrelease-model: cycle-with-rc\n', header=False)
    code, report = run_json('validate', '--all', '--root', str(repo.root), cache=cache)
    assert code == 1
    assert set(report) == {'findings', 'checked', 'skipped'}
    assert report['checked'] == 2
    assert [set(f) for f in report['findings']] == [{'check', 'severity', 'file', 'line', 'message', 'hint'}] * 2
    assert [(f['file'], f['check'], f['severity'], f['line'], f['hint']) for f in report['findings']] == [
        ('deliverables/hibiscus/neutron.yaml', 'RT107', 'warning', 1,
         'add launchpad: <project> or storyboard: <project>'),
        ('deliverables/hibiscus/nova.yaml', 'RT201', 'error', 6, "write '3.0.0'"),
    ]
    assert all(set(s) == {'check', 'repo', 'reason'} for s in report['skipped'])


def test_json_output_of_a_clean_run(repo: DataRepo, cache: Path) -> None:
    code, report = run_json('validate', '--all', '--root', str(repo.root), cache=cache)
    assert (code, report) == (0, {'findings': [], 'checked': 0, 'skipped': []})


def test_git_checks_offline_are_skipped_never_passed(repo: DataRepo, cache: Path) -> None:
    repo.write('hibiscus', 'nova', doc(RC, releases=[R('1.0.0')]))
    _, report = run_json('validate', '--all', '--root', str(repo.root), cache=cache)
    skipped = {(s['check'], s['repo']) for s in report['skipped']}
    assert skipped and all(repo_ == 'openstack/nova' for _, repo_ in skipped)
    assert all('offline' in s['reason'] for s in report['skipped'])
    assert not cache.exists()  # offline: nothing was cloned, not even a cache directory made


def test_default_base_is_the_parent_commit(git_repo: DataRepo, cache: Path) -> None:
    git_repo.write('gazpacho', 'nova', doc(RC, releases=[R('2.0.0'), R('v2.0.1')]))
    git_repo.commit('a release request')
    code, report = run_json('validate', '--root', str(git_repo.root), cache=cache)
    assert code == 1
    assert checks(report) == [('deliverables/gazpacho/nova.yaml', 'RT201', 7)]
    code, report = run_json('validate', '--root', str(git_repo.root), '--base', 'HEAD', cache=cache)
    assert (code, report['checked']) == (0, 0)


# -- exit status 2: the command cannot run ---------------------------------------------------

def expect_usage_error(capsys: pytest.CaptureFixture[str], argv: list[str], cache: Path, words: str) -> None:
    code, text = run(*argv, cache=cache)
    err = capsys.readouterr().err
    assert code == 2, text
    assert err.startswith('releasetools: error: ')
    assert words in err
    assert 'Traceback' not in err


def test_root_does_not_exist(tmp_path: Path, capsys: pytest.CaptureFixture[str], cache: Path) -> None:
    expect_usage_error(capsys, ['validate', '--all', '--root', str(tmp_path / 'nowhere')], cache,
                       'is not a directory')


def test_root_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], cache: Path) -> None:
    (tmp_path / 'file').write_text('x')
    expect_usage_error(capsys, ['validate', '--all', '--root', str(tmp_path / 'file')], cache, 'is not a directory')


def test_root_without_series_table(tmp_path: Path, capsys: pytest.CaptureFixture[str], cache: Path) -> None:
    expect_usage_error(capsys, ['validate', '--all', '--root', str(tmp_path)], cache,
                       'not a release data repository')


def test_unknown_base(git_repo: DataRepo, capsys: pytest.CaptureFixture[str], cache: Path) -> None:
    expect_usage_error(capsys, ['validate', '--root', str(git_repo.root), '--base', 'no-such-branch'], cache,
                       "unknown base revision 'no-such-branch'")


def test_base_that_looks_like_an_option(git_repo: DataRepo, capsys: pytest.CaptureFixture[str],
                                        cache: Path) -> None:
    expect_usage_error(capsys, ['validate', '--root', str(git_repo.root), '--base=--output=/tmp/x'], cache,
                       'unknown base revision')


def test_not_a_git_repository(repo: DataRepo, capsys: pytest.CaptureFixture[str], cache: Path) -> None:
    expect_usage_error(capsys, ['validate', '--root', str(repo.root)], cache, 'is not a git repository')
    # --all needs no git.
    assert run('validate', '--all', '--root', str(repo.root), cache=cache)[0] == 0


def test_no_default_base_in_a_single_commit(git_repo: DataRepo, capsys: pytest.CaptureFixture[str],
                                            cache: Path) -> None:
    expect_usage_error(capsys, ['validate', '--root', str(git_repo.root)], cache, 'no base revision')


def test_repository_without_commits(repo: DataRepo, capsys: pytest.CaptureFixture[str], cache: Path) -> None:
    repo.init_git()
    expect_usage_error(capsys, ['validate', '--root', str(repo.root), '--base', 'HEAD'], cache,
                       "unknown base revision 'HEAD'")


@pytest.mark.parametrize('name', [
    'README.rst',
    'data/series_status.yaml',
    'deliverables/nova.yaml',
    'deliverables/hibiscus/nova.yml',
    'deliverables/hibiscus/sub/nova.yaml',
    '../deliverables/hibiscus/nova.yaml',
])
def test_file_that_is_not_a_deliverable_path(repo: DataRepo, capsys: pytest.CaptureFixture[str], cache: Path,
                                             name: str) -> None:
    expect_usage_error(capsys, ['validate', '--all', '--root', str(repo.root), name], cache,
                       'is not a deliverable file')


def test_missing_file_argument(repo: DataRepo, capsys: pytest.CaptureFixture[str], cache: Path) -> None:
    expect_usage_error(capsys, ['validate', '--all', '--root', str(repo.root), 'deliverables/hibiscus/nova.yaml'],
                       cache, 'no such deliverable file: deliverables/hibiscus/nova.yaml')


def test_repos_template_without_placeholder(repo: DataRepo, capsys: pytest.CaptureFixture[str],
                                            cache: Path) -> None:
    expect_usage_error(capsys, ['validate', '--all', '--root', str(repo.root), '--repos', '/srv/git'], cache,
                       'does not contain {repo}')


def test_file_arguments_may_be_absolute_or_relative_to_root(repo: DataRepo, cache: Path) -> None:
    rel = repo.write('hibiscus', 'nova', doc(RC, releases=[R('v1')]))
    repo.write('hibiscus', 'neutron', doc(RC, releases=[R('v2')]))
    for name in (rel, str(repo.root / rel)):
        code, report = run_json('validate', '--all', '--root', str(repo.root), name, cache=cache)
        assert (code, checks(report)) == (1, [(rel, 'RT201', 6)])


def test_argument_errors_exit_2(repo: DataRepo, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(['validate', '--all', '--root', str(repo.root), '--format', 'xml'], out=io.StringIO())
    assert info.value.code == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err


# -- bad files: findings, never a traceback ---------------------------------------------------

BAD_FILES = [
    P(b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR', ('RT001', 3), id='binary'),
    P(b'team: nova\ntype: caf\xe9\n', ('RT001', 2), id='latin-1'),
    P(b'team: nova\ntype: service\n  oops: 1\n', ('RT002', 3), id='syntax-error'),
    P(b'team: !!python/object/apply:os.system ["true"]\n', ('RT002', 1), id='python-object'),
    P(b'[' * 300 + b']' * 300, ('RT002', 1), id='deep-nesting'),
    P(b'team: nova\ntype: service\nteam: nova\n', ('RT003', 3), id='duplicate-key'),
    P(b'- team: nova\n', ('RT004', 1), id='a-list'),
    P(b'', ('RT004', 1), id='empty'),
    P(b'"just a string"\n', ('RT004', 1), id='a-string'),
    P(b'a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\n', ('RT005', 2), id='aliases'),
    P(b'defaults: &d {team: nova}\nthing:\n  <<: *d\n', ('RT005', 3), id='merge-key'),
]


@pytest.mark.parametrize(('content', 'expected'), BAD_FILES)
def test_bad_file(repo: DataRepo, cache: Path, capsys: pytest.CaptureFixture[str], content: bytes,
                  expected: tuple[str, int]) -> None:
    rel = repo.write_bytes('deliverables/hibiscus/nova.yaml', content)
    code, report = run_json('validate', '--all', '--root', str(repo.root), cache=cache)
    assert code == 1
    assert checks(report) == [(rel, *expected)]
    assert report['checked'] == 1
    assert capsys.readouterr().err == ''


def test_huge_file(repo: DataRepo, cache: Path) -> None:
    path = repo.root / 'deliverables' / 'hibiscus' / 'nova.yaml'
    with open(path, 'wb') as fh:
        fh.truncate(3 * 1024 * 1024)
    code, report = run_json('validate', '--all', '--root', str(repo.root), cache=cache)
    assert (code, checks(report)) == (1, [('deliverables/hibiscus/nova.yaml', 'RT006', 1)])


def test_directory_named_like_a_deliverable(repo: DataRepo, cache: Path) -> None:
    (repo.root / 'deliverables' / 'hibiscus' / 'nova.yaml').mkdir()
    code, report = run_json('validate', '--all', '--root', str(repo.root), cache=cache)
    assert (code, checks(report)) == (1, [('deliverables/hibiscus/nova.yaml', 'RT001', 0)])


def test_float_version_through_the_cli(repo: DataRepo, cache: Path) -> None:
    repo.write('hibiscus', 'nova', 'release-model: cycle-with-rc\nreleases:\n  - version: 1.10\n'
               '    projects:\n      - {repo: openstack/nova, hash: $1}\n')
    code, report = run_json('validate', '--all', '--root', str(repo.root), cache=cache)
    assert (code, checks(report)) == (1, [('deliverables/hibiscus/nova.yaml', 'RT105', 6)])
    assert "'1.10'" in report['findings'][0]['hint']


def test_bad_series_table(repo: DataRepo, cache: Path) -> None:
    repo.write_bytes('data/series_status.yaml', b'- name: hibiscus\n- name: hibiscus\n  status: [\n')
    code, report = run_json('validate', '--all', '--root', str(repo.root), cache=cache)
    assert (code, checks(report)) == (1, [('data/series_status.yaml', 'RT002', 4)])


def test_one_bad_file_does_not_hide_the_others(repo: DataRepo, cache: Path) -> None:
    repo.write_bytes('deliverables/gazpacho/nova.yaml', b'\x00')
    repo.write('hibiscus', 'nova', doc(RC, releases=[R('v3')]))
    repo.write('hibiscus', 'neutron', doc(RC, releases=[R('1.0.0.0rc1')]))
    code, report = run_json('validate', '--all', '--root', str(repo.root), cache=cache)
    assert code == 1
    assert report['checked'] == 3
    assert checks(report) == [('deliverables/gazpacho/nova.yaml', 'RT001', 1),
                              ('deliverables/hibiscus/nova.yaml', 'RT201', 6)]


# -- links -------------------------------------------------------------------------------------

def test_link_out_of_the_repository(repo: DataRepo, tmp_path: Path, cache: Path) -> None:
    outside = tmp_path / 'outside.yaml'
    outside.write_text('team: x\ntype: service\nrelease-model: cycle-with-rc\nlaunchpad: x\n')
    os.symlink(outside, repo.root / 'deliverables' / 'hibiscus' / 'nova.yaml')
    code, report = run_json('validate', '--all', '--root', str(repo.root), cache=cache)
    assert (code, checks(report)) == (1, [('deliverables/hibiscus/nova.yaml', 'RT007', 0)])
    assert report['checked'] == 0  # the file behind the link is never read


def test_link_to_a_directory_out_of_the_repository(repo: DataRepo, tmp_path: Path, cache: Path) -> None:
    elsewhere = tmp_path / 'elsewhere'
    elsewhere.mkdir()
    (elsewhere / 'nova.yaml').write_text('team: x\n')
    os.symlink(elsewhere, repo.root / 'deliverables' / 'zed')
    code, report = run_json('validate', '--all', '--root', str(repo.root), cache=cache)
    assert (code, checks(report), report['checked']) == (1, [('deliverables/zed', 'RT007', 0)], 0)


def test_link_inside_the_repository_is_fine(repo: DataRepo, cache: Path) -> None:
    repo.write('hibiscus', 'nova', doc(RC, releases=[R('1.0.0.0rc1')]))
    os.symlink('nova.yaml', repo.root / 'deliverables' / 'hibiscus' / 'compute.yaml')
    code, report = run_json('validate', '--all', '--root', str(repo.root), cache=cache)
    assert (code, checks(report), report['checked']) == (0, [], 2)


def test_dangling_link_inside_the_repository(repo: DataRepo, cache: Path) -> None:
    os.symlink('gone.yaml', repo.root / 'deliverables' / 'hibiscus' / 'nova.yaml')
    code, report = run_json('validate', '--all', '--root', str(repo.root), cache=cache)
    assert (code, checks(report)) == (1, [('deliverables/hibiscus/nova.yaml', 'RT001', 0)])


def test_link_out_of_the_repository_in_a_change(git_repo: DataRepo, tmp_path: Path, cache: Path) -> None:
    """Regression: a changed link was reported twice (while listing files, and again as a target)."""
    outside = tmp_path / 'outside.yaml'
    outside.write_text('team: x\n')
    os.symlink(outside, git_repo.root / 'deliverables' / 'hibiscus' / 'nova.yaml')
    code, report = run_json('validate', '--root', str(git_repo.root), '--base', 'HEAD', cache=cache)
    assert (code, checks(report)) == (1, [('deliverables/hibiscus/nova.yaml', 'RT007', 0)])


def test_unchanged_link_out_of_the_repository_is_not_the_request_s_business(
        git_repo: DataRepo, tmp_path: Path, cache: Path) -> None:
    """A link committed long ago is reported with --all, not on every unrelated request."""
    outside = tmp_path / 'outside.yaml'
    outside.write_text('team: x\n')
    os.symlink(outside, git_repo.root / 'deliverables' / 'hibiscus' / 'glance.yaml')
    git_repo.commit('a link out of the repository')
    git_repo.write('hibiscus', 'nova', doc(RC, releases=[R('1.0.0.0rc1')]))
    code, report = run_json('validate', '--root', str(git_repo.root), '--base', 'HEAD', '--offline', cache=cache)
    assert (code, checks(report)) == (0, [])
    code, report = run_json('validate', '--all', '--root', str(git_repo.root), '--offline', cache=cache)
    assert (code, checks(report)) == (1, [('deliverables/hibiscus/glance.yaml', 'RT007', 0)])


# -- regressions ------------------------------------------------------------------------------

def test_root_below_the_top_of_the_git_work_tree(tmp_path: Path, cache: Path) -> None:
    """Regression: git names changed files from the top of the work tree, so with --root below it
    a changed file was silently not checked (exit 0) and a deleted one not reported."""
    top = tmp_path / 'top'
    data = DataRepo(top / 'releases')
    env = {**os.environ, **GIT_ENV}
    subprocess.run(['git', 'init', '-q', '-b', 'master', str(top)], check=True, env=env)
    data.write('gazpacho', 'nova', doc(RC, releases=[R('2.0.0')]))
    subprocess.run(['git', 'add', '-A'], cwd=top, check=True, env=env)
    subprocess.run(['git', 'commit', '-q', '-m', 'base'], cwd=top, check=True, env=env)
    data.write('gazpacho', 'nova', doc(RC, releases=[R('2.0.0'), R('v2.0.1')]))
    code, report = run_json('validate', '--root', str(data.root), '--base', 'HEAD', cache=cache)
    assert (code, checks(report)) == (1, [('deliverables/gazpacho/nova.yaml', 'RT201', 7)])
    data.remove('deliverables/gazpacho/nova.yaml')
    code, report = run_json('validate', '--root', str(data.root), '--base', 'HEAD', cache=cache)
    assert (code, checks(report)) == (1, [('deliverables/gazpacho/nova.yaml', 'RT302', 0)])


def test_file_name_that_is_not_utf8(repo: DataRepo, cache: Path) -> None:
    """Regression: a file name that is not UTF-8 could not be printed on a UTF-8 stdout (traceback)."""
    name = os.fsencode(repo.root / 'deliverables' / 'hibiscus') + b'/caf\xe9.yaml'
    with open(name, 'wb') as fh:
        fh.write(b'release-model: cycle-with-rc\n')
    buffer = io.BytesIO()
    out = io.TextIOWrapper(buffer, encoding='utf-8')
    code = main(['validate', '--offline', '--cache-dir', str(cache), '--all', '--root', str(repo.root)], out=out)
    out.flush()
    assert code == 1
    assert b'[RT104]' in buffer.getvalue()


# -- the installed command -------------------------------------------------------------------------

def test_python_dash_m(tmp_path: Path, cache: Path) -> None:
    root = tmp_path / 'data-repo'
    (root / 'data').mkdir(parents=True)
    (root / 'data' / 'series_status.yaml').write_text(series_yaml(LIFECYCLE_SERIES))
    (root / 'deliverables' / 'hibiscus').mkdir(parents=True)
    (root / 'deliverables' / 'hibiscus' / 'nova.yaml').write_bytes(b'\x00\x01')
    proc = subprocess.run([sys.executable, '-m', 'releasetools', 'validate', '--all', '--offline', '--cache-dir',
                           str(cache), '--root', str(root)], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 1
    assert proc.stdout.startswith('deliverables/hibiscus/nova.yaml:1: error [RT001]')
    assert proc.stderr == ''


def test_rules_command_lists_every_rule(cache: Path) -> None:
    code, text = run('rules', cache=cache)
    assert code == 0
    ids = [line.split()[0] for line in text.splitlines()]
    expected = ['RT001', 'RT002', 'RT003', 'RT004', 'RT005', 'RT006', 'RT007',
                'RT101', 'RT102', 'RT103', 'RT104', 'RT105', 'RT106', 'RT107', 'RT108', 'RT109', 'RT110',
                'RT201', 'RT202', 'RT203', 'RT204', 'RT205', 'RT206', 'RT207', 'RT208', 'RT209',
                'RT210', 'RT211', 'RT212', 'RT213',
                'RT301', 'RT302', 'RT303', 'RT401', 'RT402', 'RT403', 'RT404', 'RT405', 'RT406',
                'RT501', 'RT502', 'RT503', 'RT504', 'RT506', 'RT601', 'RT602', 'RT603', 'RT604',
                'RT605', 'RT606', 'RT607']
    assert [i for i in ids if not i.startswith(('RT7', 'RT8', 'RT9'))] == expected
    assert [i for i in ids if i.startswith('RT9')] == ['RT901', 'RT902', 'RT903']
    assert 'RT902  error    build     The built version is the requested version' in text
    assert [i for i in ids if i.startswith('RT8')] == ['RT801', 'RT802', 'RT803', 'RT804', 'RT805']
    assert 'RT402  error    series    New releases go only to an open series (skipped with --all)' in text


def test_rules_command_unknown_id(capsys: pytest.CaptureFixture[str], cache: Path) -> None:
    assert run('rules', 'RT999', cache=cache)[0] == 2
    assert 'no such check: RT999' in capsys.readouterr().err
