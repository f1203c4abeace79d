"""core.model: the answers the model gives about its own values."""

from __future__ import annotations

from releasetools.core.model import Project, Release, is_commit_id


def test_commit_ids_are_forty_lowercase_hex_digits_unless_abbreviated() -> None:
    assert is_commit_id('0123456789abcdef0123456789abcdef01234567')
    assert not is_commit_id('0123456789ABCDEF0123456789ABCDEF01234567')
    assert not is_commit_id('0123456789abcdef0123456789abcdef01234567\n')
    assert not is_commit_id('0123456')
    assert is_commit_id('0123456', abbreviated=True)
    assert not is_commit_id('012345', abbreviated=True)
    assert not is_commit_id('master', abbreviated=True)


def test_a_release_is_a_version_or_a_closing_tag() -> None:
    def r(version: str | None) -> Release:
        return Release(version, (Project('openstack/nova', 'a' * 40),))

    assert (v := r('2.0.1').semver) is not None and v.release == (2, 0, 1)
    assert r('2.0.1').closing_tag is None
    assert (tag := r('2026.1-eol').closing_tag) is not None and (tag.prefix, tag.kind) == ('2026.1', 'eol')
    assert r('2026.1-eol').semver is None
    assert r(None).semver is None and r(None).closing_tag is None
    assert r('v2.0').semver is None  # an odd spelling is neither
