"""Preflight: before the first public action, every service the job will need answers and accepts it.

A wrong index password, a dead mail server, a signing key that cannot sign or
a remote that refuses pushes would otherwise be found after a tag is public.
Each check acts without publishing anything:

- the index: an authenticated upload request that carries no file. The
  index checks the credentials before the form, so a refused login is
  answered 401/403 and accepted credentials 400 "no file" (measured on
  pypiserver 2.4: 400, 403 for a wrong password or user, 401 without
  credentials; PyPI's upload API checks authentication first as well);
- the mail server: EHLO, NOOP, QUIT; no mail;
- the signing key: gpg signs a small temporary file with it;
- each remote: ``git push --dry-run`` of the tag ref. This asks the remote's
  receive-pack (so push access over https/ssh is checked) but sends no
  commands: a server-side hook (pre-receive, update) does not run on a dry
  run and cannot be checked here; such a refusal comes at the real push,
  which is still before anything else public.

Checks are values (:class:`Check`); the job decides what a failure means
(a real run stops before its first tag, a dry run reports every result).
"""

from __future__ import annotations

import smtplib
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import GitError
from ..core.redact import basic_authorization, redact
from ..git import process
from ..git.repo import run_git

__all__ = ['TIMEOUT', 'Check', 'Needs', 'check_index', 'check_push', 'check_signing', 'check_smtp', 'run_checks']

#: Seconds a preflight check waits for a server; a service this slow would fail the release anyway.
TIMEOUT = 15.0


@dataclass(frozen=True)
class Check:
    """One preflight result: which service, what was checked, passed or not, and why."""

    name: str  # index, smtp, signing, push
    target: str  # what was checked (credentials redacted)
    ok: bool
    detail: str


@dataclass(frozen=True)
class Push:
    """A tag the job will push: checked with ``git push --dry-run`` from the repository's workspace."""

    repo: str
    workspace: Path
    remote: str
    version: str
    sha: str
    auth: dict[str, str] = field(default_factory=dict)  # the remote's credentials, as git environment


@dataclass
class Needs:
    """What the pending steps of a run will use; only these are checked."""

    index_url: str | None = None
    index_user: str | None = None
    index_password: str | None = None
    simple_url: str | None = None  # an --index-simple-url of its own (the default one is on the upload URL's server)
    smtp: str | None = None
    signing_key: str | None = None
    signing_env: dict[str, str] = field(default_factory=dict)
    pushes: list[Push] = field(default_factory=list)


def _form(fields: dict[str, str], boundary: str) -> bytes:
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items()]
    return (''.join(parts) + f'--{boundary}--\r\n').encode()


def _status(request: urllib.request.Request, user: str | None, password: str | None,
            timeout: float) -> int | str:
    """The HTTP status the request is answered with (authenticated when both are given), or why none came."""
    if user is not None and password is not None:
        request.add_header('Authorization', basic_authorization(user, password))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError) as exc:
        return str(getattr(exc, 'reason', exc))


def check_index(url: str, user: str | None, password: str | None, timeout: float = TIMEOUT) -> Check:
    """Does the index's upload endpoint answer, and accept these credentials? Uploads nothing."""
    boundary = 'releasetools-preflight'
    request = urllib.request.Request(url, data=_form({':action': 'file_upload', 'protocol_version': '1'}, boundary),
                                     method='POST')
    request.add_header('Content-Type', f'multipart/form-data; boundary={boundary}')
    target = redact(url, [password])
    code = _status(request, user, password, timeout)
    if isinstance(code, str):
        return Check('index', target, False, f'cannot reach the index at {target}: {code}')
    if code == 401:
        why = 'no credentials are configured' if user is None or password is None else 'it refused them'
        return Check('index', target, False, f'the index at {target} wants credentials (401): {why}')
    if code == 403:
        return Check('index', target, False, f'the index at {target} refused the credentials of user {user!r} '
                     '(403)')
    if code == 400 or 200 <= code < 300:
        return Check('index', target, True, f'credentials accepted (an upload without a file was answered {code})')
    return Check('index', target, False, f'the index at {target} answered {code} to an upload request: '
                 'is this its upload URL?')


