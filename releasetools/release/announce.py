"""Release announcements: a Jinja2 template, sent over SMTP (at most once) or written to a file.

The body is plain text: the release notes rendered from reno's RST
(:func:`~releasetools.notes.render.text_notes`), the release series the
release is part of, and per repository its source URL, shortlog, diffstat and
requirement changes; the bug tracker's URL comes from the deliverable file.
"""

from __future__ import annotations

import contextlib
import email.message
import email.policy
import email.utils
import hashlib
import smtplib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from ..artifacts.plan import Item
from ..core.errors import ReleaseToolsError
from ..core.model import INDEPENDENT
from ..data.atomic import write_bytes
from ..notes.render import text_notes
from ..review.changes import RequirementChange
from .ledger import Ledger
from .options import DEFAULT_SOURCE_URL, DEFAULT_SUBJECT_PREFIX, ReleaseOptions
from .status import MailOutcome

__all__ = ['Mail', 'MailNotSent', 'MailOutcomeUnknown', 'RepoChanges', 'context_of', 'message_id', 'render',
           'requirement_line', 'send', 'send_once', 'series_line', 'write']

_TEMPLATES = Path(__file__).with_name('templates')


@dataclass(frozen=True)
class Mail:
    subject: str
    body: str
    reply_to: str | None = None  # the Reply-To header (None: none)


@dataclass(frozen=True)
class RepoChanges:
    """What one repository of a release changed since the previous release: read from git by the job."""

    repo: str
    previous: str | None
    shortlog: list[str]
    diffstat: list[str]
    requirements: tuple[RequirementChange, ...]


def series_line(item: Item) -> str:
    """The sentence saying which release series the release is part of."""
    if item.series == INDEPENDENT:
        return f'{item.deliverable} is released independently: this release is part of no release series.'
    if item.first_of_series:
        return f'This is the first release of {item.deliverable} in the {item.series} series.'
    kind = 'release series' if item.series_status in (None, 'development', 'future') else 'stable release series'
    return f'This release is part of the {item.series} {kind}.'


def requirement_line(change: RequirementChange) -> str:
    """``name: old -> new``, with ``(added)`` and ``(removed)`` for a requirement that was or is absent."""
    if change.old is None:
        return f'{change.name}{change.new or ""} (added)'
    if change.new is None:
        return f'{change.name}{change.old or ""} (removed)'
    return f'{change.name}: {change.old or "any version"} -> {change.new or "any version"}'


def context_of(item: Item, repos: list[RepoChanges], *, notes: str, links: list[str],
               source_url: str = DEFAULT_SOURCE_URL) -> dict[str, Any]:
    """What the template is given for ``item``: ``notes`` are the RST the notes step wrote, made text here."""
    return {
        'deliverable': item.deliverable, 'version': item.version, 'series': item.series, 'team': item.team,
        'series_note': f' ({item.series} series)' if item.series != INDEPENDENT else '',
        'series_line': series_line(item), 'first_of_series': item.first_of_series, 'branch': item.branch,
        'bug_tracker': item.bug_tracker, 'links': links,
        'notes': text_notes(notes, untitled=(item.version, item.label)),
        'repos': [{'repo': r.repo, 'previous': r.previous, 'shortlog': r.shortlog, 'diffstat': r.diffstat,
                   'source': source_url.replace('{repo}', r.repo),
                   'requirements': [requirement_line(c) for c in r.requirements]} for r in repos],
    }


def render(context: dict[str, Any], template: Path | None = None, *, prefix: str = DEFAULT_SUBJECT_PREFIX,
           reply_to: str | None = None) -> Mail:
    """The announcement of one release; ``template`` overrides the built-in one.

    The subject is ``PREFIX deliverable version (series)``; an empty prefix leaves it out.
    """
    folder, name = (template.parent, template.name) if template else (_TEMPLATES, 'announce.txt.j2')
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined, autoescape=False)
    try:
        body = env.get_template(name).render(**context)
    except jinja2.TemplateError as exc:
        raise ReleaseToolsError(f'the announcement template {folder / name} failed: {exc}') from None
    series = context.get('series')
    suffix = f' ({series})' if series and series != '_independent' else ''
    subject = f'{context["deliverable"]} {context["version"]}{suffix}'
    return Mail(f'{prefix} {subject}' if prefix else subject, body, reply_to)


class MailNotSent(ReleaseToolsError):
    """The server refused or failed before the message was handed over: sending again is safe."""


class MailOutcomeUnknown(ReleaseToolsError):
    """The connection failed while or after the message was handed over: it may have been delivered."""


def message_id(identity: str, sender: str) -> str:
    """The announcement's Message-ID, the same on every attempt (``identity`` names the release)."""
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    return f'<release.{digest}@{sender.rpartition("@")[2] or "localhost"}>'


