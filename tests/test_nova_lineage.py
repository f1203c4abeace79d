"""The real nova files, a nova repository shaped like the real one, and every command agreeing on it.

The sample's nova files (austin .. hibiscus, 18 series: the date era up to kilo's
``2015.1.4``, then liberty's ``12.0.0`` .. gazpacho's ``33.0.2``) are copied into
a data repository; a source repository gets one commit per distinct hash of
those files, on master up to each series' branch point and on the series'
stable branch after it, tagged with the versions. The copied files are then
rewritten to those commits: same versions, same series, hashes this
repository has.

``new-release hibiscus nova milestone`` must propose ``34.0.0.0b1`` (not the
``2016.0.0.0b1`` that the numeric maximum ``2015.1.4`` gives), and validate,
new-release, list-changes and the release job must name one predecessor.
"""

from __future__ import annotations

import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from releasetools.artifacts.plan import items_of
from releasetools.cli import main
from releasetools.core.findings import Report
from releasetools.core.versions import parse_special
from releasetools.data.request import read_request
from releasetools.rules.context import deliverable_contexts
from releasetools.testing.gitcmd import commit_file, git, init_repo
from releasetools.validate import ValidateOptions, validate

SAMPLE = Path(__file__).resolve().parents[2] / 'shared' / 'upstream-sample'

pytestmark = pytest.mark.skipif(not (SAMPLE / 'deliverables' / 'gazpacho' / 'nova.yaml').is_file(),
                                reason=f'the upstream data sample is not at {SAMPLE}')

NOVA = 'openstack/nova'


@dataclass
class NovaWorld:
    """The source repository (under ``git/``) and the rewritten nova files, by series."""

    top: Path
    files: dict[str, str]  # series -> file text with this repository's hashes
    commits: dict[str, str]  # version -> commit id

    @property
    def template(self) -> str:
        return str(self.top / 'git') + '/{repo}'

    @property
    def src(self) -> Path:
        return self.top / 'git' / NOVA


def _series_order() -> list[str]:
    """The sample's series with a nova file, oldest first (data/series_status.yaml is newest first)."""
    table = yaml.safe_load((SAMPLE / 'data' / 'series_status.yaml').read_text())
    return [s['name'] for s in reversed(table) if (SAMPLE / 'deliverables' / s['name'] / 'nova.yaml').is_file()]


def _release_ids() -> dict[str, str]:
    table = yaml.safe_load((SAMPLE / 'data' / 'series_status.yaml').read_text())
    return {s['name']: str(s['release-id']) for s in table if s.get('release-id')}


def build_nova(top: Path) -> NovaWorld:
    src = init_repo(top / 'git' / NOVA)
    commit_file(src, {'setup.cfg': '[metadata]\nname = nova\n'}, 'the beginning')
    ids = _release_ids()
    mapped: dict[str, str] = {}  # real hash -> our commit
    commits: dict[str, str] = {}
    files: dict[str, str] = {}
    for series in _series_order():
        text = (SAMPLE / 'deliverables' / series / 'nova.yaml').read_text()
        data = yaml.safe_load(text)
        releases = data.get('releases') or []
        stable = [b for b in data.get('branches') or [] if str(b['name']).startswith('stable/')]
        branch = str(stable[0]['name']) if stable else f'stable/{ids.get(series, series)}'
        point = str(stable[0]['location']) if stable else None
        on_master = True
        git(src, 'checkout', '-q', 'master')
        for release in releases:
            version = str(release['version'])
            real = release['projects'][0]['hash']
            if real not in mapped:
                where = f'{series}: {version}'
                mapped[real] = commit_file(src, {'nova/version.txt': where + '\n'}, where)
            sha = mapped[real]
            if parse_special(version) is None:
                git(src, 'tag', version, sha)
                commits[version] = sha
            # Without a branch entry (the older files), the first release is the branch point.
            if on_master and (version == point or point is None):
                git(src, 'branch', branch, sha)
                git(src, 'checkout', '-q', branch)
                on_master = False
        git(src, 'checkout', '-q', 'master')
        if on_master and releases:  # a branch point the file names but that is not released: cut at the end
            git(src, 'branch', branch, mapped[releases[-1]['projects'][0]['hash']])
        for real, ours in mapped.items():
            text = text.replace(real, ours)
        files[series] = text
    commit_file(src, {'nova/hibiscus.py': 'work\n'}, 'hibiscus work on master')
    return NovaWorld(top, files, commits)


@pytest.fixture(scope='module')
def nova_world(tmp_path_factory: pytest.TempPathFactory) -> NovaWorld:
    return build_nova(tmp_path_factory.mktemp('nova'))


@pytest.fixture
def data(nova_world: NovaWorld, tmp_path: Path) -> Path:
    """A data repository: the sample's series table and the rewritten nova files, committed."""
    root = tmp_path / 'data'
    (root / 'data').mkdir(parents=True)
    shutil.copy(SAMPLE / 'data' / 'series_status.yaml', root / 'data' / 'series_status.yaml')
    for series, text in nova_world.files.items():
        (root / 'deliverables' / series).mkdir(parents=True)
        (root / 'deliverables' / series / 'nova.yaml').write_text(text)
    init_repo(root)
    commit_file(root, {}, 'real nova files')
    return root


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(args), out=out), out.getvalue()


