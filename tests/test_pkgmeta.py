"""pkgmeta: what the data and a commit's files say about a repository's package."""

from __future__ import annotations

from releasetools.core.model import Deliverable, Project, Release, RepoSettings
from releasetools.core.pkgmeta import declared_name, import_name, package_name, raised_minimums

REPO = 'openstack/oslo.config'


def _deliverable(settings: RepoSettings | None, tarball: str | None = None) -> tuple[Deliverable, Release]:
    release = Release('1.0.0', (Project('openstack/other', 'b' * 40, 'other-base'), Project(REPO, 'a' * 40, tarball)))
    d = Deliverable('oslo.config', 'gazpacho', 'deliverables/gazpacho/oslo.config.yaml',
                    repository_settings={REPO: settings} if settings else None, releases=(release,))
    return d, release


def test_declared_name_prefers_pypi_name_then_the_release_then_the_settings() -> None:
    d, r = _deliverable(RepoSettings(REPO, pypi_name='oslo-config', tarball_base='settings-base'), 'release-base')
    assert declared_name(d, r, REPO) == 'oslo-config'
    d, r = _deliverable(RepoSettings(REPO, tarball_base='settings-base'), 'release-base')
    assert declared_name(d, r, REPO) == 'release-base'
    d, r = _deliverable(RepoSettings(REPO, tarball_base='settings-base'))
    assert declared_name(d, r, REPO) == 'settings-base'


def test_declared_name_is_none_when_the_data_names_nothing() -> None:
    d, r = _deliverable(None)
    assert declared_name(d, r, REPO) is None  # another repository's tarball-base is not this one's


def test_raised_minimums_lists_only_lower_bounds_that_went_up() -> None:
    old = b'pbr>=2.0\nsix>=1.10  # comment\nrequests>=2.0\n'
    new = b'pbr>=2.0\nsix>=1.12\nrequests>=1.0\nnew-dep>=1.0\n'
    assert raised_minimums(old, new) == ['six 1.10 -> 1.12']
    assert raised_minimums(None, new) == []


def test_package_and_import_names_from_setup_cfg_then_pyproject() -> None:
    cfg = b'[metadata]\nname = oslo.config\n[files]\npackages =\n    oslo_config\n    extra\n'
    assert package_name(cfg, None) == 'oslo.config'
    assert import_name(cfg, None) == 'oslo_config'
    assert import_name(b'[metadata]\nname = python-Novaclient\n', None) == 'python_novaclient'
    toml = b'[project]\nname = "tomlpkg"\n'
    assert package_name(b'[metadata\nbroken', toml) == 'tomlpkg'  # an unreadable setup.cfg falls through
    assert import_name(None, toml) == 'tomlpkg'
    assert package_name(None, b'not = [toml') is None
    assert import_name(None, None) is None
