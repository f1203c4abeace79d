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
    assert out.getvalue().startswith(f'{data.root / ".releasetools" / "site" / "html" / "index.html"} (')


def test_default_output_leaves_git_status_clean(tmp_path: Path) -> None:
    """The default output is in a folder that ignores itself: nothing to commit, nothing to add to .gitignore."""
    data = write_small_tree(tmp_path / 'data')
    data.init_git()
    data.commit()
    assert data.git('status', '--porcelain') == ''
    assert main(['site', '--root', str(data.root)], out=io.StringIO()) == 0
    assert (data.root / '.releasetools' / 'site' / 'html' / 'index.html').is_file()
    assert data.git('status', '--porcelain', '--untracked-files=all') == ''
    assert main(['site', '--root', str(data.root)], out=io.StringIO()) == 0  # a second build: still clean
    assert data.git('status', '--porcelain', '--untracked-files=all') == ''


@pytest.mark.parametrize('bound', [False, True])
def test_a_failing_handler_is_named_not_shown_as_an_address(bound: bool) -> None:
    """Sphinx puts the handler's repr (``<function on_x at 0x7f...>``) in its message: the name is what helps."""
    from types import SimpleNamespace

    from sphinx.errors import ExtensionError
    from sphinx.events import EventManager

    from releasetools.site.build import readable

    class Extension:
        def on_inited(self, app: object) -> None:
            raise ValueError('boom')

    def on_inited(app: object) -> None:
        raise ValueError('boom')

    events = EventManager(SimpleNamespace(pdb=False))  # type: ignore[arg-type]
    events.connect('builder-inited', Extension().on_inited if bound else on_inited, 500)
    with pytest.raises(ExtensionError) as caught:
        events.emit('builder-inited')
    assert ' at 0x' in str(caught.value)  # what Sphinx says
    message = readable(caught.value)
    assert ' at 0x' not in message and '<' not in message
    name = 'Extension.on_inited' if bound else 'on_inited'
    assert message == f"Handler {name} for event 'builder-inited' threw an exception (exception: boom)"


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
