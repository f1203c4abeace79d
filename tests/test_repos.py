"""releasetools.git.mirrors: where repositories are, and mirrors of URLs in the cache directory."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from releasetools.core.errors import UsageError
from releasetools.git import repo as gitrepo
from releasetools.git.mirrors import Located, RepoLocator, is_remote
from releasetools.testing.gitcmd import commit_file, git, make_package_repo
from releasetools.testing.sources import Sources

#: The fixtures ``sources`` and ``data`` (conftest.py belongs to the other suites).


def leftovers(cache: Path) -> list[str]:
    """Names in the cache directory other than finished mirrors and their lock files."""
    return sorted(p.name for p in cache.iterdir() if not p.name.endswith(('.git', '.git.lock')))


@pytest.mark.parametrize(('location', 'expected'), [
    ('https://opendev.org/openstack/nova', True),
    ('http://127.0.0.1:9/openstack/nova', True),
    ('ssh://review.example.org:29418/openstack/nova', True),
    ('git@github.com:openstack/nova', True),
    ('file:///srv/git/openstack/nova', False),
    ('FILE:///srv/git/openstack/nova', False),
    ('/srv/git/openstack/nova', False),
    ('relative/openstack/nova', False),
])
def test_is_remote(location: str, expected: bool) -> None:
    assert is_remote(location) is expected


def test_template_needs_repo_placeholder(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r'does not contain \{repo\}'):
        RepoLocator('/srv/git/nova', tmp_path)


# --- local paths: used in place -------------------------------------------------------------

def test_local_path_used_in_place(sources: Sources, tmp_path: Path) -> None:
    locator = RepoLocator(sources.template, tmp_path / 'cache', offline=True)
    assert locator.locate('openstack/nova') == Located('openstack/nova', sources.path())
    assert not (tmp_path / 'cache').exists()  # nothing mirrored


def test_local_bare_mirror_used_in_place(sources: Sources, tmp_path: Path) -> None:
    locator = RepoLocator(f'{sources.mirror_parent}/{{repo}}', tmp_path / 'cache', offline=True)
    assert locator.locate('openstack/nova') == Located('openstack/nova', sources.mirror_parent / 'openstack/nova')


def test_local_path_missing(tmp_path: Path) -> None:
    locator = RepoLocator(f'{tmp_path}/nowhere/{{repo}}', tmp_path / 'cache', offline=True)
    assert locator.locate('openstack/nova') == Located(
        'openstack/nova', None, f'no repository at {tmp_path}/nowhere/openstack/nova')


def test_local_path_not_a_repository(tmp_path: Path) -> None:
    (tmp_path / 'plain/openstack/nova').mkdir(parents=True)
    locator = RepoLocator(f'{tmp_path}/plain/{{repo}}', tmp_path / 'cache', offline=True)
    assert locator.locate('openstack/nova') == Located(
        'openstack/nova', None, f'{tmp_path}/plain/openstack/nova is not a git repository')


def test_local_path_inside_another_repository(tmp_path: Path) -> None:
    """A plain directory inside some other work tree is not that repository."""
    make_package_repo(tmp_path / 'home', {'dotfile': 'x\n'})
    (tmp_path / 'home/src/openstack/nova').mkdir(parents=True)
    locator = RepoLocator(f'{tmp_path}/home/src/{{repo}}', tmp_path / 'cache', offline=True)
    assert locator.locate('openstack/nova') == Located(
        'openstack/nova', None, f'{tmp_path}/home/src/openstack/nova is not a git repository (only a directory '
        'inside one)')


# --- file:// URLs: mirrored into the cache ------------------------------------------------

@pytest.fixture
def upstream(tmp_path: Path) -> tuple[Path, list[str]]:
    """A small repository of our own (the session sources must not change)."""
    parent = tmp_path / 'upstream'
    commits = make_package_repo(parent / 'openstack/oslo.config', {'setup.cfg': '[metadata]\nname = oslo.config\n'})
    git(parent / 'openstack/oslo.config', 'tag', '-a', '-m', 'v', '1.0.0')
    return parent, commits


def test_file_url_is_mirrored_bare_reused_and_refreshed(upstream: tuple[Path, list[str]], tmp_path: Path) -> None:
    parent, (first,) = upstream
    cache = tmp_path / 'cache'
    locator = RepoLocator(f'file://{parent}/{{repo}}', cache, offline=True)  # file:// needs no network

    located = locator.locate('openstack/oslo.config')
    assert located.reason is None and located.path is not None
    mirror = located.path
    assert mirror.parent == cache and mirror.name.endswith('.git')
    assert git(mirror, 'rev-parse', '--is-bare-repository') == 'true'
    assert gitrepo.resolve_commit(mirror, 'master') == first
    assert gitrepo.list_refs(mirror).tags == {'1.0.0': first}
    inode = mirror.stat().st_ino

    source = parent / 'openstack/oslo.config'
    second = commit_file(source, {'new.txt': 'new\n'}, 'A new commit upstream')
    git(source, 'tag', '1.0.1')
    again = locator.locate('openstack/oslo.config')
    assert again == Located('openstack/oslo.config', mirror)
    assert mirror.stat().st_ino == inode  # reused, not cloned again
    assert gitrepo.resolve_commit(mirror, 'master') == second
    assert gitrepo.list_refs(mirror).tags == {'1.0.0': first, '1.0.1': second}
    assert leftovers(cache) == []


def test_failed_clone_leaves_nothing_half_written(tmp_path: Path) -> None:
    cache = tmp_path / 'cache'
    locator = RepoLocator(f'file://{tmp_path}/nowhere/{{repo}}', cache)
    located = locator.locate('openstack/nova')
    assert located.path is None
    assert located.reason is not None
    assert located.reason.startswith(f'cannot fetch file://{tmp_path}/nowhere/openstack/nova: git clone ')
    assert [p.name for p in cache.iterdir() if not p.name.endswith('.lock')] == []


def test_two_threads_locating_the_same_url(upstream: tuple[Path, list[str]], tmp_path: Path) -> None:
    parent, (first,) = upstream
    cache = tmp_path / 'cache'
    locator = RepoLocator(f'file://{parent}/{{repo}}', cache)
    start = threading.Barrier(2)
    results: list[Located] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            start.wait()
            results.append(locator.locate('openstack/oslo.config'))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 2
    assert results[0] == results[1]
    assert results[0].path is not None and results[0].reason is None
    assert gitrepo.resolve_commit(results[0].path, 'master') == first
    assert leftovers(cache) == []


# --- remote URLs ------------------------------------------------------------------------

def test_offline_remote_without_mirror_is_unavailable(tmp_path: Path) -> None:
    locator = RepoLocator('http://127.0.0.1:9/{repo}', tmp_path / 'cache', offline=True)
    assert locator.locate('openstack/nova') == Located(
        'openstack/nova', None,
        f'offline, and http://127.0.0.1:9/openstack/nova has no local mirror in {tmp_path / "cache"}')
    assert not (tmp_path / 'cache').exists()


def test_offline_remote_uses_an_existing_mirror(sources: Sources, tmp_path: Path) -> None:
    cache = tmp_path / 'cache'
    locator = RepoLocator('http://127.0.0.1:9/{repo}', cache, offline=True)
    # Put a mirror where an earlier online run would have left it.
    mirror = locator._mirror_path('http://127.0.0.1:9/openstack/nova')
    cache.mkdir()
    git(tmp_path, 'clone', '-q', '--mirror', str(sources.path()), str(mirror))
    assert locator.locate('openstack/nova') == Located('openstack/nova', mirror)


def test_unreachable_url_is_a_reason_not_an_exception(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ('http_proxy', 'https_proxy', 'all_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY'):
        monkeypatch.delenv(name, raising=False)
    cache = tmp_path / 'cache'
    located = RepoLocator('http://127.0.0.1:9/{repo}', cache).locate('openstack/nova')
    assert located.path is None
    assert located.reason is not None
    assert located.reason.startswith('cannot fetch http://127.0.0.1:9/openstack/nova: git clone ')
    assert [p.name for p in cache.iterdir() if not p.name.endswith('.lock')] == []
