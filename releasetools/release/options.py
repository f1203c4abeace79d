"""What ``releasetools release`` was asked to do: the options, completed from the environment.

Credentials inside a URL are taken out of it here, once, so that every URL
the job shows is safe; :meth:`ReleaseOptions.redact` masks what remains secret.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..core.redact import redact, split_userinfo
from ..git.mirrors import DEFAULT_TEMPLATE, default_cache_dir

__all__ = ['DEFAULT_SOURCE_URL', 'DEFAULT_SUBJECT_PREFIX', 'ENV', 'ReleaseOptions', 'index_auth', 'simple_url']

ENV = {
    'index_url': 'RELEASETOOLS_INDEX_URL',
    'index_user': 'RELEASETOOLS_INDEX_USER',
    'index_password': 'RELEASETOOLS_INDEX_PASSWORD',
    'signing_key': 'RELEASETOOLS_SIGNING_KEY',
    'smtp': 'RELEASETOOLS_SMTP',
    'subject_prefix': 'RELEASETOOLS_SUBJECT_PREFIX',
    'reply_to': 'RELEASETOOLS_REPLY_TO',
    'source_url': 'RELEASETOOLS_SOURCE_URL',
    'change_id': 'RELEASETOOLS_CHANGE_ID',
}

#: The announcement's subject starts with this unless --subject-prefix (or its variable) says otherwise.
DEFAULT_SUBJECT_PREFIX = '[release]'
#: Where the announcement says each repository's source is, {repo} replaced by its name.
DEFAULT_SOURCE_URL = 'https://opendev.org/{repo}'


@dataclass
class ReleaseOptions:
    """What ``releasetools release`` was asked to do (see ``--help``); unset values come from ENV."""

    root: Path = Path('.')
    base: str | None = None
    files: list[str] = field(default_factory=list)
    remotes: str = DEFAULT_TEMPLATE
    workdir: Path = field(default_factory=lambda: default_cache_dir() / 'release')
    ledger: Path | None = None
    index_url: str | None = None
    index_simple_url: str | None = None
    index_user: str | None = None
    index_password: str | None = None
    signing_key: str | None = None
    tarballs: Path | None = None
    notes_dir: Path | None = None
    smtp: str | None = None
    mail_from: str = 'release-bot@localhost'
    mail_to: list[str] = field(default_factory=lambda: ['release-announce@localhost'])
    announce_dir: Path | None = None
    template: Path | None = None
    subject_prefix: str | None = None  # None: DEFAULT_SUBJECT_PREFIX
    reply_to: str | None = None  # the announcement's Reply-To (None: no such header)
    source_url: str | None = None  # None: DEFAULT_SOURCE_URL
    approver: str | None = None
    change_id: str | None = None  # the review that merged the request (recorded in the tag message)
    author: str | None = None
    review: Path | None = None
    teams: Path | None = None
    isolation: bool = True
    dry_run: bool = False
    wait: float = 0.0
    cache_dir: Path | None = None
    mail_outcome: str | None = None  # after an attempt with unknown outcome: 'sent' or 'not-sent'
    unit: str | None = None  # --unit ID: run only that unit of the plan (release.units)

    def from_environment(self) -> ReleaseOptions:
        # Credentials inside an index URL are taken out of it (the URL is then safe to show); they
        # count as given on the command line, so they come before the environment's.
        self._split_urls()
        for attr, var in ENV.items():
            if getattr(self, attr) is None and os.environ.get(var):
                setattr(self, attr, os.environ[var])
        if self.index_user is None and os.environ.get('TWINE_USERNAME'):
            self.index_user = os.environ['TWINE_USERNAME']
        if self.index_password is None and os.environ.get('TWINE_PASSWORD'):
            self.index_password = os.environ['TWINE_PASSWORD']
        self._split_urls()  # RELEASETOOLS_INDEX_URL may carry them too
        return self

    def _split_urls(self) -> None:
        for attr in ('index_url', 'index_simple_url'):
            url = getattr(self, attr)
            if url:
                clean, user, password = split_userinfo(url)
                setattr(self, attr, clean)
                if self.index_user is None:
                    self.index_user = user
                if self.index_password is None:
                    self.index_password = password

    @property
    def secrets(self) -> list[str | None]:
        """What must never be shown: the index password, and passwords inside the remotes template."""
        return [self.index_password, split_userinfo(self.remotes.replace('{repo}', 'x'))[2]]

    def redact(self, text: str) -> str:
        return redact(text, self.secrets)


def index_auth(opts: ReleaseOptions) -> tuple[str, str] | None:
    return (opts.index_user, opts.index_password) if opts.index_user and opts.index_password else None


def simple_url(opts: ReleaseOptions) -> str:
    """The index's simple API: --index-simple-url, else INDEX_URL/simple/."""
    assert opts.index_url
    return opts.index_simple_url or opts.index_url.rstrip('/') + '/simple/'
