"""RT506 and every place that resolves a repository name: namespace/name of safe characters only."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from releasetools.cli import main
from releasetools.core.errors import UsageError
from releasetools.core.reponames import check_plain_name, repo_name_problem
from releasetools.git.mirrors import RepoLocator
from releasetools.testing.datarepo import DataRepo
from releasetools.testing.gitcmd import commit_file, init_repo

P = pytest.param


@pytest.mark.parametrize('name', ['openstack/nova', 'x/python-foo_bar.baz', 'openstack/.github', 'a/b-'])
def test_safe_names(name: str) -> None:
    assert repo_name_problem(name) is None


@pytest.mark.parametrize(('name', 'problem'), [
    P('../../x', "has a '..' component", id='dotdot'),
    P('openstack/..', "has a '..' component", id='dotdot-name'),
    P('/etc/passwd', 'is an absolute path', id='absolute'),
    P('-foo/bar', 'has a component starting with "-"', id='dash-namespace'),
    P('openstack/-u', 'has a component starting with "-"', id='dash-name'),
    P('openstack//nova', 'is not of the form namespace/name', id='empty-component'),
    P('openstack/', 'has an empty component', id='empty-name'),
    P('nova', 'is not of the form namespace/name', id='one-component'),
    P('', 'is empty', id='empty'),
    P('openstack/no va', 'has characters other than letters, digits, ".", "_" and "-"', id='space'),
    P('a/b/c', 'is not of the form namespace/name', id='three'),
])
def test_unsafe_names(name: str, problem: str) -> None:
    assert repo_name_problem(name) == problem


def test_rt506_reports_each_unsafe_name_at_its_line(repo: DataRepo) -> None:
    rel = repo.write('hibiscus', 'nova', """
      release-model: cycle-with-rc
      repository-settings:
        openstack/nova: {}
        ../../x: {}
      releases:
        - version: 3.0.0
          projects:
            - repo: openstack/nova
              hash: $1
            - repo: ../../x
              hash: $2
            - repo: -foo/bar
              hash: $3
      branches:
        - name: feature/x
          location:
            /abs/olute: $1
      """)
    assert [(c, n) for c, n in repo.findings(rel) if c == 'RT506'] == [
        ('RT506', 7), ('RT506', 13), ('RT506', 15), ('RT506', 18)]


def test_rt506_only_new_settings_with_a_base(git_repo: DataRepo) -> None:
    old = """
      release-model: cycle-with-rc
      repository-settings:
        openstack/nova: {}
      """
    git_repo.write('hibiscus', 'nova', old)
    git_repo.commit()
    git_repo.write('hibiscus', 'nova', old.rstrip(' ') + '        ../up: {}\n')
    assert git_repo.findings(base='HEAD') == [('RT506', 7)]


def test_locator_refuses_a_name_outside_its_template(tmp_path: Path) -> None:
    """../../x would resolve to a real repository outside the template: never read it."""
    outside = init_repo(tmp_path / 'x')
    commit_file(outside, {'secret': 's\n'}, 'outside')
    template = f'{tmp_path}/git/a/{{repo}}'
    locator = RepoLocator(template, tmp_path / 'cache', offline=True)
    assert (tmp_path / 'git/a/../../x').resolve() == outside.resolve()
    located = locator.locate('../../x')
    assert located.path is None
    assert located.reason == "the repository name '../../x' has a '..' component; it is not resolved"
    with pytest.raises(UsageError, match=r"repository name '-foo/bar' has a component starting with"):
        locator.location('-foo/bar')
    assert locator.locate('-foo/bar').path is None


@pytest.mark.parametrize('name', ['../elm', '', 'a/b', '.hidden', '-x', 'x' * 201, 'nul\0'])
def test_plain_names(name: str) -> None:
    with pytest.raises(UsageError):
        check_plain_name('deliverable', name)


def test_validate_cli_with_unsafe_repo(repo: DataRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write('hibiscus', 'nova', """
      release-model: cycle-with-rc
      releases:
        - version: 3.0.0
          projects:
            - repo: ../../x
              hash: $1
      """)
    out = io.StringIO()
    code = main(['validate', '--all', '--root', str(repo.root), '--repos', f'{tmp_path}/git/{{repo}}',
                 '--cache-dir', str(tmp_path / 'cache'), '--offline'], out=out)
    assert code == 1
    assert "deliverables/hibiscus/nova.yaml:8: error [RT506] repository name '../../x' has a '..' component" \
        in out.getvalue()