def check_simple(url: str, user: str | None, password: str | None, timeout: float = TIMEOUT) -> Check:
    """Does the index's simple API answer a read (with the credentials)? The job reads it before uploading."""
    target = redact(url, [password])
    code = _status(urllib.request.Request(url, method='GET'), user, password, timeout)
    if isinstance(code, str):
        return Check('simple', target, False, f'cannot reach the simple API at {target}: {code}')
    if code in (401, 403):
        return Check('simple', target, False, f'the simple API at {target} refuses to be read ({code})')
    if 200 <= code < 300 or code == 404:  # 404: an empty index may have no page at its root
        return Check('simple', target, True, f'answers ({code})')
    return Check('simple', target, False, f'the simple API at {target} answered {code}')


def check_smtp(server: str, timeout: float = TIMEOUT) -> Check:
    """Does the mail server answer EHLO and NOOP? Sends no mail."""
    host, _, port = server.rpartition(':') if ':' in server else (server, '', '25')
    try:
        with smtplib.SMTP(host, int(port), timeout=timeout) as smtp:
            smtp.ehlo()
            code, text = smtp.noop()
    except (OSError, ValueError, smtplib.SMTPException) as exc:
        return Check('smtp', server, False, f'the mail server {server} does not answer: {exc}')
    if code != 250:
        return Check('smtp', server, False, f'the mail server {server} answered NOOP with {code} '
                     f'{text.decode("utf-8", "replace")}')
    return Check('smtp', server, True, 'answers EHLO and NOOP')


def check_signing(key: str, env: dict[str, str], timeout: float = TIMEOUT) -> Check:
    """Can gpg sign with ``key`` (in ``env``'s GNUPGHOME)? Signs a small temporary file."""
    with tempfile.TemporaryDirectory(prefix='releasetools-preflight-') as tmp:
        data = Path(tmp) / 'preflight.txt'
        data.write_text('releasetools preflight: can this key sign?\n')
        try:
            proc = process.run(['gpg', '--batch', '--yes', '--local-user', key, '--detach-sign', '--output',
                                str(data) + '.sig', str(data)], tmp, env=env, timeout=timeout)
        except process.CannotStart:
            return Check('signing', key, False, 'gpg is not installed')
        except process.TimedOut:
            return Check('signing', key, False, f'gpg did not sign within {timeout:.0f}s (a passphrase prompt?)')
        if proc.returncode != 0 or not Path(str(data) + '.sig').exists():
            said = proc.stderr.decode('utf-8', 'replace').strip().splitlines()
            tail = ' '.join(said[-2:]) or f'exit status {proc.returncode}'
            return Check('signing', key, False, f'gpg cannot sign with key {key}: {tail}')
    return Check('signing', key, True, 'signs')


def check_push(push: Push) -> Check:
    """Would the remote accept the tag? ``git push --dry-run`` of the tag ref, nothing sent."""
    target = f'{push.repo} {push.version}'
    try:
        proc = run_git(['push', '--dry-run', '--porcelain', 'origin', f'{push.sha}:refs/tags/{push.version}'],
                       push.workspace, check=False, env=push.auth)
    except GitError as exc:
        return Check('push', target, False, exc.message)
    if proc.returncode != 0:
        said = (proc.stderr + proc.stdout).decode('utf-8', 'replace').strip().splitlines()
        why = ' '.join(line.strip() for line in said if line.strip() and not line.startswith('To '))[-300:]
        return Check('push', target, False, redact(f'{push.remote} refuses a push of tag {push.version}: '
                                                   f'{why or f"exit status {proc.returncode}"}'))
    return Check('push', target, True, f'{redact(push.remote)} accepts a push of the tag (dry run)')


def run_checks(needs: Needs) -> list[Check]:
    """Every check the pending steps need, in a fixed order: index, smtp, signing, then each push."""
    checks = []
    if needs.index_url:
        checks.append(check_index(needs.index_url, needs.index_user, needs.index_password))
    if needs.simple_url:
        checks.append(check_simple(needs.simple_url, needs.index_user, needs.index_password))
    if needs.smtp:
        checks.append(check_smtp(needs.smtp))
    if needs.signing_key:
        checks.append(check_signing(needs.signing_key, needs.signing_env))
    checks += [check_push(p) for p in needs.pushes]
    return checks


def key_fingerprints(key: str, env: dict[str, str]) -> set[str]:
    """Fingerprints (primary and subkeys) of the keys gpg finds for ``key``; empty when none."""
    try:
        proc = process.run(['gpg', '--batch', '--with-colons', '--list-keys', key], None, env=env, timeout=TIMEOUT)
    except (process.CannotStart, process.TimedOut):
        return set()
    return {line.split(':')[9] for line in proc.stdout.decode('utf-8', 'replace').splitlines()
            if line.startswith('fpr:')}
