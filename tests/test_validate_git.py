"""validate with the git checks: skipped checks, shallow clones, the CLI, batching."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from releasetools.cli import main
from releasetools.core.findings import Skipped
from releasetools.git import repo as gitrepo
from releasetools.rules.git import _SHALLOW
from releasetools.testing.datarepo import GIT_RULES, DataRepo, git_findings
from releasetools.testing.deliverables import deliverable, rel
from releasetools.testing.gitcmd import git
from releasetools.testing.series import table, write_series_table
from releasetools.testing.sources import FLAMINGO, HIBISCUS, Sources
from releasetools.validate import ValidateOptions, validate

#: The fixtures ``sources`` and ``data`` (conftest.py belongs to the other suites).

HIB_300 = {HIBISCUS: deliverable([rel('3.0.0', '@M')])}
REQUEST = {HIBISCUS: deliverable([rel('3.0.0', '@M'), rel('3.1.0', '@E')])}


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Talk to 127.0.0.1 directly whatever the environment says."""
    for name in ('http_proxy', 'https_proxy', 'all_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY'):
        monkeypatch.delenv(name, raising=False)


def test_missing_repository_offline_skips_every_git_check(data: DataRepo, sources: Sources, tmp_path: Path) -> None:
    # 3.1.0 @U would fail RT703 and RT704: a skipped check must not report (nor pass) anything.
    data.request(sources, {HIBISCUS: deliverable([rel('3.0.0', '@M'), rel('3.1.0', '@U')])}, HIB_300)
    report = data.validate(f'{tmp_path}/nowhere/{{repo}}')
    reason = f'no repository at {tmp_path}/nowhere/openstack/nova'
    assert report.skipped == [Skipped(check, 'openstack/nova', reason) for check in GIT_RULES]
    assert report.findings == []
    assert report.checked == 1


def test_full_repository_skips_nothing(data: DataRepo, sources: Sources) -> None:
    data.request(sources, REQUEST, HIB_300)
    report = data.validate(sources.template)
    assert report.findings == []
    assert report.skipped == []


def test_shallow_clone_skips_ancestry(data: DataRepo, sources: Sources) -> None:
    """3.0.0 @M is cut off by the depth-1 clone: RT703 cannot say, so it says it could not."""
    data.request(sources, REQUEST, HIB_300)
    report = data.validate(f'{sources.shallow_parent}/{{repo}}')
    assert report.skipped == [Skipped('RT703', 'openstack/nova', _SHALLOW)]
    assert 'shallow' in report.skipped[0].reason
    assert report.findings == []


def test_shallow_clone_skips_a_commit_it_lacks(data: DataRepo, sources: Sources) -> None:
    data.request(sources, {HIBISCUS: deliverable([rel('3.0.0', '@M'), rel('3.1.0', '@D')])}, HIB_300)
    shallow = sources.shallow_parent / 'openstack/nova'
    report = data.validate(f'{sources.shallow_parent}/{{repo}}')
    assert report.skipped == [Skipped('RT701', 'openstack/nova',
                                      f'{sources["D"]} is not in the shallow clone at {shallow}')]
    assert report.findings == []


def test_shallow_clone_still_finds_what_it_can(data: DataRepo, sources: Sources) -> None:
    """The tag 3.0.0 is not in the clone, but the package name at @E is."""
    data.request(sources, {HIBISCUS: deliverable([rel('3.0.0', '@M'), rel('3.1.0', '@E')],
                                                 settings='{pypi-name: python-nova}')},
                 {HIBISCUS: deliverable([rel('3.0.0', '@M')], settings='{pypi-name: python-nova}')})
    report = data.validate(f'{sources.shallow_parent}/{{repo}}')
    assert git_findings(report) == [('RT706', HIBISCUS, 9, 'error')]
    assert report.skipped == [Skipped('RT703', 'openstack/nova', _SHALLOW)]


