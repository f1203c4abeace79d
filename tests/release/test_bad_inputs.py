"""Options naming a service or an input file are checked when the job starts: exit 2, nothing public.

Before, a bad ``--index-url`` was a ValueError traceback in the preflight, and a broken ``--template``
was found by the announce step, after the tag was pushed and the files uploaded.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from releasetools.cli import main
from tests.release.servers import Index, Mailer
from tests.release.test_job import Run


@pytest.mark.parametrize(('extra', 'message'), [
    (['--index-url', 'notaurl'], "--index-url 'notaurl' is not an http(s) URL with a host"),
    (['--index-url', 'ftp://files.example.invalid/'],
     "--index-url 'ftp://files.example.invalid/' is not an http(s) URL"),
    (['--index-url', 'http://bot:Pw-in-url-9@[::1/'], "--index-url 'http://***@[::1/' is not a valid URL"),
    (['--index-url', 'http://127.0.0.1:port/'], "--index-url 'http://127.0.0.1:port/' is not a valid URL"),
    (['--index-simple-url', 'http://[::1/simple/'], "--index-simple-url 'http://[::1/simple/' is not a valid URL"),
    (['--smtp', '127.0.0.1:x'], "--smtp '127.0.0.1:x' is not HOST:PORT"),
    (['--smtp', '127.0.0.1:99999'], "--smtp '127.0.0.1:99999' is not HOST:PORT"),
    (['--wait', '-1'], '--wait must be a number of seconds, 0 or more, not -1.0'),
    (['--wait', 'nan'], '--wait must be a number of seconds, 0 or more, not nan'),
    (['--remotes', 'http://ci:Tok-in-url-9@[::1/{repo}'], "--repos 'http://***@[::1/{repo}' is not a valid URL"),
    (['--remotes', 'http://ci:Tok-in-url-9@git.example.invalid/'], "--repos 'http://***@git.example.invalid/' "
                                                                     'does not contain {repo}'),
])
@pytest.mark.parametrize('dry', [True, False], ids=['dry-run', 'run'])
def test_bad_service_option(world: Run, capsys: pytest.CaptureFixture[str], extra: list[str], message: str,
                            dry: bool) -> None:
    args = world.args(*(['--dry-run'] if dry else []))
    if extra[0] in args:  # --remotes is in the base arguments: replace its value
        args[args.index(extra[0]) + 1] = extra[1]
    else:
        args += extra
    code = main(args)
    err = capsys.readouterr().err
    assert code == 2, err
    assert 'Traceback' not in err
    assert err.splitlines()[0].startswith(f'releasetools: error: {message}'), err
    assert 'Pw-in-url-9' not in err and 'Tok-in-url-9' not in err
    assert world.project.remote_tags() == {}


@pytest.mark.parametrize(('content', 'message'), [
    (b'{{ version }', ':1: the announcement template is not valid Jinja2'),
    (b'Hello\n{% for x in y %}\n', ':2: the announcement template is not valid Jinja2'),
    (b'\xff\xfe{{ version }}', ': the announcement template is not UTF-8 text'),
    (None, ': cannot read the announcement template: No such file or directory'),
    ('dir', ': cannot read the announcement template: Is a directory'),
])
def test_broken_template_stops_the_job_before_the_tag(world: Run, index: Index, mailer: Mailer,  # noqa: PLR0917
                                                      credentials: None, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str],
                                                      content: bytes | str | None, message: str) -> None:
    template = tmp_path / 'announce.j2'
    if content == 'dir':
        template.mkdir()
    elif isinstance(content, bytes):
        template.write_bytes(content)
    code, out = world('--template', str(template), index=index, mailer=mailer)
    err = capsys.readouterr().err
    assert code == 2, out + err
    assert err.splitlines()[0].startswith(f'releasetools: error: {template}{message}'), err
    # Nothing public: before, the tag was pushed and the files uploaded, and the announce step failed.
    assert world.project.remote_tags() == {}
    assert index.files() == []
    assert mailer.messages == []


def test_a_good_template_is_used(world: Run, mailer: Mailer, tmp_path: Path) -> None:
    template = tmp_path / 'announce.j2'
    template.write_text('{{ deliverable }} {{ version }} is out.\n')
    code, out = world('--template', str(template), mailer=mailer)
    assert code == 0, out
    assert b'widget 1.0.0 is out.' in mailer.messages[0]


@pytest.mark.parametrize(('content', 'message'), [
    (b'\xff\xfe{}', "cannot read {path}: 'utf-8' codec can't decode"),
    (b'[]', '{path}: expected a JSON object'),
])
def test_an_unreadable_review_file_is_an_error_without_team_data(world: Run, tmp_path: Path, content: bytes,
                                                                 message: str,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    # No data/teams.yaml and no --teams: the gate does not decide, but a --review file the user gave
    # must not be silently ignored.
    review = tmp_path / 'review.json'
    review.write_bytes(content)
    code = main(world.args('--dry-run', '--review', str(review)))
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.splitlines()[0].startswith('releasetools: error: ' + message.format(path=review)), err
