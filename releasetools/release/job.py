"""``releasetools release``: run a merged release request, resumably.

For each new release, in order: tag each repository locally; build sdist and
wheel at the tag and check them; push the tag; create the request's new
branches; publish to the index; copy to the tarballs directory; verify what
the index serves; write the release notes; announce. Building before pushing
means a tag is never published for code that does not build.

Every step that changes the world is recorded in the ledger once done, and
checks the world before acting (a tag already at the commit, a file the
index already has with the same sha256), so a re-run after any failure
resumes at the first step not done and never does anything twice.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from ..core import lineage
from ..core.errors import GitError, ReleaseToolsError, UsageError
from ..core.findings import Report
from ..core.redact import redact, split_userinfo
from ..core.reponames import check_repo_name
from ..data.request import read_request
from ..git.mirrors import DEFAULT_TEMPLATE, check_template, default_cache_dir
from ..notes.release import release_notes
from ..notes.render import plain_notes
from ..rules.context import deliverable_contexts
from ..validate import ValidateOptions, check_request
from . import announce, artifacts, children, preflight
from .announce import Mail
from .gitops import Workspace, remote_tags, tag_message
from .inputs import check_inputs
from .ledger import LEDGER_ENV, Ledger, default_ledger, lock, request_identity
from .paths import atomic_write, check_local_paths
from .plan import Item, items_of

__all__ = ['JobReport', 'ReleaseOptions', 'StepResult', 'index_auth', 'ledger_path', 'request_items',
           'run_release', 'simple_url']

ENV = {
    'index_url': 'RELEASETOOLS_INDEX_URL',
    'index_user': 'RELEASETOOLS_INDEX_USER',
    'index_password': 'RELEASETOOLS_INDEX_PASSWORD',
    'signing_key': 'RELEASETOOLS_SIGNING_KEY',
    'smtp': 'RELEASETOOLS_SMTP',
}


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
    approver: str | None = None
    author: str | None = None
    review: Path | None = None
    teams: Path | None = None
    isolation: bool = True
    dry_run: bool = False
    wait: float = 0.0
    cache_dir: Path | None = None
    mail_outcome: str | None = None  # after an attempt with unknown outcome: 'sent' or 'not-sent'

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


@dataclass(frozen=True)
class StepResult:
    """One step: done now, already done before, skipped (with why), failed, or planned (dry run)."""

    key: str
    action: str
    label: str
    status: str
    detail: str = ''


@dataclass
class JobReport:
    results: list[StepResult] = field(default_factory=list)

    @property
    def failed(self) -> list[StepResult]:
        return [r for r in self.results if r.status == 'failed']

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)


class _Failed(Exception):
    pass


class _Job:
    def __init__(self, opts: ReleaseOptions, report: JobReport, progress: Callable[[StepResult], None],
                 ledger: Ledger) -> None:
        self.opts = opts
        self.report = report
        self.progress = progress
        self.ledger = ledger
        self.spaces: dict[str, Workspace] = {}
        self.tags: dict[str, dict[str, str]] = {}
        self.built: dict[str, list[artifacts.Artifact]] = {}

    # -- bookkeeping --------------------------------------------------------------------------

    def _emit(self, key: str, action: str, label: str, status: str, detail: str = '') -> None:
        result = StepResult(key, action, self.opts.redact(label), status, self.opts.redact(detail))
        self.report.results.append(result)
        self.progress(result)

    def step(self, key: str, action: str, label: str, work: Callable[[], dict[str, Any] | None], *,
             already: Callable[[], str | None] | None = None, plan: str = '') -> dict[str, Any] | None:
        """Run ``work`` unless the ledger (or ``already``) says it is done; record it when it is."""
        entry = self.ledger.get(key)
        if entry is not None:
            self._emit(key, action, label, 'already done', entry.get('detail', ''))
            return entry
        found = already() if already else None
        if found is not None:
            if not self.opts.dry_run:
                try:
                    self.ledger.record(key, action=action, detail=self.opts.redact(found))
                except ReleaseToolsError as exc:
                    self._emit(key, action, label, 'failed', exc.message)
                    raise _Failed from None
            self._emit(key, action, label, 'already done', found)
            return {'detail': found}
        if self.opts.dry_run:
            self._emit(key, action, label, 'planned', plan)
            return None
        try:
            detail = work() or {}
            detail = {k: self.opts.redact(v) if isinstance(v, str) else v for k, v in detail.items()}
            self.ledger.record(key, action=action, **detail)
        except ReleaseToolsError as exc:
            self._emit(key, action, label, 'failed', exc.message)
            raise _Failed from None
        except OSError as exc:
            self._emit(key, action, label, 'failed', _os_message(exc))
            raise _Failed from None
        self._emit(key, action, label, 'done', str(detail.get('detail', '')))
        return detail

    def skip(self, key: str, action: str, label: str, why: str) -> None:
        self._emit(key, action, label, 'skipped', why)

    # -- repositories -------------------------------------------------------------------------

    def space(self, repo: str) -> Workspace:
        ws = self.spaces.get(repo)
        if ws is None:
            remote = self.opts.remotes.replace('{repo}', check_repo_name(repo))
            ws = self.spaces[repo] = Workspace(self.opts.workdir, repo, remote)
            try:
                ws.sync()
                self.tags[repo] = remote_tags(remote, ws.path)
            except GitError as exc:
                raise ReleaseToolsError(f'cannot fetch {repo} from {ws.remote}: {exc.message}') from None
        return ws

    def precheck(self, items: list[Item]) -> None:
        """Before anything changes: no tag may exist at another commit, every commit must exist."""
        problems = []
        for item in items:
            for t in item.targets:
                ws = self.space(t.repo)
                tagged = self.tags[t.repo].get(item.version)
                if tagged is not None and tagged != t.hash:
                    problems.append(f'{t.repo}: tag {item.version} already points at {tagged}, not {t.hash}')
                elif not ws.has_commit(t.hash):
                    problems.append(f'{t.repo}: {t.hash} is not a commit of {ws.remote}')
        if problems:
            raise ReleaseToolsError('nothing was done: ' + '; '.join(problems),
                                    'tags are never moved: the release request must be corrected')
        for item in items:
            for t in item.targets:
                if self.tags[t.repo].get(item.version) == t.hash:
                    problems += self.tag_problems(item, t)
        if problems:
            raise ReleaseToolsError('nothing was done: ' + '; '.join(problems),
                                    'a tag is never replaced by the job: delete the tag on the remote (if it '
                                    'was never announced) and run again, or release another version')

    def tag_problems(self, item: Item, t: Any) -> list[str]:
        """A tag already at the right commit counts as done only if it is what the job would make."""
        ws = self.space(t.repo)
        kind = ws.tag_kind(item.version)
        key = self.opts.signing_key
        where = f'{t.repo}: tag {item.version} at {t.hash[:12]}'
        if kind == 'lightweight':
            return [f'{where} is a lightweight tag, not an annotated release tag']
        if key and kind != 'signed':
            return [f'{where} is not signed, and signing key {key} is configured']
        if key:
            signers = ws.tag_signers(item.version)
            if not signers or not signers & preflight.key_fingerprints(key, children.environment('gpg')):
                return [f'{where} has no good signature by {key}']
        return []

    def preflight(self, items: list[Item]) -> list[preflight.Check]:
        """Check every service the pending steps will use; emit each result."""
        opts, done = self.opts, self.ledger.get
        pending = [(item, t) for item in items for t in item.targets]
        builds = [(i, t) for i, t in pending if t.build]
        needs = preflight.Needs(signing_env=children.environment('gpg'))
        if opts.index_url and any(not (done(i.key('publish', t.repo)) and done(i.key('verify', t.repo)))
                                  for i, t in builds):
            needs.index_url, needs.index_user, needs.index_password = \
                opts.index_url, opts.index_user, opts.index_password
            needs.simple_url = opts.index_simple_url
        if opts.smtp and any(i.announce and not i.closing and not done(i.key('announce')) for i in items):
            needs.smtp = opts.smtp
        untagged = [(i, t) for i, t in pending if not done(i.key('tag', t.repo)) and not self.tag_there(i, t)]
        if opts.signing_key and (untagged or (opts.tarballs and any(not done(i.key('tarballs', t.repo))
                                                                    for i, t in builds))):
            needs.signing_key = opts.signing_key
        for i, t in untagged:
            ws = self.space(t.repo)
            needs.pushes.append(preflight.Push(t.repo, ws.path, ws.remote, i.version, t.hash, ws.auth))
        checks = preflight.run_checks(needs)
        for c in checks:
            self._emit(f'preflight/{c.name}/{c.target}', 'preflight', f'{c.name} {c.target}',
                       'passed' if c.ok else 'failed', c.detail)
        return checks

    # -- the steps of one release -------------------------------------------------------------

    def release(self, item: Item, branches: list[tuple[str, dict[str, str]]]) -> None:
        opts = self.opts
        message_for = {t.repo: tag_message(deliverable=item.deliverable, series=item.series, version=item.version,
                                           release_type=item.release_type, previous=t.previous_version,
                                           approver=opts.approver) for t in item.targets}
        for t in item.targets:
            if not opts.dry_run:
                try:
                    self.space(t.repo).create_tag(item.version, t.hash, message_for[t.repo], opts.signing_key)
                except ReleaseToolsError as exc:
                    self._emit(item.key('tag', t.repo), 'tag', item.label, 'failed', exc.message)
                    raise _Failed from None
        # The repositories of a release build at once (each build is its own process);
        # results are recorded in order, and the first failure stops the release.
        builds = [t for t in item.targets if t.build]
        todo = [t for t in builds if self.ledger.get(item.key('build', t.repo)) is None and not opts.dry_run]
        with concurrent.futures.ThreadPoolExecutor(max(1, min(len(todo), os.cpu_count() or 1))) as pool:
            futures = {t.repo: pool.submit(self.build, item, t) for t in todo}
            for t in builds:
                self.step(item.key('build', t.repo), 'build', f'{item.label} {t.repo}',
                          partial(self.checked, t, futures.get(t.repo)),
                          plan=f'python -m build at {item.version}')
        for t in item.targets:
            self.step(item.key('tag', t.repo), 'tag', f'{item.label} {t.repo}',
                      partial(self.push_tag, item, t), already=partial(self.tag_there, item, t),
                      plan=f'tag {item.version} at {t.hash[:12]} and push it'
                      + (' (signed)' if opts.signing_key else ''))
        for name, points in branches:
            self.branch(item.deliverable, name, points)
        for t in item.targets:
            label = f'{item.label} {t.repo}'
            if not t.build:
                why = 'closing tags are tagged only' if item.closing else \
                    f'release-type {item.release_type} builds no Python artifacts'
                self.skip(item.key('publish', t.repo), 'publish', label, why)
                continue
            if opts.index_url:
                self.step(item.key('publish', t.repo), 'publish', label, partial(self.publish, item, t),
                          already=partial(self.on_index, item, t), plan=f'upload to {opts.index_url}')
                self.step(item.key('verify', t.repo), 'verify', label, partial(self.verify, item, t),
                          plan='download from the index and compare sha256')
            else:
                self.skip(item.key('publish', t.repo), 'publish', label, 'no package index configured (--index-url)')
            if opts.tarballs:
                self.step(item.key('tarballs', t.repo), 'tarballs', label, partial(self.tarballs, item, t),
                          plan=f'copy to {opts.tarballs}' + (' with signatures' if opts.signing_key else ''))
        if item.closing:
            return
        self.step(item.key('notes'), 'notes', item.label, lambda: self.notes(item),
                  plan=f'write release notes under {self.notes_dir}')
        if item.announce and not self.owes_mail(item):
            self.skip(item.key('announce'), 'announce', item.label,
                      'no run of this ledger pushed the tag, so it owes no mail (the run that did announces)')
        elif item.announce:
            self.step(item.key('announce'), 'announce', item.label, lambda: self.announce(item),
                      plan=f'mail {", ".join(opts.mail_to)} via {opts.smtp}' if opts.smtp
                      else f'write the announcement under {self.announce_dir}')
        else:
            self.skip(item.key('announce'), 'announce', item.label, 'pre-releases before rc are not announced')

    @property
    def notes_dir(self) -> Path:
        return self.opts.notes_dir or self.opts.workdir / 'notes'

    @property
    def announce_dir(self) -> Path:
        return self.opts.announce_dir or self.opts.workdir / 'announce'

    def _dist(self, item: Item, repo: str) -> Path:
        return self.opts.workdir / 'dist' / item.deliverable / item.version / repo.replace('/', '_')

    def build(self, item: Item, t: Any) -> dict[str, Any]:
        ws = self.space(t.repo)
        source = ws.checkout(item.version, self.opts.workdir / 'build' / t.repo.replace('/', '_'))
        built = artifacts.build(source, self._dist(item, t.repo), item.version, isolation=self.opts.isolation)
        self.built[t.repo] = built
        return {'detail': ', '.join(a.path.name for a in built),
                'files': {a.path.name: a.sha256 for a in built}}

    def checked(self, t: Any, future: concurrent.futures.Future[dict[str, Any]] | None) -> dict[str, Any]:
        """The build's result, twine-checked here in the main thread (the check swaps sys.stdout)."""
        assert future is not None
        detail = future.result()
        artifacts.twine_check(self.built[t.repo])
        return detail

    def tag_there(self, item: Item, t: Any) -> str | None:
        return f'tag at {t.hash[:12]}' if self.tags[t.repo].get(item.version) == t.hash else None

    def branch(self, deliverable: str, name: str, points: dict[str, str]) -> None:
        """Create and push branch ``name`` at ``points`` (repo -> commit), unless it exists."""
        for repo, sha in points.items():
            ws = self.space(repo)
            self.step(f'{deliverable}/branch {name}/{repo}', 'branch', f'{name} {repo}',
                      partial(self.push_branch, ws, name, sha), already=partial(self.branch_there, ws, name),
                      plan=f'create {name} at {sha[:12]}')

    @staticmethod
    def branch_there(ws: Workspace, name: str) -> str | None:
        return f'{name} exists' if ws.remote_branch(name) else None

    def _artifacts(self, item: Item, t: Any) -> list[artifacts.Artifact]:
        """The built files, as the ledger recorded them (a resumed run reuses them)."""
        entry = self.ledger.get(item.key('build', t.repo)) or {}
        out = []
        for name, sha in sorted(entry.get('files', {}).items()):
            path = self._dist(item, t.repo) / name
            if not path.exists() or artifacts.sha256_of(path) != sha:
                raise ReleaseToolsError(f'{path} is missing or changed since it was built',
                                        'remove its build entry from the ledger to build again')
            dist, version = artifacts.describe(path)
            out.append(artifacts.Artifact(path, dist, version, sha))
        return out

    def owes_mail(self, item: Item) -> bool:
        """Whether this ledger's runs pushed (or, in a dry run, would push) a tag of ``item``."""
        if self.ledger.get(item.key('announce')) or self.ledger.get(item.key('mail-owed')):
            return True
        return self.opts.dry_run and any(self.tags[t.repo].get(item.version) != t.hash for t in item.targets)

    def push_tag(self, item: Item, t: Any) -> dict[str, Any]:
        if item.announce and self.ledger.get(item.key('mail-owed')) is None:
            # Recorded before the push: a run killed right after it still owes the mail.
            self.ledger.record(item.key('mail-owed'), action='mail-owed', detail=f'{t.repo} pushes the tag')
        self.space(t.repo).push_tag(item.version)
        self.tags[t.repo][item.version] = t.hash
        return {'detail': f'tag at {t.hash[:12]}'}

    def push_branch(self, ws: Workspace, name: str, sha: str) -> dict[str, Any]:
        ws.push_branch(name, sha)
        return {'detail': f'{name} at {sha[:12]}'}

    def _auth(self) -> tuple[str, str] | None:
        return index_auth(self.opts)

    def _simple(self) -> str:
        return simple_url(self.opts)

    def on_index(self, item: Item, t: Any) -> str | None:
        """'already on the index' when the index serves every built file with the built sha256.

        Builds are reproducible, so a run that built again (a fresh work directory,
        another runner) finds its own bytes there: the upload is done, not a conflict.
        """
        if self.ledger.get(item.key('build', t.repo)) is None:
            return None  # a dry run, or nothing built: the step plans or fails as usual
        try:
            files = self._artifacts(item, t)
            served = artifacts.index_files(self._simple(), files[0].name, self._auth())
            for a in files:
                if a.path.name not in served:
                    return None
                sha = served[a.path.name][1] or artifacts.download_sha256(served[a.path.name][0], self._auth())
                if sha != a.sha256:
                    return None  # publish() reports the conflict
        except ReleaseToolsError:
            return None  # publish() meets the same problem and reports it as its failure
        return f'already on the index with the same sha256 ({len(files)} files)'

    def publish(self, item: Item, t: Any) -> dict[str, Any]:
        files = self._artifacts(item, t)
        served = artifacts.index_files(self._simple(), files[0].name, self._auth())
        todo = []
        for a in files:
            if a.path.name in served:
                sha = served[a.path.name][1] or artifacts.download_sha256(served[a.path.name][0], self._auth())
                if sha != a.sha256:
                    raise ReleaseToolsError(f'the index already has {a.path.name} with another sha256 ({sha})',
                                            'a published file can never be replaced: release a new version')
            else:
                todo.append(a)
        if todo:
            artifacts.upload(todo, self.opts.index_url or '', self.opts.index_user, self.opts.index_password)
        return {'detail': f'uploaded {", ".join(a.path.name for a in todo)}' if todo else 'already on the index'}

    def verify(self, item: Item, t: Any) -> dict[str, Any]:
        files = self._artifacts(item, t)
        served = artifacts.index_files(self._simple(), files[0].name, self._auth())
        for a in files:
            if a.path.name not in served:
                raise ReleaseToolsError(f'the index does not serve {a.path.name}')
            sha = artifacts.download_sha256(served[a.path.name][0], self._auth())
            if sha != a.sha256:
                raise ReleaseToolsError(f'the index serves {a.path.name} with sha256 {sha}, built {a.sha256}')
        return {'detail': f'{len(files)} files match'}

    def tarballs(self, item: Item, t: Any) -> dict[str, Any]:
        assert self.opts.tarballs
        files = self._artifacts(item, t)
        written = artifacts.copy_to_tarballs(files, self.opts.tarballs, self.opts.signing_key,
                                             children.environment('gpg'))
        return {'detail': f'{len(written)} files'}

    def notes(self, item: Item) -> dict[str, Any]:
        text = self.opts.redact(release_notes(item, self.space, self.opts.cache_dir))
        path = self.notes_dir / item.deliverable / f'{item.version}.rst'
        atomic_write(path, text)
        written = [path]
        html = _rst_to_html(text)
        if html is not None:
            atomic_write(path.with_suffix('.html'), html)
            written.append(path.with_suffix('.html'))
        return {'detail': ', '.join(str(p) for p in written)}

    def _download_link(self, name: str, version: str) -> str:
        if self.opts.index_url:
            return f'{self._simple().rstrip("/")}/{name}/'
        return f'https://pypi.org/project/{name}/{version}/'

    def announce(self, item: Item) -> dict[str, Any]:
        notes_path = self.notes_dir / item.deliverable / f'{item.version}.rst'
        context = {
            'deliverable': item.deliverable, 'version': item.version, 'series': item.series, 'team': item.team,
            'series_note': f' ({item.series} series)' if item.series != '_independent' else '',
            'notes': plain_notes(notes_path.read_text() if notes_path.exists() else ''),
            'repos': [{'repo': t.repo, 'previous': t.previous_version,
                       'shortlog': self.space(t.repo).log(t.previous_hash, t.hash)} for t in item.targets],
            'links': [self._download_link(t.name or t.repo.rsplit('/', 1)[1], item.version)
                      for t in item.targets if t.build],
        }
        mail = announce.render(context, self.opts.template)
        mail = announce.Mail(self.opts.redact(mail.subject), self.opts.redact(mail.body))
        msgid = announce.message_id(request_identity([_identity(item)]), self.opts.mail_from)
        if self.opts.smtp:
            return self.mail(item, mail, msgid)
        path = self.announce_dir / f'{item.deliverable}-{item.version}.eml'
        announce.write(mail, path, self.opts.mail_from, self.opts.mail_to, msgid=msgid)
        return {'detail': str(path), 'message_id': msgid, 'file': str(path)}

    def mail(self, item: Item, mail: Mail, msgid: str) -> dict[str, Any]:
        """Send at most once: the attempt is recorded first, and an attempt of unknown outcome is not repeated."""
        key = item.key('mail-attempt')
        attempt = self.ledger.get(key)
        if attempt is not None and attempt.get('outcome') == 'unknown':
            if self.opts.mail_outcome == 'sent':
                return {'detail': f'recorded as sent (--mail-outcome sent), Message-ID {msgid}', 'message_id': msgid}
            if self.opts.mail_outcome != 'not-sent':
                raise ReleaseToolsError(f'the announcement may have been sent (Message-ID {msgid}): an earlier '
                                        f'attempt ({attempt.get("at")}) ended without an answer from the server; '
                                        'it is not sent again blindly: run again with --mail-outcome sent or '
                                        'not-sent',
                                        'look for that Message-ID in the list archive, then run again with '
                                        '--mail-outcome sent or --mail-outcome not-sent')
        self.ledger.record(key, action='mail-attempt', outcome='unknown', message_id=msgid)
        try:
            announce.send(mail, self.opts.smtp or '', self.opts.mail_from, self.opts.mail_to, msgid=msgid)
        except announce.MailNotSent:
            self.ledger.record(key, action='mail-attempt', outcome='not sent', message_id=msgid)
            raise
        return {'detail': f'mailed to {", ".join(self.opts.mail_to)}', 'message_id': msgid}