def new_release(world: NovaWorld, data: Path, *args: str) -> tuple[int, str]:
    return run('new-release', *args, '--root', str(data), '--offline', '--repos', world.template,
               '--cache-dir', str(world.top / 'cache'))


def list_changes(world: NovaWorld, data: Path) -> dict[str, Any]:
    code, out = run('list-changes', '--root', str(data), '--base', 'HEAD', '--offline', '--repos', world.template,
                    '--cache-dir', str(world.top / 'cache'), '--format', 'json')
    assert code == 0, out
    return json.loads(out)  # type: ignore[no-any-return]


def check(world: NovaWorld, data: Path) -> Report:
    return validate(ValidateOptions(root=data, base='HEAD', offline=True, repos=world.template,
                                    cache_dir=world.top / 'cache'))


def job_previous(data: Path) -> list[tuple[str, str | None, str | None]]:
    """What the release job's notes, shortlog and announcement count from, per target."""
    request = read_request(data, base='HEAD')
    items = items_of(deliverable_contexts(request, request.targets, Report()))
    return [(i.version, t.previous_version, t.previous_hash) for i in items for t in i.targets]


def hibiscus(data: Path) -> Path:
    return data / 'deliverables' / 'hibiscus' / 'nova.yaml'


def test_the_repository_follows_nova(nova_world: NovaWorld) -> None:
    src = nova_world.src
    tags = set(git(src, 'tag').split())
    assert {'2015.1.0', '2015.1.4', '12.0.0', '13.0.0.0b1', '33.0.0.0rc1', '33.0.0', '33.0.2'} <= tags
    branches = set(git(src, 'branch', '--format=%(refname:short)').split())
    assert {'master', 'stable/kilo', 'stable/liberty', 'stable/stein', 'stable/2023.1', 'stable/2026.1'} <= branches
    c = nova_world.commits
    assert git(src, 'merge-base', '--is-ancestor', c['2015.1.0'], c['12.0.0']) == ''
    assert git(src, 'branch', '--contains', c['2015.1.4'], '--format=%(refname:short)') == 'stable/kilo'
    assert git(src, 'branch', '--contains', c['33.0.2'], '--format=%(refname:short)') == 'stable/2026.1'
    assert c['33.0.0'] == c['33.0.0.0rc1']  # the final re-tags the candidate, as in the real file


def test_milestone_of_hibiscus_follows_gazpacho_not_the_date_era(nova_world: NovaWorld, data: Path) -> None:
    code, out = new_release(nova_world, data, 'hibiscus', 'nova', 'milestone')
    assert code == 0, out
    head = git(nova_world.src, 'rev-parse', 'master')
    lines = out.splitlines()
    assert lines[0] == 'deliverables/hibiscus/nova.yaml: added 34.0.0.0b1 (milestone after 33.0.0.0rc1)'
    # Master has one commit after gazpacho branched (not the 33.0.1, 33.0.2 of stable/2026.1).
    assert lines[1] == f'  {NOVA} {head} (head of master, 1 commit since 33.0.0.0rc1)'
    assert 'version: 34.0.0.0b1' in hibiscus(data).read_text()

    # validate (with the git rules, on this repository) accepts it ...
    report = check(nova_world, data)
    assert [(f.check, f.line, f.message) for f in report.findings] == []
    # ... list-changes names the predecessor new-release named, and counts from it ...
    changes = list_changes(nova_world, data)
    (review,) = changes['releases']
    assert review['version'] == '34.0.0.0b1'
    assert review['previous_version'] == '33.0.0.0rc1'
    (repo,) = review['repos']
    assert repo['previous_hash'] == nova_world.commits['33.0.0.0rc1']
    # ... and so does the release job's notes and announcement.
    assert job_previous(data) == [('34.0.0.0b1', '33.0.0.0rc1', nova_world.commits['33.0.0.0rc1'])]


