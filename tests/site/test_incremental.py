"""Rebuilds: exactly the pages that show a changed deliverable are rebuilt, and none is left stale."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from releasetools.site import build_site
from releasetools.testing.synth import SynthSpec, series_names, write_tree

SPEC = SynthSpec(series=4, deliverables=10, independent=4)
SERIES = series_names(SPEC.series)[1]  # no cycle-highlights in this one
ATOM = '{http://www.w3.org/2005/Atom}'


def _mtimes(html: Path) -> dict[str, int]:
    return {p.relative_to(html).as_posix(): p.stat().st_mtime_ns for p in html.rglob('*.html')}


def _changed(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def _containing(html: Path, text: str) -> set[str]:
    return {p.relative_to(html).as_posix() for p in html.rglob('*.html') if text in p.read_text()}


@pytest.fixture(params=[1, 2], ids=['serial', 'parallel'])
def tree(tmp_path: Path, request: pytest.FixtureRequest) -> tuple[Path, Path]:
    """A built site; with 2 jobs the dependencies come from parallel readers, merged."""
    root, out = tmp_path / 'data', tmp_path / 'out'
    write_tree(root, SPEC)
    first = build_site(root, out, request.param)
    assert first.warnings == ()
    assert len(first.rebuilt) == first.pages
    return root, out


def test_one_release_rebuilds_only_the_pages_showing_it(tree: tuple[Path, Path]) -> None:
    root, out = tree
    html = out / 'html'
    before = _mtimes(html)
    path = root / 'deliverables' / SERIES / 'deliv0007.yaml'
    path.write_text(path.read_text().replace(
        'branches:\n', f'  - version: 99.0.0\n    projects:\n      - repo: example/deliv0007\n'
                       f'        hash: {"ab" * 20}\nbranches:\n', 1))

    result = build_site(root, out, 1)

    shown = {f'series/{SERIES}', 'deliverable/deliv0007', 'team/team07'}
    assert result.warnings == ()
    assert set(result.rebuilt) == shown
    assert result.sources_written == ()
    assert _changed(before, _mtimes(html)) == {f'{doc}.html' for doc in shown}
    # None stale: every page that shows the deliverable's versions has the new one.
    assert _containing(html, '99.0.0') == {f'{doc}.html' for doc in shown}
    assert _containing(html, '/deliv0007-99.0.0.tar.gz') == {f'series/{SERIES}.html', 'deliverable/deliv0007.html'}
    export = json.loads((html / 'releases.json').read_text())
    entry = next(d for d in export['deliverables'] if d['name'] == 'deliv0007' and d['series'] == SERIES)
    assert entry['releases'][-1]['version'] == '99.0.0'
    feed = ET.parse(html / 'atom.xml').getroot()
    assert feed.find(f'{ATOM}entry').findtext(f'{ATOM}title') == f'deliv0007 99.0.0 ({SERIES})'  # type: ignore[union-attr]

    again = build_site(root, out, 1)
    assert again.rebuilt == ()
    assert _changed(before, _mtimes(html)) == {f'{doc}.html' for doc in shown}


def test_moving_a_deliverable_to_another_team(tree: tuple[Path, Path]) -> None:
    root, out = tree
    path = root / 'deliverables' / SERIES / 'deliv0007.yaml'
    path.write_text(path.read_text().replace('team: team07', 'team: team03'))

    result = build_site(root, out, 1)

    assert set(result.rebuilt) == {f'series/{SERIES}', 'deliverable/deliv0007', 'team/team07', 'team/team03',
                                   'teams'}
    assert set(result.sources_written) == {'team/team07', 'team/team03', 'teams'}
    team03 = (out / 'html' / 'team' / 'team03.html').read_text()
    team07 = (out / 'html' / 'team' / 'team07.html').read_text()
    assert f'../series/{SERIES}.html">{SERIES}</a></td><td><a href="../deliverable/deliv0007.html"' in team03
    assert f'../series/{SERIES}.html">{SERIES}</a></td><td><a href="../deliverable/deliv0007.html"' not in team07


def test_a_new_deliverable_and_a_removed_one(tree: tuple[Path, Path]) -> None:
    root, out = tree
    sdir = root / 'deliverables' / SERIES
    (sdir / 'brand-new.yaml').write_text((sdir / 'deliv0005.yaml').read_text())
    (root / 'deliverables' / '_independent' / 'indep0003.yaml').unlink()

    result = build_site(root, out, 1)

    assert result.warnings == ()
    assert set(result.rebuilt) == {'index', f'series/{SERIES}', 'deliverable/brand-new', 'team/team05', 'teams',
                                   'deliverables', 'independent', 'team/team03'}
    html = out / 'html'
    assert (html / 'deliverable' / 'brand-new.html').is_file()
    assert not (html / 'deliverable' / 'indep0003.html').exists()
    assert not (out / '.cache' / 'source' / 'deliverable' / 'indep0003.rst').exists()
    assert 'indep0003' not in (html / 'independent.html').read_text()


def test_new_code_renders_every_page_again(tree: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    root, out = tree
    assert build_site(root, out, 1).rebuilt == ()
    monkeypatch.setattr('releasetools.site.ext.code_digest', lambda: 'another-releasetools')
    result = build_site(root, out, 1)
    assert len(result.rebuilt) == result.pages