def index_auth(opts: ReleaseOptions) -> tuple[str, str] | None:
    return (opts.index_user, opts.index_password) if opts.index_user and opts.index_password else None


def simple_url(opts: ReleaseOptions) -> str:
    """The index's simple API: --index-simple-url, else INDEX_URL/simple/."""
    assert opts.index_url
    return opts.index_simple_url or opts.index_url.rstrip('/') + '/simple/'


def _identity(item: Item) -> tuple[str, str, str, list[tuple[str, str]]]:
    return item.deliverable, item.series, item.version, [(t.repo, t.hash) for t in item.targets]


def ledger_path(opts: ReleaseOptions, items: list[Item]) -> Path:
    """--ledger, else RELEASETOOLS_LEDGER, else a file named by the request outside the work directory.

    A work directory that still holds the ledger of an earlier version (WORKDIR/ledger.jsonl) keeps
    using it while the new default does not exist: an upgrade must not forget what was done.
    """
    if opts.ledger:
        return opts.ledger
    path = default_ledger(request_identity(_identity(i) for i in items))
    legacy = opts.workdir / 'ledger.jsonl'
    return legacy if legacy.is_file() and not path.exists() and not os.environ.get(LEDGER_ENV) else path


def _os_message(exc: OSError) -> str:
    where = f'{exc.filename}: ' if exc.filename else ''
    return f'{where}{exc.strerror or exc}'