def test_shallow_clone_skips_a_tagless_branch_point_it_lacks(data: DataRepo, sources: Sources) -> None:
    """Neither RT701 nor RT705 may pass a branch point the clone cannot see."""
    tagless = deliverable(extra='release-model: untagged\nstable-branch-type: tagless',
                          branches=['{name: stable/2026.1, location: {openstack/nova: @S1}}'])
    data.request(sources, {'deliverables/gazpacho/nova-tagless.yaml': tagless})
    shallow = sources.shallow_parent / 'openstack/nova'
    report = data.validate(f'{sources.shallow_parent}/{{repo}}')
    missing = f'{sources["S1"]} is not in the shallow clone at {shallow}'
    assert report.skipped == [Skipped('RT701', 'openstack/nova', missing), Skipped('RT705', 'openstack/nova', _SHALLOW)]
    assert report.findings == []


def test_shallow_clone_skips_requirements_of_a_release_it_lacks(data: DataRepo, sources: Sources) -> None:
    """3.0.1 @E raises a minimum since 3.0.0 @M (RT707-dev-patch-raises), but @M is not in the clone."""
    data.request(sources, {HIBISCUS: deliverable([rel('3.0.0', '@M'), rel('3.0.1', '@E')])}, HIB_300)
    report = data.validate(f'{sources.shallow_parent}/{{repo}}')
    assert report.skipped == [Skipped(check, 'openstack/nova', _SHALLOW) for check in ('RT703', 'RT707')]
    assert report.findings == []


GONE = ('flamingo is end of life and its stable branch is gone from openstack/nova: no branch and no closing '
        'tag to check against')


@pytest.mark.parametrize(('status', 'closing', 'findings', 'skipped'), [
    pytest.param('end of life', ('2025.2-eol', 'SA'), [], [], id='end-of-life-in-the-eol-tag-history'),
    # The usual case: the branch went on after its last release; only the tag knows those commits.
    pytest.param('end of life', ('2025.2-eol', 'after-SA'), [], [], id='end-of-life-eol-tag-after-the-release'),
    pytest.param('end of life', ('2025.2-eom', 'SA'), [], [], id='end-of-life-in-the-eom-tag-history'),
    pytest.param('end of life', ('flamingo-eol', 'SA'), [], [], id='end-of-life-tag-named-after-the-series'),
    pytest.param('end of life', ('2025.2-eol', 'A'), [('RT704', FLAMINGO, 9, 'error')], [],
                 id='end-of-life-not-in-the-eol-tag-history'),
    pytest.param('end of life', ('unmaintained/2025.2', 'SA'), [], [], id='end-of-life-unmaintained-branch'),
    pytest.param('end of life', ('2024.2-eol', 'SA'), [], [('RT704', GONE)], id='end-of-life-no-closing-tag'),
    pytest.param('maintained', ('2025.2-eol', 'SA'), [('RT704', FLAMINGO, 9, 'error')], [],
                 id='maintained-branch-missing'),
])
def test_all_mode_closed_series_whose_branch_was_deleted(data: DataRepo, sources: Sources, status: str,  # noqa: PLR0917
                                                         closing: tuple[str, str],
                                                         findings: list[tuple[str, str, int, str]],
                                                         skipped: list[tuple[str, str]]) -> None:
    """At end of life stable/2025.2 is deleted (the 2025.2-eol tag stays): 1.0.1 @SA is on no branch.

    The series' closing tag (or its unmaintained/ branch) stands in for the deleted branch: 1.0.1
    must be in its history. With neither, the check says it cannot be made (never passes it). An
    open series has no excuse. ``closing`` is the tag (or branch) created, and the commit it names.
    """
    repos = data.root.parent / 'repos'
    nova = repos / 'openstack/nova'
    git(data.root.parent, 'clone', '-q', '--mirror', str(sources.path()), str(nova))
    name, commit = closing
    if commit == 'after-SA':
        sha = git(nova, 'commit-tree', f'{sources["SA"]}^{{tree}}', '-p', sources['SA'], '-m', 'A last fix')
    else:
        sha = sources[commit]
    if name.startswith('unmaintained/'):
        git(nova, 'branch', name, sha)
    else:
        git(nova, 'tag', '-a', '-m', 'end of life', name, sha)
    git(nova, 'branch', '-D', 'stable/2025.2')
    write_series_table(data.root, table('hibiscus', 'gazpacho', 'flamingo', flamingo=status))
    data.request(sources, {})
    report = validate(ValidateOptions(root=data.root, all=True, files=[FLAMINGO], repos=f'{repos}/{{repo}}',
                                      offline=True, cache_dir=data.cache_dir))
    assert git_findings(report) == findings
    assert [(s.check, s.reason) for s in report.skipped] == skipped
    assert [f for f in report.findings if f.check not in GIT_RULES] == []


