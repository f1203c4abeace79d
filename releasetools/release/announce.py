"""Release announcements: a Jinja2 template, sent over SMTP or written to a file."""

from __future__ import annotations

import email.message
import email.utils
import smtplib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from ..errors import ReleaseToolsError

__all__ = ['Mail', 'render', 'send', 'write']

_TEMPLATES = Path(__file__).with_name('templates')


@dataclass(frozen=True)
class Mail:
    subject: str
    body: str


def render(context: dict[str, Any], template: Path | None = None) -> Mail:
    """The announcement of one release; ``template`` overrides the built-in one."""
    folder, name = (template.parent, template.name) if template else (_TEMPLATES, 'announce.txt.j2')
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined, autoescape=False)
    try:
        body = env.get_template(name).render(**context)
    except jinja2.TemplateError as exc:
        raise ReleaseToolsError(f'the announcement template {folder / name} failed: {exc}') from None
    series = context.get('series')
    suffix = f' ({series})' if series and series != '_independent' else ''
    return Mail(f'[release] {context["deliverable"]} {context["version"]}{suffix}', body)


def _message(mail: Mail, sender: str, recipients: list[str]) -> email.message.EmailMessage:
    msg = email.message.EmailMessage()
    msg['Subject'] = mail.subject
    msg['From'] = sender
    msg['To'] = ', '.join(recipients)
    msg['Date'] = email.utils.formatdate(localtime=False)
    msg['Message-ID'] = email.utils.make_msgid(domain=sender.rpartition('@')[2] or None)
    msg.set_content(mail.body)
    return msg


def send(mail: Mail, server: str, sender: str, recipients: list[str], timeout: float = 30) -> None:
    """Send over SMTP (``host:port``); a server that is down is a clear error."""
    host, _, port = server.rpartition(':') if ':' in server else (server, '', '25')
    try:
        with smtplib.SMTP(host, int(port), timeout=timeout) as smtp:
            smtp.send_message(_message(mail, sender, recipients))
    except (OSError, smtplib.SMTPException) as exc:
        raise ReleaseToolsError(f'cannot send the announcement through {server}: {exc}',
                                'the mail server must accept it; the run can be repeated') from None


def write(mail: Mail, path: Path, sender: str, recipients: list[str]) -> None:
    """Write the message as an .eml file (when no mail server is configured)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f'.{path.name}.tmp')
    tmp.write_bytes(bytes(_message(mail, sender, recipients)))
    tmp.replace(path)