def _rst_to_html(text: str) -> str | None:
    try:
        from docutils.core import publish_string
        from docutils.writers.html5_polyglot import Writer
    except ImportError:  # pragma: no cover - docutils comes with reno and Sphinx
        return None
    out = publish_string(text, writer=Writer(), settings_overrides={'report_level': 5, 'halt_level': 5})
    return out.decode('utf-8') if isinstance(out, bytes) else str(out)


def _branches_by_version(contexts: list[Any]) -> dict[tuple[str, str], list[tuple[str, dict[str, str]]]]:
    """New branches of the request, attached to the release they start from."""
    out: dict[tuple[str, str], list[tuple[str, dict[str, str]]]] = {}
    for ctx in contexts:
        d = ctx.deliverable
        last = ctx.new_releases[-1].version if ctx.new_releases else None
        for branch in ctx.new_branches:
            if not branch.name:
                continue
            points = lineage.branch_points(d, branch) or {}
            if isinstance(branch.location, str):
                anchor = branch.location if branch.location in {r.version for r in ctx.new_releases} else last
            else:
                anchor = last
            out.setdefault((d.name, anchor or ''), []).append((branch.name, points))
    return out


def approval_gate(opts: ReleaseOptions) -> None:
    """With a team data file (``--teams``, or data/teams.yaml under the root), refuse a request it does not approve.

    The same decision as ``releasetools check-approval``: the author and the
    approvers (``--author``, ``--approver``, ``--review FILE``) must include a
    PTL or liaison of the team of every deliverable file the request changes.
    """
    from ..review.approval import Review, check_approval, load_review

    # A --review file is read even when no team data decides on it: an unreadable one is an error, not ignored.
    review = load_review(opts.review) if opts.review else Review(None)
    teams = opts.teams or opts.root / 'data' / 'teams.yaml'
    if opts.teams is None and not teams.is_file():
        return
    if not teams.is_file():
        raise UsageError(f'no team data file at {teams}', 'pass --teams FILE')
    review = Review(opts.author or review.author,
                    review.approvers | ({opts.approver} if opts.approver else set()))
    refused = [d for d in check_approval(opts.root, teams, review, base=opts.base, files=opts.files).decisions
               if not d.approved]
    if refused:
        raise ReleaseToolsError('the request is not approved, nothing was done: '
                                + '; '.join(f'{d.path} (team {d.team}): {d.reason}' for d in refused),
                                f'as releasetools check-approval decides with {teams}: pass --approver, --author '
                                'or --review FILE naming who approved it')


