"""``releasetools site``: the command around build_site."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from releasetools.cli import main
from tests.site.sitedata import write_small_tree


def test_site_command_builds_and_says_where(tmp_path: Path) -> None:
    data = write_small_tree(tmp_path / 'data')
    out = io.StringIO()
    assert main(['site', '--root', str(data.root), '--output', str(tmp_path / 'out'), '--jobs', '2'], out=out) == 0
    index = tmp_path / 'out' / 'html' / 'index.html'
    assert out.getvalue().startswith(f'{index} (17 pages, 17 rebuilt, ')
    assert index.is_file()


def test_default_output_is_under_the_root(tmp_path: Path) -> None:
    data = write_small_tree(tmp_path / 'data')
    out = io.StringIO()
    assert main(['site', '--root', str(data.root)], out=out) == 0
    assert out.getvalue().startswith(f'{data.root / "site" / "html" / "index.html"} (')


def test_broken_file_is_left_out_with_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_small_tree(tmp_path / 'data')
    data.write_bytes('deliverables/hibiscus/broken.yaml', b'team: [unclosed\n')
    assert main(['site', '--root', str(data.root), '--output', str(tmp_path / 'out')], out=io.StringIO()) == 1
    err = capsys.readouterr().err
    assert 'WARNING: left out of the site: deliverables/hibiscus/broken.yaml:' in err
    assert not (tmp_path / 'out' / 'html' / 'deliverable' / 'broken.html').exists()


def test_not_a_data_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(['site', '--root', str(tmp_path)], out=io.StringIO()) == 2
    err = capsys.readouterr().err
    assert err == (f'releasetools: error: {tmp_path} has no data/series_status.yaml: it is not a release data '
                   'repository\n    hint: pass --root with the top of a data repository\n')