def _message(mail: Mail, sender: str, recipients: list[str], msgid: str | None = None) -> email.message.EmailMessage:
    msg = email.message.EmailMessage()
    msg['Subject'] = mail.subject
    msg['From'] = sender
    msg['To'] = ', '.join(recipients)
    msg['Date'] = email.utils.formatdate(localtime=False)
    msg['Message-ID'] = msgid or email.utils.make_msgid(domain=sender.rpartition('@')[2] or None)
    if mail.reply_to:
        msg['Reply-To'] = mail.reply_to
    msg.set_content(mail.body)
    return msg


def send(mail: Mail, server: str, sender: str, recipients: list[str], timeout: float = 30, *,
         msgid: str | None = None) -> None:
    """Send over SMTP (``host:port``).

    A failure before DATA (server down, sender or recipients refused) raises
    MailNotSent; one from DATA on raises MailOutcomeUnknown: the server may
    have queued the message before the connection dropped.
    """
    host, _, port = server.rpartition(':') if ':' in server else (server, '', '25')
    msg = _message(mail, sender, recipients, msgid)
    hint = 'the mail server must accept it; the run can be repeated'
    try:
        smtp = smtplib.SMTP(host, int(port), timeout=timeout)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailNotSent(f'cannot send the announcement through {server}: {exc}', hint) from None
    try:
        try:
            smtp.ehlo_or_helo_if_needed()
            code, reply = smtp.mail(sender)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, reply, sender)
            for rcpt in recipients:
                code, reply = smtp.rcpt(rcpt)
                if code not in (250, 251):
                    raise smtplib.SMTPRecipientsRefused({rcpt: (code, reply)})
        except (OSError, smtplib.SMTPException) as exc:
            raise MailNotSent(f'cannot send the announcement through {server}: {exc}', hint) from None
        try:
            # CRLF line ends, as SMTP requires: smtplib sends bytes as given, and a server reading
            # lines would see one line longer than RFC 5321 allows in any message over 1000 bytes.
            code, reply = smtp.data(msg.as_bytes(policy=email.policy.SMTP))
        except smtplib.SMTPDataError as exc:  # refused with a code: not queued
            raise MailNotSent(f'{server} refused the announcement: {exc}', hint) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise MailOutcomeUnknown(f'the connection to {server} failed after the announcement was handed '
                                     f'over ({exc}): it may have been sent (Message-ID {msg["Message-ID"]}); '
                                     'look for it, then run again with --mail-outcome sent or not-sent',
                                     'look for that Message-ID in the list archive, then run again with '
                                     '--mail-outcome sent or --mail-outcome not-sent') from None
        # smtplib's data() raises only when DATA itself is refused: the answer to the message is
        # returned, and a code other than 250 means the server did not queue it.
        if code != 250:
            raise MailNotSent(f'{server} refused the announcement: {code} '
                              f'{reply.decode("utf-8", "replace")}', hint)
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            smtp.quit()
        smtp.close()


def send_once(ledger: Ledger, key: str, mail: Mail, msgid: str, opts: ReleaseOptions) -> dict[str, Any]:
    """Send at most once: the attempt is recorded (under ``key``) first, and one of unknown outcome is not repeated.

    What the operator found out about such an attempt is ``opts.mail_outcome`` (``--mail-outcome``):
    ``sent`` records it as sent, ``not-sent`` sends again; without it the step fails with what to look for.
    """
    told, recipients = opts.mail_outcome, opts.mail_to
    attempt = ledger.get(key)
    if attempt is not None and attempt.get('outcome') == MailOutcome.UNKNOWN:
        if told == 'sent':
            return {'detail': f'recorded as sent (--mail-outcome sent), Message-ID {msgid}', 'message_id': msgid}
        if told != 'not-sent':
            raise ReleaseToolsError(f'the announcement may have been sent (Message-ID {msgid}): an earlier '
                                    f'attempt ({attempt.get("at")}) ended without an answer from the server; '
                                    'it is not sent again blindly: run again with --mail-outcome sent or '
                                    'not-sent',
                                    'look for that Message-ID in the list archive, then run again with '
                                    '--mail-outcome sent or --mail-outcome not-sent')
    ledger.record(key, action='mail-attempt', outcome=MailOutcome.UNKNOWN.value, message_id=msgid)
    try:
        send(mail, opts.smtp or '', opts.mail_from, recipients, msgid=msgid)
    except MailNotSent:
        ledger.record(key, action='mail-attempt', outcome=MailOutcome.NOT_SENT.value, message_id=msgid)
        raise
    return {'detail': f'mailed to {", ".join(recipients)}', 'message_id': msgid}


def write(mail: Mail, path: Path, sender: str, recipients: list[str], *, msgid: str | None = None) -> None:
    """Write the message as an .eml file (when no mail server is configured)."""
    try:
        data = bytes(_message(mail, sender, recipients, msgid))
        write_bytes(path, data)
    except OSError as exc:
        raise ReleaseToolsError(f'{path}: cannot write the announcement: {exc.strerror or exc}') from None