def request_items(opts: ReleaseOptions) -> tuple[list[Item], dict[tuple[str, str], list[tuple[str, dict[str, str]]]]]:
    """The releases (and new branches) of the validated, approved request; raises when it is neither."""
    opts.from_environment()
    check_template('--remotes', opts.remotes)
    request = read_request(opts.root, base=opts.base, files=opts.files)
    checked = check_request(request, ValidateOptions(root=opts.root, repos=opts.remotes,
                                                     cache_dir=opts.cache_dir))
    if checked.errors:
        first = checked.errors[0]
        raise ReleaseToolsError(f'the request does not validate ({len(checked.errors)} errors), nothing was done; '
                                f'first: {first.file}:{first.line}: [{first.check}] {first.message}',
                                'run releasetools validate on it')
    approval_gate(opts)
    contexts = deliverable_contexts(request, request.targets, Report())
    return items_of(contexts), _branches_by_version(contexts)


def run_release(opts: ReleaseOptions, progress: Callable[[StepResult], None] = lambda r: None) -> JobReport:
    """Run (or with dry_run, plan) every step of the request; the report says what happened.

    No error leaves with a credential in it: messages are redacted here, the job's one exit.
    The options take the environment's settings in :func:`request_items`, the first step.
    """
    try:
        return _run_release(opts, progress)
    except ReleaseToolsError as exc:
        exc.message = opts.redact(exc.message)
        exc.args = (exc.message,)
        exc.hint = opts.redact(exc.hint) if exc.hint else exc.hint
        raise