def test_a_hibiscus_major_without_rc_is_refused_by_rt210(nova_world: NovaWorld, data: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """nova is cycle-with-rc: its hibiscus final needs a candidate first (34.0.0, never 2016.0.0)."""
    code, _ = new_release(nova_world, data, 'hibiscus', 'nova', 'major', '--dry-run')
    assert code == 2
    assert '[RT210] 34.0.0 is the hibiscus final' in capsys.readouterr().err


@pytest.mark.parametrize(('args', 'expected'), [
    (('hibiscus', 'rc'), 'would add 34.0.0.0rc1 (rc after 33.0.0.0rc1)'),
    # The issue measured 2016.0.0 and 2016.0.0.0rc1 here (counted from 2015.1.4).
    (('gazpacho', 'major'), 'would add 34.0.0 (major after 33.0.0)'),
    (('gazpacho', 'rc'), 'would add 34.0.0.0rc1 (rc after 33.0.0)'),
    (('gazpacho', 'feature'), 'would add 33.1.0 (feature after 33.0.0)'),
])
def test_next_versions_count_from_the_semantic_era(nova_world: NovaWorld, data: Path, args: tuple[str, str],
                                                   expected: str) -> None:
    code, out = new_release(nova_world, data, args[0], 'nova', args[1], '--dry-run')
    assert code == 0, out
    assert expected in out.splitlines()[0]


@pytest.mark.parametrize(('version', 'expected'), [
    ('2016.0.0.0b1', [('RT203', 7)]),  # what the numeric maximum 2015.1.4 gave
    ('34.0.0.0b1', []),
])
def test_validate_judges_hibiscus_by_series_order(nova_world: NovaWorld, data: Path, version: str,
                                                   expected: list[tuple[str, int]]) -> None:
    head = git(nova_world.src, 'rev-parse', 'master')
    path = hibiscus(data)
    path.write_text(path.read_text().replace('repository-settings:', f'releases:\n  - version: {version}\n'
                                             f'    projects:\n      - repo: {NOVA}\n        hash: {head}\n'
                                             'repository-settings:', 1))
    assert path.read_text().splitlines()[6] == f'  - version: {version}'
    report = check(nova_world, data)
    assert [(f.check, f.line) for f in report.findings] == expected
    if expected:
        assert 'does not follow 33.0.2 by one semver step (expected 34.0.0.0b1)' in report.findings[0].message
    # list-changes counts the range from the branch point new-release names, and shows the reviewer
    # what validate says of the step beside it (a "previous" of 33.0.0.0rc1 alone hid the skip).
    (review,) = list_changes(nova_world, data)['releases']
    assert review['previous_version'] == '33.0.0.0rc1'
    assert [w for w in review['warnings'] if w.endswith(']')] == [
        f'{f.message} [{f.check}]' for f in report.findings]


def test_validate_checks_ancestry_against_the_same_predecessor(nova_world: NovaWorld, data: Path) -> None:
    """validate's RT703 names the release new-release and list-changes name: 33.0.0.0rc1."""
    old = nova_world.commits['28.0.0']  # bobcat: older than gazpacho's branch point
    path = hibiscus(data)
    path.write_text(path.read_text().replace('repository-settings:', 'releases:\n  - version: 34.0.0.0b1\n'
                                             f'    projects:\n      - repo: {NOVA}\n        hash: {old}\n'
                                             'repository-settings:', 1))
    report = check(nova_world, data)
    ancestry = [f.message for f in report.findings if f.check == 'RT703']
    rc1 = nova_world.commits['33.0.0.0rc1']
    assert ancestry == [f'{old} does not descend from 33.0.0.0rc1 ({rc1[:12]}) in {NOVA}']
    (review,) = list_changes(nova_world, data)['releases']
    assert review['previous_version'] == '33.0.0.0rc1'


def test_stable_bugfix_of_gazpacho(nova_world: NovaWorld, data: Path) -> None:
    """A gazpacho bug fix comes from stable/2026.1 and follows 33.0.2: every command says so."""
    src = nova_world.src
    git(src, 'checkout', '-q', 'stable/2026.1')
    fix = commit_file(src, {'nova/fix.py': 'fixed\n'}, 'a fix on stable/2026.1')
    git(src, 'checkout', '-q', 'master')
    try:
        code, out = new_release(nova_world, data, 'gazpacho', 'nova', 'bugfix')
        assert code == 0, out
        assert out.splitlines() == [
            'deliverables/gazpacho/nova.yaml: added 33.0.3 (bugfix after 33.0.2)',
            f'  {NOVA} {fix} (head of stable/2026.1, 1 commit since 33.0.2)']
        assert [(f.check, f.line) for f in check(nova_world, data).findings] == []
        (review,) = list_changes(nova_world, data)['releases']
        assert review['previous_version'] == '33.0.2'
        assert job_previous(data) == [('33.0.3', '33.0.2', nova_world.commits['33.0.2'])]
    finally:
        git(src, 'branch', '-f', 'stable/2026.1', nova_world.commits['33.0.2'])


def test_the_sample_nova_files_validate_in_all_mode(nova_world: NovaWorld, data: Path) -> None:
    """The merged history from liberty on has no step finding: the date era ends at kilo.

    (Inside the date era the files of essex .. juno start with a patch
    release, x.y.1: those series' x.y.0 entries are missing upstream, true
    findings of the historic data. kilo's 2015.1.0 after juno's 2014.2.4
    opens a year of the date era: no finding.)
    """
    report = validate(ValidateOptions(root=data, all=True, offline=True, repos=nova_world.template,
                                      cache_dir=nova_world.top / 'cache'))
    semantic = {'liberty', 'mitaka', 'stein', 'antelope', 'bobcat', 'gazpacho', 'hibiscus'}
    steps = [(f.file, f.line, f.message) for f in report.findings
             if f.check == 'RT203' and f.file.split('/')[1] in semantic]
    assert steps == []
    dated = {f.file.split('/')[1] for f in report.findings if f.check == 'RT203'}
    assert dated <= {'essex', 'folsom', 'grizzly', 'havana', 'icehouse', 'juno'}
