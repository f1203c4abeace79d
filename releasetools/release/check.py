"""``releasetools release --check``: the ledger against the world.

For every step of the request, what the ledger records is compared with what
is really there: the remote's tag and its commit (``git ls-remote``), the
files the index serves and their sha256 (its simple API), the files in
--tarballs and their sha256, the announcement record. Each difference is a
drift: a record of something the world does not have (a deleted tag, a file
gone from the index), something the world has that no record explains (a
tag pushed by hand), or an announcement whose outcome is unknown. Steps
neither recorded nor done are pending, which is no drift. Nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..artifacts import build as artifacts
from ..artifacts.plan import Item, Target
from ..core.errors import GitError, ReleaseToolsError
from .gitops import remote_auth, remote_tags
from .intake import request_items
from .ledger import Ledger, ledger_path
from .options import ReleaseOptions, index_auth, simple_url
from .status import CheckStatus, MailOutcome

__all__ = ['Check', 'check_release', 'drifted']

IN_SYNC, DRIFT, PENDING = CheckStatus.IN_SYNC, CheckStatus.DRIFT, CheckStatus.PENDING


@dataclass(frozen=True)
class Check:
    """One step compared: in sync, drift or pending, with what was found."""

    key: str
    action: str
    label: str
    status: CheckStatus
    detail: str


class _World:
    def __init__(self, opts: ReleaseOptions, ledger: Ledger) -> None:
        self.opts = opts
        self.ledger = ledger
        self.tags: dict[str, dict[str, str] | str] = {}
        self.checks: list[Check] = []

    def add(self, key: str, action: str, label: str, status: CheckStatus, detail: str) -> None:
        self.checks.append(Check(key, action, label, status, detail))

    def remote(self, repo: str) -> dict[str, str] | str:
        """The remote's tags, or why they cannot be read."""
        if repo not in self.tags:
            remote = self.opts.remotes.replace('{repo}', repo)
            try:
                self.tags[repo] = remote_tags(remote, self.opts.root)
            except GitError as exc:
                self.tags[repo] = f'cannot read the tags of {remote_auth(remote)[0]}: {exc.message}'
        return self.tags[repo]

    def tag(self, item: Item, t: Target) -> None:
        key, label = item.key('tag', t.repo), f'{item.label} {t.repo}'
        tags = self.remote(t.repo)
        if isinstance(tags, str):
            self.add(key, 'tag', label, DRIFT, tags)
            return
        there = tags.get(item.version)
        recorded = self.ledger.get(key) is not None
        if recorded and there is None:
            self.add(key, 'tag', label, DRIFT, f'the ledger records tag {item.version}; the remote has no such tag')
        elif there is not None and there != t.hash:
            self.add(key, 'tag', label, DRIFT,
                     f'the remote tag {item.version} is at {there}, the request says {t.hash}')
        elif there is not None and not recorded:
            self.add(key, 'tag', label, DRIFT, f'the remote has tag {item.version} at {t.hash[:12]}; '
                     'the ledger does not record it')
        elif recorded:
            self.add(key, 'tag', label, IN_SYNC, f'tag at {t.hash[:12]}')
        else:
            self.add(key, 'tag', label, PENDING, 'not tagged yet')

    def built(self, item: Item, t: Target) -> dict[str, str]:
        entry = self.ledger.get(item.key('build', t.repo)) or {}
        files = entry.get('files', {})
        return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}

    def index(self, item: Item, t: Target) -> None:
        key, label = item.key('publish', t.repo), f'{item.label} {t.repo}'
        files = self.built(item, t)
        recorded = self.ledger.get(key) is not None
        if not files:
            status = DRIFT if recorded else PENDING
            self.add(key, 'publish', label, status, 'published, but no build records the files' if recorded
                     else 'not built yet')
            return
        name = artifacts.describe(Path(next(iter(files))))[0]
        try:
            served = artifacts.index_files(simple_url(self.opts), name, index_auth(self.opts))
        except ReleaseToolsError as exc:
            self.add(key, 'publish', label, DRIFT, exc.message)
            return
        problems, present = [], []
        for file, sha in sorted(files.items()):
            if file not in served:
                problems.append(f'the index does not serve {file}')
                continue
            present.append(file)
            url, listed = served[file]
            try:
                got = listed or artifacts.download_sha256(url, index_auth(self.opts))
            except ReleaseToolsError as exc:
                problems.append(exc.message)
                continue
            if got != sha:
                problems.append(f'the index serves {file} with sha256 {got}, the ledger records {sha}')
        if recorded and problems:
            self.add(key, 'publish', label, DRIFT, '; '.join(problems))
        elif recorded:
            self.add(key, 'publish', label, IN_SYNC, f'{len(files)} files, sha256 match')
        elif present:
            self.add(key, 'publish', label, DRIFT, f'the index serves {", ".join(present)}; '
                     'the ledger does not record the upload')
        else:
            self.add(key, 'publish', label, PENDING, 'not uploaded yet')

    def tarballs(self, item: Item, t: Target, target: Path) -> None:
        key, label = item.key('tarballs', t.repo), f'{item.label} {t.repo}'
        if self.ledger.get(key) is None:
            self.add(key, 'tarballs', label, PENDING, 'not copied yet')
            return
        problems = []
        for file, sha in sorted(self.built(item, t).items()):
            path = target / file
            if not path.is_file():
                problems.append(f'{path} is missing')
            elif artifacts.sha256_of(path) != sha:
                problems.append(f'{path} has sha256 {artifacts.sha256_of(path)}, the ledger records {sha}')
        self.add(key, 'tarballs', label, DRIFT if problems else IN_SYNC,
                 '; '.join(problems) or f'{len(self.built(item, t))} files, sha256 match')

    def mail(self, item: Item) -> None:
        key = item.key('announce')
        done = self.ledger.get(key)
        attempt = self.ledger.get(item.key('mail-attempt'))
        if done is not None:
            file = done.get('file')
            if file and not Path(file).is_file():
                self.add(key, 'announce', item.label, DRIFT, f'the announcement {file} is missing')
            else:
                self.add(key, 'announce', item.label, IN_SYNC,
                         f'{done.get("detail", "announced")} (Message-ID {done.get("message_id", "not recorded")})')
        elif attempt is not None and attempt.get('outcome') == MailOutcome.UNKNOWN:
            self.add(key, 'announce', item.label, DRIFT,
                     f'the mail may have been sent (Message-ID {attempt.get("message_id")}): the outcome is unknown')
        elif self.ledger.get(item.key('mail-owed')) is not None:
            self.add(key, 'announce', item.label, PENDING, 'the mail is owed')
        else:
            self.add(key, 'announce', item.label, PENDING, 'no mail owed')


def check_release(opts: ReleaseOptions) -> tuple[Path, list[Check]]:
    """The ledger of the request compared with the world, step by step; changes nothing."""
    items, _ = request_items(opts)
    path = ledger_path(opts, items)
    world = _World(opts, Ledger(path))
    for item in items:
        for t in item.targets:
            world.tag(item, t)
        for t in item.targets:
            if not t.build:
                continue
            if opts.index_url:
                world.index(item, t)
            if opts.tarballs:
                world.tarballs(item, t, opts.tarballs)
        if item.announce and not item.closing:
            world.mail(item)
    return path, world.checks


def drifted(checks: list[Check]) -> list[Check]:
    return [c for c in checks if c.status == DRIFT]

