"""One redaction for every text the release job shows or stores."""

from __future__ import annotations

import base64

import pytest

from releasetools.core.redact import redact, remote_auth, split_userinfo


@pytest.mark.parametrize(('url', 'expected'), [
    ('http://user:pw@host:8080/simple/', ('http://host:8080/simple/', 'user', 'pw')),
    ('https://tok%40en:p%3Ass@host/', ('https://host/', 'tok@en', 'p:ss')),
    ('https://__token__@upload.example/legacy/', ('https://upload.example/legacy/', '__token__', None)),
    ('https://user:@host/', ('https://host/', 'user', '')),
    ('http://127.0.0.1:3141/', ('http://127.0.0.1:3141/', None, None)),
])
def test_split_userinfo(url: str, expected: tuple[str, str | None, str | None]) -> None:
    assert split_userinfo(url) == expected


@pytest.mark.parametrize(('text', 'expected'), [
    ('upload to http://user:s3cret@host/ failed', 'upload to http://***@host/ failed'),
    ('git push https://ghp_T0KEN@github.com/a/b', 'git push https://***@github.com/a/b'),
    ("'https://u:p%40ss@h/x' and http://v:w@i/", "'https://***@h/x' and http://***@i/"),
    ('ssh://git@review.example:29418/a/b', 'ssh://git@review.example:29418/a/b'),  # a login name
    ('ssh://git:pw@review.example/a/b', 'ssh://***@review.example/a/b'),
    ('mail release@example.org', 'mail release@example.org'),
    ('http://host/path@v1', 'http://host/path@v1'),  # an @ after the host is no user-info
])
def test_redact_urls(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_redact_named_secrets_raw_and_encoded() -> None:
    text = 'twine said: bad password p@ss/word (p%40ss%2Fword), user bob'
    assert redact(text, ['p@ss/word', None]) == 'twine said: bad password *** (***), user bob'


def test_remote_auth_moves_the_password_out_of_the_url() -> None:
    url, env = remote_auth('https://bot:p%40ss@git.example.org/demo/widget')
    assert url == 'https://git.example.org/demo/widget'
    assert env['GIT_CONFIG_KEY_0'] == 'http.extraHeader'
    assert env['GIT_CONFIG_VALUE_0'] == 'Authorization: Basic ' + base64.b64encode(b'bot:p@ss').decode()
    assert remote_auth('ssh://git@host/x') == ('ssh://git@host/x', {})
    assert remote_auth('/srv/git/x') == ('/srv/git/x', {})
