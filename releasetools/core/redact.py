"""Credentials never leave the process: URL user-info split off, and redacted wherever text is shown.

A password may arrive inside a URL (``--index-url http://user:PW@host/``, a
``--remotes`` template). The release job takes it out of the URL before using
it (:func:`split_userinfo`), and every text the job shows or stores (the plan,
step results, errors, the ledger, notes, mail) goes through :func:`redact`,
which masks the user-info of any URL in it and any secret it was told about.
"""

from __future__ import annotations

import base64
import re
import urllib.parse
from collections.abc import Iterable

__all__ = ['MASK', 'redact', 'redact_url', 'remote_auth', 'split_userinfo']

MASK = '***'

# scheme://userinfo@ : the user-info is everything up to the last '@' before the host part ends.
_USERINFO = re.compile(r'(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/?#\s@]*@)')


#: Schemes whose user-info without a password is a login name (``ssh://git@host``), not a token.
_LOGIN_SCHEMES = frozenset({'ssh://', 'git+ssh://', 'ssh+git://'})


def _mask(m: re.Match[str]) -> str:
    scheme, userinfo = m['scheme'], m['userinfo']
    if ':' not in userinfo and scheme.lower() in _LOGIN_SCHEMES:
        return m[0]
    return f'{scheme}{MASK}@'


def split_userinfo(url: str) -> tuple[str, str | None, str | None]:
    """``(url without user-info, user, password)``; user and password percent-decoded, None when absent.

    A text urllib cannot split (``http://[::1/``) comes back whole: whoever uses it reports it, redacted.
    """
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return url, None, None
    if '@' not in parts.netloc:
        return url, None, None
    userinfo, _, host = parts.netloc.rpartition('@')
    user, colon, password = userinfo.partition(':')
    clean = urllib.parse.urlunsplit(parts._replace(netloc=host))
    return (clean, urllib.parse.unquote(user) if user else None,
            urllib.parse.unquote(password) if colon else None)


def redact_url(url: str) -> str:
    """The URL with its user-info (if any) replaced by ``***``."""
    return redact(url)


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with every URL's user-info masked, and each of ``secrets`` (raw and percent-encoded) too."""
    text = _USERINFO.sub(_mask, text)
    # Longest first: a secret that contains another must be masked whole.
    for secret in sorted({s for s in secrets if s and len(s) >= 3}, key=len, reverse=True):
        for form in {secret, urllib.parse.quote(secret, safe=''), urllib.parse.quote(secret)}:
            text = text.replace(form, MASK)
    return text


def remote_auth(remote: str) -> tuple[str, dict[str, str]]:
    """``(remote without its password, git environment carrying it)`` for an http(s) remote with user-info.

    The password never reaches a file (the clone's config) or a command line: git gets it as an
    ``http.extraHeader`` through ``GIT_CONFIG_*`` variables of its own environment. Other remotes
    (paths, ``ssh://git@host``) are returned unchanged, with no environment.
    """
    if not remote.lower().startswith(('http://', 'https://')):
        return remote, {}
    clean, user, password = split_userinfo(remote)
    if user is None and password is None:
        return remote, {}
    return clean, {'GIT_CONFIG_COUNT': '1', 'GIT_CONFIG_KEY_0': 'http.extraHeader',
                   'GIT_CONFIG_VALUE_0': f'Authorization: {basic_authorization(user, password)}'}


def basic_authorization(user: str | None, password: str | None) -> str:
    """The value of an HTTP ``Authorization`` header for Basic authentication (RFC 7617)."""
    return 'Basic ' + base64.b64encode(f'{user or ""}:{password or ""}'.encode()).decode()
