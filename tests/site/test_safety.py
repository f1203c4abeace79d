"""The site publishes contributor text as text: no raw HTML, no local files, no live javascript: links.

The hostile tree is built *without* validate (which rejects it: see
tests/rules/test_text.py), as a request that slipped past the gate would be.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from releasetools.core.errors import UsageError
from releasetools.core.textsafety import link_scheme, safe_link
from releasetools.site import BuildResult, build_site
from releasetools.site.data import SiteConfig, SiteDeliverable, SiteRelease, load_site_config
from releasetools.site.render import release_links
from tests.site.hostile import (
    HIGHLIGHTS_DOC,
    PASSWD_MARKER,
    SCRIPT_MARKER,
    SECRET_MARKER,
    TITLE_MARKER,
    write_hostile_tree,
)
from tests.site.sitedata import write_small_tree
from tests.site.test_browser import _run

ATOM = '{http://www.w3.org/2005/Atom}'


@pytest.fixture(scope='module')
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildResult, dict[str, int]]:
    tmp = tmp_path_factory.mktemp('hostile')
    data, lines = write_hostile_tree(tmp / 'data', tmp / 'out')
    return build_site(data.root, tmp / 'out', 1), lines


@pytest.fixture(scope='module')
def hostile(built: tuple[BuildResult, dict[str, int]]) -> BuildResult:
    return built[0]


class _Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.scripts: list[str] = []
        self._script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get('href') is not None:
            self.hrefs.append(values['href'] or '')
        if values.get('src') is not None:
            self.srcs.append(values['src'] or '')
        self._script = tag == 'script'

    def handle_data(self, data: str) -> None:
        if self._script:
            self.scripts.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._script = False


def _published(html: Path) -> dict[str, str]:
    return {str(p.relative_to(html)): p.read_text(encoding='utf-8', errors='replace')
            for p in html.rglob('*') if p.is_file()}


def test_no_script_no_file_no_javascript_href_anywhere(hostile: BuildResult) -> None:
    published = _published(hostile.html)
    assert f'{HIGHLIGHTS_DOC}.html' in published
    for name, text in published.items():
        assert SECRET_MARKER not in text, name
        assert PASSWD_MARKER not in text, name
        if name.endswith('.html'):
            assert SCRIPT_MARKER not in text, name
            parser = _Hrefs()
            parser.feed(text)
            bad = [h for h in parser.hrefs + parser.srcs if not safe_link(h)]
            assert bad == [], name
            assert not any(SCRIPT_MARKER in s for s in parser.scripts), name
    team_pages = [name for name, text in published.items() if name.startswith('team/evil')]
    assert team_pages, sorted(published)
    for name in team_pages:
        assert f'<title>{TITLE_MARKER}' not in published[name]
        assert f'Team evil .. title:: {TITLE_MARKER}</h1>' in published[name]
    # Nothing copied next to the pages from the build machine (Sphinx copies images and downloads).
    assert not (hostile.html / '_images').exists()
    assert not (hostile.html / '_downloads').exists()


def test_harmless_parts_of_the_same_highlights_are_kept(hostile: BuildResult) -> None:
    page = (hostile.html / f'{HIGHLIGHTS_DOC}.html').read_text()
    assert '<p>Nova boots faster.</p>' in page
    assert '<a class="reference external" href="https://docs.example.org/nova">docs</a>' in page
    # The javascript: link keeps its text, as text.
    assert 'Click <span class="rt-unsafe-link">x</span> here' in page


def test_the_build_warns_at_the_data_file_and_line(built: tuple[BuildResult, dict[str, int]]) -> None:
    result, lines = built
    text = '\n'.join(result.warnings)
    assert f'deliverables/hibiscus/nova.yaml:{lines["raw"]}: WARNING: "raw" directive disabled' in text
    assert f'deliverables/hibiscus/nova.yaml:{lines["include"]}: WARNING: "include" directive disabled' in text


def test_javascript_release_notes_are_text(hostile: BuildResult) -> None:
    page = (hostile.html / 'series' / 'hibiscus.html').read_text()
    assert '<span class="rt-unsafe-link">release notes</span>' in page
    assert 'javascript:' not in page
    feed = (hostile.html / 'atom.xml').read_text()
    assert 'javascript:' not in feed


@pytest.mark.parametrize(('url', 'safe'), [
    ('https://docs.example.org/x', True), ('HTTP://x', True), ('mailto:a@example.org', True),
    ('../team/nova.html', True), ('#d-nova', True), ('//cdn.example.org/x', True), ('a/b:c', True),
    ('javascript:alert(1)', False), ('JavaScript:alert(1)', False), (' javascript:alert(1)', False),
    ('java\tscript:alert(1)', False), ('java\nscript:x', False), ('\x01javascript:x', False),
    ('data:text/html,<script>x</script>', False), ('vbscript:x', False), ('file:///etc/passwd', False),
    ('https://x/\x00y', False), ('https://x/\x00', True),
])
def test_safe_link_reads_urls_as_a_browser_does(url: str, safe: bool) -> None:
    assert safe_link(url) is safe, (url, link_scheme(url))


def _dump_dom(chromium: str, profile: Path, url: str) -> str:
    return _run(chromium, profile, '--dump-dom', url)


def test_no_injected_script_runs_in_a_browser(chromium: str, hostile: BuildResult, tmp_path: Path) -> None:
    # The same script on a page of its own does run: the check below can see it when it happens.
    payload = (f"<script>document.title='{SCRIPT_MARKER}';document.body.insertAdjacentHTML('beforeend',"
               f"'<p id=\"{SCRIPT_MARKER}\">x</p>')</script>")
    control = tmp_path / 'control.html'
    control.write_text(f'<!DOCTYPE html><html><head><title>t</title></head><body>{payload}</body></html>')
    ran = _dump_dom(chromium, tmp_path / 'p0', control.as_uri())
    assert f'<title>{SCRIPT_MARKER}</title>' in ran and f'id="{SCRIPT_MARKER}"' in ran

    dom = _dump_dom(chromium, tmp_path / 'p1', (hostile.html / f'{HIGHLIGHTS_DOC}.html').as_uri())
    assert '<title>Hibiscus series highlights' in dom
    assert SCRIPT_MARKER not in dom
    parser = _Hrefs()
    parser.feed(dom)
    assert [h for h in parser.hrefs if not safe_link(h)] == []


# -- data/site.yaml link templates ------------------------------------------


@pytest.mark.parametrize('template', [
    'https://x/{hash.__class__}', 'https://x/{repo[0]}', 'https://x/{0}', 'https://x/{}', 'https://x/{hash!r}',
    'https://x/{hash:>99999}', 'https://x/{secret}', 'https://x/{repo', 'https://x/{repo.__init__.__globals__}',
    'javascript:alert({hash})', ' JavaScript:{hash}', '{name}:{version}',
])
def test_site_yaml_templates_take_only_named_placeholders(tmp_path: Path, template: str) -> None:
    (tmp_path / 'data').mkdir()
    (tmp_path / 'data' / 'site.yaml').write_text(f'commit-url: "{template}"\n')
    with pytest.raises(UsageError, match='commit-url'):
        load_site_config(tmp_path)


def test_site_yaml_base_url_is_an_http_url(tmp_path: Path) -> None:
    (tmp_path / 'data').mkdir()
    (tmp_path / 'data' / 'site.yaml').write_text('title: x\nbase-url: "javascript:alert(1)//"\n')
    with pytest.raises(UsageError, match=r"site.yaml:2: base-url 'javascript:alert\(1\)//' is not an http"):
        load_site_config(tmp_path)


def test_a_template_set_in_conf_py_is_checked_when_rendering_too() -> None:
    bad = SiteConfig(commit_url='https://x/{hash.__class__.__mro__}')
    d = SiteDeliverable('nova', 'hibiscus', 'deliverables/hibiscus/nova.yaml', 'nova', 'service', 'cycle-with-rc')
    r = SiteRelease('1.0.0', (('openstack/nova', 'a' * 40, None),))
    with pytest.raises(UsageError, match=r'\{hash\.__class__\.__mro__\} in'):
        release_links(bad, d, r)


def test_a_bad_template_in_conf_py_stops_the_build(tmp_path: Path) -> None:
    from sphinx.application import Sphinx
    from sphinx.errors import ConfigError
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    data = write_small_tree(tmp_path / 'data')
    src = tmp_path / 'src'
    src.mkdir()
    (src / 'conf.py').write_text(f"extensions = ['releasetools.site.ext']\nreleasetools_root = {str(data.root)!r}\n"
                                 "releasetools_commit_url = 'https://x/{hash.__init__.__globals__}'\n")
    with patch_docutils(None), docutils_namespace(), pytest.raises(ConfigError, match='releasetools_commit_url'):
        Sphinx(str(src), str(src), str(tmp_path / 'html'), str(tmp_path / 'dt'), 'html', status=None,
               warning=None).build()


def test_ampersand_in_a_template_is_escaped_once_in_the_feed(tmp_path: Path) -> None:
    data = write_small_tree(tmp_path / 'data')
    (data.root / 'data' / 'site.yaml').write_text(
        'commit-url: "https://git.example.org/cgit?p={repo}&id={hash}"\n'
        'base-url: "https://releases.example.org/?a=1&b=2"\n')
    result = build_site(data.root, tmp_path / 'out', 1)
    feed = ET.parse(result.html / 'atom.xml').getroot()
    entry = next(e for e in feed.findall(f'{ATOM}entry') if (e.findtext(f'{ATOM}title') or '').startswith('horizon'))
    content = entry.findtext(f'{ATOM}content') or ''
    # The content is HTML: the & of the URL is &amp; in it, once (not &amp;amp;).
    assert 'href="https://git.example.org/cgit?p=openstack/horizon&amp;id=' in content
    assert '&amp;amp;' not in content
    links = _Hrefs()
    links.feed(content)
    assert any(h.startswith('https://git.example.org/cgit?p=openstack/horizon&id=') for h in links.hrefs)
    self_link = feed.find(f'{ATOM}link')
    assert self_link is not None and self_link.get('href') == 'https://releases.example.org/?a=1&b=2/atom.xml'
    page = (result.html / 'series' / 'hibiscus.html').read_text()
    assert 'cgit?p=openstack/horizon&amp;id=' in page and '&amp;amp;' not in page
