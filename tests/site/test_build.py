"""Building the site from a small tree and from the upstream sample: pages, links, exports."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from releasetools.core.errors import UsageError
from releasetools.data.load import list_deliverable_files, load_deliverable_file
from releasetools.site import BuildResult, build_site
from tests.site.linkwalk import broken_links, count_links
from tests.site.sitedata import H1, H2, H3, H4, read, section, version_links, write_small_tree

SAMPLE = Path(__file__).resolve().parents[3] / 'shared' / 'upstream-sample'
ATOM = '{http://www.w3.org/2005/Atom}'


@pytest.fixture(scope='module')
def small(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    tmp = tmp_path_factory.mktemp('small')
    data = write_small_tree(tmp / 'data')
    # An unrelated Sphinx project of the data repository's own must not matter.
    (data.root / 'doc' / 'source').mkdir(parents=True)
    (data.root / 'doc' / 'source' / 'conf.py').write_text('raise SystemExit("not this conf.py")\n')
    return build_site(data.root, tmp / 'out', 1)


def test_small_tree_builds_without_warnings(small: BuildResult) -> None:
    assert small.warnings == ()
    html = small.html
    pages = sorted(p.relative_to(html).as_posix() for p in html.rglob('*.html'))
    assert pages == [
        'deliverable/horizon.html', 'deliverable/nova.html', 'deliverable/python-novaclient.html',
        'deliverable/tinylib.html', 'deliverables.html', 'highlights/hibiscus.html', 'independent.html',
        'index.html', 'series/epoxy.html', 'series/flamingo.html', 'series/gazpacho.html',
        'series/hibiscus.html', 'series/indri.html', 'signing-keys.html', 'team/dashboard-team.html',
        'team/nova.html', 'teams.html',
    ]
    assert small.pages == len(pages)
    assert small.index == html / 'index.html'


def test_links_of_each_release(small: BuildResult) -> None:
    nova = section(read(small.html, 'series/hibiscus.html'), 'd-nova')
    assert version_links(nova, '33.0.0.0rc1') == [
        'https://tarballs.opendev.org/openstack/nova/nova-33.0.0.0rc1.tar.gz',
        'https://tarballs.opendev.org/openstack/nova/nova-33.0.0.0rc1.tar.gz.asc',
        'https://pypi.org/project/nova/33.0.0.0rc1/',
        f'https://opendev.org/openstack/nova/commit/{H1}',
    ]
    # skipped-sig: no signature.
    assert version_links(nova, '33.0.0') == [
        'https://tarballs.opendev.org/openstack/nova/nova-33.0.0.tar.gz',
        'https://pypi.org/project/nova/33.0.0/',
        f'https://opendev.org/openstack/nova/commit/{H1}',
    ]
    # artifact-link-mode: none: the commit only.
    client = section(read(small.html, 'series/hibiscus.html'), 'd-python-novaclient')
    assert version_links(client, '18.0.0') == [f'https://opendev.org/openstack/python-novaclient/commit/{H4}']
    # Two repositories, one with its own tarball base; no PyPI link without include-pypi-link.
    horizon = section(read(small.html, 'series/hibiscus.html'), 'd-horizon')
    assert version_links(horizon, '25.0.0') == [
        'https://tarballs.opendev.org/openstack/horizon/horizon-25.0.0.tar.gz',
        'https://tarballs.opendev.org/openstack/horizon/horizon-25.0.0.tar.gz.asc',
        f'https://opendev.org/openstack/horizon/commit/{H1}',
        'https://tarballs.opendev.org/openstack/horizon-assets/assets-25.0.0.tar.gz',
        'https://tarballs.opendev.org/openstack/horizon-assets/assets-25.0.0.tar.gz.asc',
        f'https://opendev.org/openstack/horizon-assets/commit/{H2}',
    ]
    # A tag that closes a series has no artifacts.
    old = section(read(small.html, 'series/gazpacho.html'), 'd-nova')
    assert version_links(old, 'gazpacho-eom') == [f'https://opendev.org/openstack/nova/commit/{H3}']


def test_series_page_summary_and_groups(small: BuildResult) -> None:
    page = read(small.html, 'series/hibiscus.html')
    summary = re.search(r'<table class="rt-s rt-t">.*?</table>', page, re.S)
    assert summary
    rows = re.findall(r'<tr data-k[^>]*><td><a href="#d-([^"]+)">.*?</td><td><a href="([^"]+)">.*?</td>'
                      r'<td>([^<]*)</td><td>(.*?)</td></tr>', summary.group(0))
    assert rows == [
        ('horizon', '../team/dashboard-team.html', '25.0.0', ''),
        ('nova', '../team/nova.html', '33.0.0',
         '<a href="https://docs.example.org/releasenotes/nova/hibiscus.html">release notes</a>'),
        ('python-novaclient', '../team/nova.html', '18.0.0', ''),
    ]
    groups = re.findall(r'<h2 id="t-([^"]+)">', page)
    assert groups == ['service', 'client-library']
    assert 'href="../highlights/hibiscus.html"' in page


def test_deliverable_page_history_in_series_order(small: BuildResult) -> None:
    page = read(small.html, 'deliverable/nova.html')
    assert re.findall(r'<section class="rt-d" id="s-([^"]+)"', page) == ['hibiscus', 'gazpacho']
    # Newest version first in each series.
    assert re.findall(r'<tr><td>([^<]+)</td>', page) == ['33.0.0', '33.0.0.0rc1', 'gazpacho-eom', '32.0.1', '32.0.0']


def test_team_independent_and_highlights_pages(small: BuildResult) -> None:
    team = read(small.html, 'team/dashboard-team.html')
    assert re.findall(r'<td><a href="([^"]+)">[^<]*</a></td><td><a', team) == [
        '../independent.html', '../series/hibiscus.html']
    assert '1.1.0, 1.0.0' in team
    independent = read(small.html, 'independent.html')
    assert version_links(section(independent, 'd-tinylib'), '1.1.0')[0] == \
        'https://tarballs.opendev.org/x/tinylib/tinylib-1.1.0.tar.gz'
    highlights = read(small.html, 'highlights/hibiscus.html')
    assert '<li><p>Nova can <em>now</em> boot faster.</p></li>' in highlights
    assert '<h2><a href="../team/nova.html">nova</a></h2>' in highlights


def test_home_lists_current_series_first_then_data_order(small: BuildResult) -> None:
    home = read(small.html, 'index.html')
    rows = re.findall(r'<tr( class="rt-current")?><td><a href="series/([^"]+)\.html">', home)
    assert rows == [(' class="rt-current"', 'hibiscus'), ('', 'indri'), ('', 'gazpacho'), ('', 'flamingo'),
                    ('', 'epoxy')]
    assert '<td>2026.2</td><td>development</td><td>2026-09-30</td>' in home


def test_no_broken_links_and_no_external_assets(small: BuildResult) -> None:
    assert broken_links(small.html) == []
    assert count_links(small.html) > 100
    for page in small.html.rglob('*.html'):
        text = page.read_text()
        assert re.findall(r'<(?:script|link)[^>]+(?:src|href)="https?:', text) == [], page


def test_json_export_has_every_release(small: BuildResult) -> None:
    export = json.loads(read(small.html, 'releases.json'))
    assert [s['name'] for s in export['series']] == ['indri', 'hibiscus', 'gazpacho', 'flamingo', 'epoxy']
    got = sorted((d['series'], d['name'], r['version']) for d in export['deliverables'] for r in d['releases'])
    assert got == [
        ('_independent', 'tinylib', '1.0.0'), ('_independent', 'tinylib', '1.1.0'),
        ('gazpacho', 'nova', '32.0.0'), ('gazpacho', 'nova', '32.0.1'), ('gazpacho', 'nova', 'gazpacho-eom'),
        ('hibiscus', 'horizon', '25.0.0'), ('hibiscus', 'nova', '33.0.0'), ('hibiscus', 'nova', '33.0.0.0rc1'),
        ('hibiscus', 'python-novaclient', '18.0.0'),
    ]


def test_atom_feed_parses(small: BuildResult) -> None:
    feed = ET.parse(small.html / 'atom.xml').getroot()
    assert feed.tag == f'{ATOM}feed'
    entries = feed.findall(f'{ATOM}entry')
    assert sorted(e.findtext(f'{ATOM}title') for e in entries) == [
        'horizon 25.0.0 (hibiscus)', 'nova 33.0.0 (hibiscus)', 'nova gazpacho-eom (gazpacho)',
        'python-novaclient 18.0.0 (hibiscus)', 'tinylib 1.1.0 (independent)']
    for entry in entries:
        assert re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ', entry.findtext(f'{ATOM}updated') or '')
        href = entry.find(f'{ATOM}link').get('href')  # type: ignore[union-attr]
        assert (small.html / href.split('#')[0]).is_file()


def test_root_without_series_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match='not a release data repository'):
        build_site(tmp_path, tmp_path / 'out', 1)


def test_link_templates_from_site_yaml(tmp_path: Path) -> None:
    data = write_small_tree(tmp_path / 'data')
    (data.root / 'data' / 'site.yaml').write_text(
        'title: Example releases\ntarball-url: "https://dl.example.org/{tarball}/{version}.tgz"\n')
    result = build_site(data.root, tmp_path / 'out', 1)
    assert result.warnings == ()
    page = read(result.html, 'series/hibiscus.html')
    assert version_links(section(page, 'd-horizon'), '25.0.0')[0] == 'https://dl.example.org/horizon/25.0.0.tgz'
    assert '<title>Hibiscus series - Example releases</title>' in page
    (data.root / 'data' / 'site.yaml').write_text('tarbal-url: x\n')
    with pytest.raises(UsageError, match="unknown setting 'tarbal-url'"):
        build_site(data.root, tmp_path / 'out', 1)


def test_importing_releasetools_does_not_import_sphinx() -> None:
    code = ('import sys, releasetools.cli, releasetools.site; '
            'print(sorted(m for m in sys.modules if m.split(".")[0] in ("sphinx", "docutils")))')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == '[]'


@pytest.mark.skipif(not (SAMPLE / 'data' / 'series_status.yaml').is_file(),
                    reason=f'the upstream data sample is not at {SAMPLE}')
def test_upstream_sample(tmp_path: Path) -> None:
    result = build_site(SAMPLE, tmp_path / 'out', 2)
    assert result.warnings == ()
    assert broken_links(result.html) == []
    export = json.loads(read(result.html, 'releases.json'))
    files, _ = list_deliverable_files(SAMPLE)
    expected = set()
    for rel in files:
        d = load_deliverable_file(SAMPLE, rel).deliverable
        assert d is not None
        expected |= {(d.series, d.name, r.version) for r in d.releases if r.version}
    assert {(d['series'], d['name'], r['version']) for d in export['deliverables'] for r in d['releases']} == expected
    assert len(expected) > 1000
    series = re.findall(r'<td><a href="series/([^"]+)\.html">', read(result.html, 'index.html'))
    assert series[:4] == ['hibiscus', 'indri', 'gazpacho', 'flamingo']
    assert len(series) == len(set(series))
    # A next phase without a date (caracal's end of life) says no "from".
    assert '<td>2024.1</td><td>unmaintained</td><td>2024-04-03</td><td>end of life</td>' in read(result.html,
                                                                                                 'index.html')
