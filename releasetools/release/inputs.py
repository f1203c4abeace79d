"""The release job's options that name a service or a file, checked before the job touches anything.

An index URL that is not an http(s) URL, a mail server whose port is not a
number, an announcement template that cannot be read or parsed, a negative
``--wait``: each is a one-line error when the job starts (exit 2, nothing
done), not a traceback in the preflight or a failure of the announce step
after the tag is public.
"""

from __future__ import annotations

import math
import urllib.parse
from pathlib import Path

import jinja2

from ..core.errors import ReleaseToolsError
from ..core.redact import redact
from .options import ReleaseOptions

__all__ = ['check_inputs', 'check_smtp', 'check_template', 'check_url']


def check_url(url: str, what: str) -> None:
    """``url`` is ``http(s)://host[:port]/...``."""
    shown = redact(url)
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018  (a port that is not a number raises here)
    except ValueError as exc:
        raise ReleaseToolsError(f'{what} {shown!r} is not a valid URL: {exc}',
                                'e.g. https://upload.pypi.org/legacy/') from None
    if parts.scheme.lower() not in ('http', 'https') or not parts.hostname:
        raise ReleaseToolsError(f'{what} {shown!r} is not an http(s) URL with a host',
                                'e.g. https://upload.pypi.org/legacy/') from None


def check_smtp(server: str) -> None:
    """``HOST`` or ``HOST:PORT``, the port a number from 1 to 65535."""
    host, _, port = server.rpartition(':') if ':' in server else (server, '', '25')
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ReleaseToolsError(f'--smtp {server!r} is not HOST:PORT', 'e.g. --smtp mail.example.org:25')


def check_template(path: Path) -> None:
    """The announcement template is a readable UTF-8 file Jinja2 can parse."""
    try:
        text = path.read_text(encoding='utf-8')
    except UnicodeDecodeError:
        raise ReleaseToolsError(f'{path}: the announcement template is not UTF-8 text') from None
    except OSError as exc:
        raise ReleaseToolsError(f'{path}: cannot read the announcement template: {exc.strerror or exc}',
                                'pass --template a Jinja2 file, or leave it out for the built-in one') from None
    try:
        jinja2.Environment(autoescape=False).parse(text)
    except jinja2.TemplateSyntaxError as exc:
        raise ReleaseToolsError(f'{path}:{exc.lineno}: the announcement template is not valid Jinja2: '
                                f'{exc.message}') from None


def check_inputs(opts: ReleaseOptions) -> None:
    """Every service address and input file of ``opts``, before the first step."""
    for what, url in (('--index-url', opts.index_url), ('--index-simple-url', opts.index_simple_url)):
        if url:
            check_url(url, what)
    if opts.smtp:
        check_smtp(opts.smtp)
    if opts.template is not None:
        check_template(Path(opts.template))
    if not (math.isfinite(opts.wait) and opts.wait >= 0):
        raise ReleaseToolsError(f'--wait must be a number of seconds, 0 or more, not {opts.wait}')