def _locks(opts: ReleaseOptions, ledger: Path) -> contextlib.ExitStack:
    """Every lock a run holds, dry runs included, in one order: the ledger's, then the work directory's.

    A dry run takes them too: it fetches into the shared workspace, which would otherwise prune a
    running job's local tag. The work directory has its own locks, since runs with different ledgers
    can share one --workdir.
    """
    holder = contextlib.ExitStack()
    paths = [ledger.with_suffix('.lock'), opts.workdir / 'ledger.lock', opts.workdir / 'workspace.lock']
    for path in dict.fromkeys(paths):
        holder.enter_context(lock(path, opts.wait))
    return holder


def _run_release(opts: ReleaseOptions, progress: Callable[[StepResult], None]) -> JobReport:
    items, branches = request_items(opts)
    report = JobReport()
    ledger = ledger_path(opts, items)
    check_local_paths(opts, ledger)
    check_inputs(opts)
    # Children (builds, uploads, signatures) end with the job: on return, on an error, on SIGTERM/SIGINT
    # (and, through their guards, when the job is killed outright).
    with _locks(opts, ledger), children.guarded():
        # Read under the lock: another run may have just finished.
        job = _Job(opts, report, progress, Ledger(ledger))
        if items:
            job.precheck(items)
            failed = [c for c in job.preflight(items) if not c.ok]
            if failed and not opts.dry_run:
                raise ReleaseToolsError('preflight failed, nothing was done: '
                                        + '; '.join(f'{c.name}: {c.detail}' for c in failed),
                                        'fix what failed and run again; --dry-run shows every check')
        for item in items:
            try:
                job.release(item, branches.pop((item.deliverable, item.version), []))
            except _Failed:
                break
        else:
            # Branches from releases the request does not add, once its releases are done.
            for (deliverable, _), rest in branches.items():
                try:
                    for name, points in rest:
                        job.branch(deliverable, name, points)
                except _Failed:
                    break
    return report