def test_closed_branch_message_names_the_closing_tag(data: DataRepo, sources: Sources) -> None:
    repos = data.root.parent / 'repos'
    nova = repos / 'openstack/nova'
    git(data.root.parent, 'clone', '-q', '--mirror', str(sources.path()), str(nova))
    git(nova, 'tag', '-a', '-m', 'end of life', '2025.2-eol', sources['A'])
    git(nova, 'branch', '-D', 'stable/2025.2')
    write_series_table(data.root, table('hibiscus', 'gazpacho', 'flamingo', flamingo='end of life'))
    data.request(sources, {})
    report = validate(ValidateOptions(root=data.root, all=True, files=[FLAMINGO], repos=f'{repos}/{{repo}}',
                                      offline=True, cache_dir=data.cache_dir))
    assert [(f.check, f.message) for f in report.findings] == [
        ('RT704', f'{sources["SA"][:12]} is not in the history of 2025.2-eol of openstack/nova, which closed the '
                  'deleted branch of flamingo')]


def test_all_mode_checks_the_whole_history(data: DataRepo, sources: Sources) -> None:
    data.request(sources, {})
    report = validate(ValidateOptions(root=data.root, all=True, repos=sources.template, offline=True,
                                      cache_dir=data.cache_dir))
    assert report.findings == []
    assert report.skipped == []
    assert report.checked == 2


def test_unreachable_url_through_the_cli(data: DataRepo, sources: Sources, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str], no_proxy: None) -> None:
    data.request(sources, REQUEST, HIB_300)
    out = io.StringIO()
    status = main(['validate', '--root', str(data.root), '--base', 'HEAD', '--repos', 'http://127.0.0.1:9/{repo}',
                   '--cache-dir', str(tmp_path / 'cache'), '--format', 'json'], out=out)
    assert status == 0
    assert capsys.readouterr().err == ''
    report = json.loads(out.getvalue())
    assert report['findings'] == []
    assert report['checked'] == 1
    assert [s['check'] for s in report['skipped']] == list(GIT_RULES)
    assert {s['repo'] for s in report['skipped']} == {'openstack/nova'}
    reasons = {s['reason'] for s in report['skipped']}
    assert len(reasons) == 1
    assert reasons.pop().startswith('cannot fetch http://127.0.0.1:9/openstack/nova: git clone --quiet failed')


def test_unreachable_url_text_output_and_errors_still_counted(data: DataRepo, sources: Sources, tmp_path: Path,
                                                               no_proxy: None) -> None:
    """A release request with a content error still fails (exit 1) when the git checks are skipped."""
    data.request(sources, {HIBISCUS: deliverable([rel('3.0.0', '@M'), rel('3.1', '@E')])}, HIB_300)
    out = io.StringIO()
    status = main(['validate', '--root', str(data.root), '--base', 'HEAD', '--repos', 'http://127.0.0.1:9/{repo}',
                   '--cache-dir', str(tmp_path / 'cache')], out=out)
    assert status == 1
    lines = out.getvalue().splitlines()
    assert any(line.startswith(f'{HIBISCUS}:9: error [RT201]') for line in lines)
    skipped = [line for line in lines if line.startswith('skipped ')]
    assert len(skipped) == 1
    assert skipped[0].startswith('skipped [RT701,RT702,RT703,RT704,RT705,RT706,RT707] openstack/nova: cannot fetch '
                                 'http://127.0.0.1:9/openstack/nova: ')
    assert lines[-1] == 'checked 1 file: 1 error, 0 warnings, 7 checks skipped'


def test_offline_url_without_mirror_through_the_cli(data: DataRepo, sources: Sources, tmp_path: Path) -> None:
    data.request(sources, REQUEST, HIB_300)
    out = io.StringIO()
    status = main(['validate', '--root', str(data.root), '--base', 'HEAD', '--offline', '--repos',
                   'https://git.example.org/{repo}', '--cache-dir', str(tmp_path / 'cache')], out=out)
    assert status == 0
    assert out.getvalue().splitlines() == [
        f'skipped [{",".join(GIT_RULES)}] openstack/nova: offline, and https://git.example.org/openstack/nova has '
        f'no local mirror in {tmp_path / "cache"}',
        'checked 1 file: 0 errors, 0 warnings, 7 checks skipped',
    ]


