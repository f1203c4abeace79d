"""The built-in demo runs the whole pipeline, twice in the same directory."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest

from releasetools.cli import main


def run(directory: Path) -> str:
    out = io.StringIO()
    assert main(['demo', '--dir', str(directory)], out=out) == 0, out.getvalue()
    return out.getvalue()


def test_demo_twice(tmp_path: Path) -> None:
    directory = tmp_path / 'demo'
    for _ in range(2):
        text = run(directory)
        assert '[7/7] the releases website is rebuilt' in text
        assert 'release: 7 done' in text
        site = directory / 'site' / 'html' / 'index.html'
        assert f'releases website : {site}' in text
        assert 'alpha' in (directory / 'site' / 'html' / 'releases.json').read_text()
        mails = sorted((directory / 'mail').iterdir())
        assert [m.name for m in mails] == ['message-1.eml']
        assert 'Subject: [release] alpha 1.2.0 (oak)' in mails[0].read_text()
        assert sorted(p.name for p in (directory / 'index' / 'packages').iterdir()) == [
            'alpha-1.2.0-py3-none-any.whl', 'alpha-1.2.0.tar.gz']
        tags = subprocess.run(['git', 'tag'], cwd=directory / 'git' / 'demo' / 'alpha', capture_output=True,
                              text=True, check=True).stdout.split()
        assert tags == ['1.0.0', '1.1.0', '1.2.0']
        log = subprocess.run(['git', 'log', '--format=%s'], cwd=directory / 'releases', capture_output=True,
                             text=True, check=True).stdout.splitlines()
        assert log == ['Release alpha 1.2.0', 'The release data so far']


def test_demo_refuses_a_directory_it_did_not_make(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A run empties its sandbox's git/, site/, cache/ ... first: `demo --dir ~/src` used to delete ~/src/git.
    directory = tmp_path / 'src'
    (directory / 'git').mkdir(parents=True)
    (directory / 'git' / 'precious.txt').write_text('keep me\n')
    (directory / 'site').mkdir()
    assert main(['demo', '--dir', str(directory)]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[0] == (f'releasetools: error: {directory}: not empty, and not a sandbox of an earlier '
                                   'demo run; nothing was deleted'), err
    assert (directory / 'git' / 'precious.txt').read_text() == 'keep me\n'
    assert sorted(p.name for p in directory.iterdir()) == ['git', 'site']
