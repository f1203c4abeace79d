"""Publishing the site: a build that fails leaves the published site as it was, never half-written."""

from __future__ import annotations

from pathlib import Path

import pytest

from releasetools.core.errors import ReleaseToolsError
from releasetools.site import build_site
from releasetools.site.build import publish
from tests.release.tinyfs import fill, mounted
from tests.site.sitedata import H3, write_small_tree


def snapshot(html: Path) -> dict[str, bytes]:
    return {p.relative_to(html).as_posix(): p.read_bytes() for p in sorted(html.rglob('*')) if p.is_file()}


def test_a_build_on_a_full_disk_leaves_the_published_site_whole(tmp_path: Path) -> None:
    data = write_small_tree(tmp_path / 'data')
    with mounted(tmp_path / 'out', size='16m') as out:
        first = build_site(data.root, out, 1)
        before = snapshot(first.html)
        assert 'deliverable/nova.html' in before
        # A new release of nova: the next build rewrites its page, and the disk is full.
        nova = data.root / 'deliverables' / 'hibiscus' / 'nova.yaml'
        nova.write_text(nova.read_text() + f'  - version: 9.9.9\n    projects:\n      - repo: openstack/nova\n'
                        f'        hash: {H3}\n')
        filler = fill(out)
        with pytest.raises(ReleaseToolsError, match=r'published site .* is unchanged'):
            build_site(data.root, out, 1)
        assert snapshot(first.html) == before
        assert [p.name for p in out.iterdir() if p.name.startswith('.html.')] == []
        # With room again, the next build publishes the new release.
        filler.unlink()
        again = build_site(data.root, out, 1)
        assert '9.9.9' in (again.html / 'deliverable' / 'nova.html').read_text()
        assert [p.name for p in out.iterdir() if p.name.startswith('.html.')] == []


def test_the_site_is_published_beside_its_build_cache(tmp_path: Path) -> None:
    data = write_small_tree(tmp_path / 'data')
    result = build_site(data.root, tmp_path / 'out', 1)
    assert result.html == tmp_path / 'out' / 'html'
    staged = tmp_path / 'out' / '.cache' / 'html' / 'index.html'
    assert staged.read_bytes() == (result.html / 'index.html').read_bytes()


def test_a_copy_that_does_not_fit_is_removed_and_the_old_site_stays(tmp_path: Path) -> None:
    data = write_small_tree(tmp_path / 'data')
    built = build_site(data.root, tmp_path / 'out', 1)
    with mounted(tmp_path / 'public', size='2m') as public:
        (public / 'html').mkdir()
        (public / 'html' / 'index.html').write_text('the old site\n')
        fill(public, spare_pages=8)  # room for a little, not for the whole site
        with pytest.raises(OSError):
            publish(tmp_path / 'out' / '.cache' / 'html', public / 'html')
        assert snapshot(public / 'html') == {'index.html': b'the old site\n'}
        assert sorted(p.name for p in public.iterdir()) == ['filler', 'html']
    assert (built.html / 'index.html').is_file()