def test_file_url_through_the_cli_uses_a_mirror(data: DataRepo, sources: Sources, tmp_path: Path) -> None:
    data.request(sources, {HIBISCUS: deliverable([rel('3.0.0', '@M'), rel('3.1.0', '@U')])}, HIB_300)
    out = io.StringIO()
    status = main(['validate', '--root', str(data.root), '--base', 'HEAD', '--repos', f'file://{sources.parent}/{{repo}}',
                   '--cache-dir', str(tmp_path / 'cache'), '--format', 'json'], out=out)
    assert status == 1
    report = json.loads(out.getvalue())
    assert [(f['check'], f['line']) for f in report['findings']] == [('RT703', 9), ('RT704', 9)]
    assert report['skipped'] == []
    assert [p.suffix for p in (tmp_path / 'cache').iterdir() if p.is_dir()] == ['.git']


def test_working_clone_on_a_topic_branch_with_a_stale_master(data: DataRepo, sources: Sources, tmp_path: Path
                                                              ) -> None:
    """--repos may name developers' checkouts: what is checked out, or not pulled, must not matter."""
    work = tmp_path / 'work'
    git(tmp_path, 'clone', '-q', str(sources.path()), str(work / 'openstack/nova'))
    clone = work / 'openstack/nova'
    git(clone, 'checkout', '-q', '-b', 'my-topic', 'origin/stable/2026.1')
    git(clone, 'branch', '-f', 'master', sources['D'])  # a master not pulled for a while
    data.request(sources, REQUEST, HIB_300)  # 3.1.0 @E: on origin/master
    report = data.validate(f'{work}/{{repo}}')
    assert report.findings == []
    assert report.skipped == []


# --- batching ---------------------------------------------------------------------------------

def many_releases(sources: Sources, count: int) -> tuple[dict[str, str], dict[str, str]]:
    """openstack/many: 2.0.0 at its first commit, then ``count`` minor releases, one commit each."""
    releases = [rel('2.0.0', '@many0', 'openstack/many')]
    releases += [rel(f'2.{i}.0', f'@many{i}', 'openstack/many') for i in range(1, count + 1)]
    path = 'deliverables/hibiscus/many.yaml'
    base = deliverable(releases[:1], repo='openstack/many', model='cycle-with-intermediary')
    new = deliverable(releases, repo='openstack/many', model='cycle-with-intermediary')
    return {path: new}, {path: base}


def git_processes(data: DataRepo, sources: Sources, count: int) -> int:
    new, base = many_releases(sources, count)
    data.request(sources, new, base)
    before = gitrepo.CALLS['count']
    report = data.validate(sources.template)
    used = gitrepo.CALLS['count'] - before
    assert report.findings == []
    assert report.skipped == []
    return used


def test_twenty_releases_take_a_handful_of_git_processes(data: DataRepo, sources: Sources, tmp_path: Path) -> None:
    """Five for the data repository (work tree?, base, diff, untracked, base contents), seven for the source
    (locate, for-each-ref, symbolic-ref, object types, shallow?, rev-list, file contents)."""
    twenty = git_processes(data, sources, 20)
    assert twenty <= 12
    one = git_processes(DataRepo.for_git_checks(tmp_path / 'data-1', tmp_path / 'cache-1'), sources, 1)
    assert twenty == one


def test_batching_still_catches_every_release(data: DataRepo, sources: Sources) -> None:
    """The batched answers are per release: a backwards step in the middle of twenty is found on its line."""
    new, base = many_releases(sources, 20)
    path, text = next(iter(new.items()))
    # Release 2.10.0 (line 7 + 11) names the commit of 2.8.0: older than 2.9.0 before it.
    text = text.replace("'2.10.0', projects: [{repo: openstack/many, hash: @many10}",
                        "'2.10.0', projects: [{repo: openstack/many, hash: @many8}")
    data.request(sources, {path: text}, base)
    report = data.validate(sources.template)
    assert git_findings(report) == [('RT703', path, 18, 'error')]
