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

Where each part lives: :meth:`_Job.release` lists the steps in order, and
each step's work is in one module: ``gitops`` (tags, pushes, branches),
``artifacts.build`` (build, twine check, uploads), ``publishing`` (publish,
verify, tarballs), ``notes``, ``announce`` (the mail, sent at most once). Before the
first step: ``intake`` (the validated, approved request), ``precheck`` (the
tags), ``preflight`` (the services). ``ledger`` remembers, ``status`` names
what happened, ``artifacts.children`` says what each child process may see. ``units`` splits
the request into units (``--plan``), ``run`` runs them (all, or ``--unit ID``), ``summary`` reports them.
"""

from __future__ import annotations

import concurrent.futures
import os
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from ..artifacts import build as artifacts
from ..artifacts import children
from ..artifacts.plan import Item, NewBranch, Target
from ..core.errors import GitError, ReleaseToolsError
from ..core.reponames import check_repo_name
from ..notes.release import release_notes
from ..review.changes import requirement_changes
from . import announce, preflight
from .announce import RepoChanges
from .gitops import Workspace, remote_tags, tag_message
from .intake import request_items
from .ledger import Ledger, ledger_path, request_identity
from .notes import write_notes
from .options import DEFAULT_SOURCE_URL, DEFAULT_SUBJECT_PREFIX, ReleaseOptions, index_auth, simple_url
from .precheck import check_tags
from .publishing import Publisher
from .status import JobReport, Status, StepResult

# The job's public names, wherever they are defined (the CLI and the tests import them from here).
__all__ = ['JobReport', 'ReleaseOptions', 'Status', 'StepResult', 'index_auth', 'ledger_path', 'request_items',
           'run_release', 'simple_url']

#: What a step's work returns: the fields of its ledger record (``detail`` is what is shown).
Record = dict[str, Any]


class _Failed(Exception):
    """A step failed (its result is already emitted): the run stops."""


class _Job:
    def __init__(self, opts: ReleaseOptions, report: JobReport, progress: Callable[[StepResult], None],
                 ledger: Ledger, working: Callable[[str], None] | None = None) -> None:
        self.opts = opts
        self.report = report
        self.progress = progress
        self.working = working
        #: The release in progress, for the progress lines: "release 2/3".
        self.position = ''
        self.ledger = ledger
        self.publisher = Publisher(opts, ledger)
        self.spaces: dict[str, Workspace] = {}
        self.tags: dict[str, dict[str, str]] = {}
        self.built: dict[str, list[artifacts.Artifact]] = {}
        #: The units this run completed (release.run).
        self.finished: set[str] = set()

    # -- bookkeeping --------------------------------------------------------------------------

    def _emit(self, key: str, action: str, label: str, status: Status, detail: str = '') -> None:
        result = StepResult(key, action, self.opts.redact(label), status, self.opts.redact(detail))
        self.report.results.append(result)
        self.progress(result)

    def say(self, what: str) -> None:
        """A progress line (redacted) as long work starts: "release 1/2: nova 33.0.2 openstack/nova: build"."""
        if self.working is not None:
            self.working(self.opts.redact(f'{self.position}: {what}' if self.position else what))

    def _fail(self, key: str, action: str, label: str, message: str) -> _Failed:
        self._emit(key, action, label, Status.FAILED, message)
        return _Failed()

    def step(self, key: str, action: str, label: str, work: Callable[[], Record | None], *,
             already: Callable[[], str | None] | None = None, plan: str = '') -> Record | None:
        """Run ``work`` unless the ledger (or ``already``) says it is done; record it when it is."""
        entry = self.ledger.get(key)
        if entry is not None:
            self._emit(key, action, label, Status.ALREADY_DONE, entry.get('detail', ''))
            return entry
        found = already() if already else None
        if found is not None:
            if not self.opts.dry_run:
                try:
                    self.ledger.record(key, action=action, detail=self.opts.redact(found))
                except ReleaseToolsError as exc:
                    raise self._fail(key, action, label, exc.message) from None
            self._emit(key, action, label, Status.ALREADY_DONE, found)
            return {'detail': found}
        if self.opts.dry_run:
            self._emit(key, action, label, Status.PLANNED, plan)
            return None
        self.say(f'{label}: {action}')
        try:
            detail = work() or {}
            detail = {k: self.opts.redact(v) if isinstance(v, str) else v for k, v in detail.items()}
            self.ledger.record(key, action=action, **detail)
        except ReleaseToolsError as exc:
            raise self._fail(key, action, label, exc.message) from None
        except OSError as exc:
            raise self._fail(key, action, label, _os_message(exc)) from None
        self._emit(key, action, label, Status.DONE, str(detail.get('detail', '')))
        return detail

    def skip(self, key: str, action: str, label: str, why: str) -> None:
        self._emit(key, action, label, Status.SKIPPED, why)

    # -- repositories -------------------------------------------------------------------------

    def space(self, repo: str) -> Workspace:
        ws = self.spaces.get(repo)
        if ws is None:
            remote = self.opts.remotes.replace('{repo}', check_repo_name(repo))
            ws = self.spaces[repo] = Workspace(self.opts.workdir, repo, remote)
            self.say(f'{repo}: fetching {remote}')
            try:
                ws.sync()
                self.tags[repo] = remote_tags(remote, ws.path)
            except GitError as exc:
                raise ReleaseToolsError(f'cannot fetch {repo} from {ws.remote}: {exc.message}') from None
        return ws

    def tag_there(self, item: Item, t: Target) -> str | None:
        return f'tag at {t.hash[:12]}' if self.tags[t.repo].get(item.version) == t.hash else None

    # -- before anything changes --------------------------------------------------------------

    def precheck(self, items: list[Item]) -> None:
        """Before anything changes: no tag may exist at another commit, every commit must exist."""
        check_tags(items, self.space, self.tags, self.opts.signing_key)

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
                       Status.PASSED if c.ok else Status.FAILED, c.detail)
        return checks

    # -- the steps of one release, in order ---------------------------------------------------

    def release(self, item: Item, branches: list[NewBranch]) -> None:
        """Tag locally, build, push the tags, create branches, publish; then notes and announcement."""
        self.tag_locally(item)
        self.build_all(item)
        self.push_tags(item)
        for branch in branches:
            self.branch(item.deliverable, branch)
        for t in item.targets:
            self.publish(item, t)
        if item.closing:
            return
        self.step(item.key('notes'), 'notes', item.label, partial(self.notes, item),
                  plan=f'write release notes under {self.notes_dir}')
        self.announce_step(item)

    def tag_locally(self, item: Item) -> None:
        """Each repository's tag, in the local clone only: nothing is pushed before the builds pass."""
        if self.opts.dry_run:
            return
        for t in item.targets:
            message = tag_message(deliverable=item.deliverable, series=item.series, version=item.version,
                                  release_type=item.release_type, previous=t.previous_version,
                                  approver=self.opts.approver, branch=item.branch, team=item.team,
                                  first_of_series=item.first_of_series, change_id=self.opts.change_id,
                                  approvers=self.approvers)
            try:
                self.space(t.repo).create_tag(item.version, t.hash, message, self.opts.signing_key)
            except ReleaseToolsError as exc:
                raise self._fail(item.key('tag', t.repo), 'tag', item.label, exc.message) from None

    @property
    def approvers(self) -> tuple[str, ...]:
        """Who approved the request, for the tag message: --approver and the --review file's approvers."""
        from ..review.approval import load_review

        review = sorted(load_review(self.opts.review).approvers) if self.opts.review else []
        return tuple(review)

    def build_all(self, item: Item) -> None:
        """Build every repository of the release at once (each build is its own process).

        Results are recorded in order, and the first failure stops the release.
        """
        builds = [t for t in item.targets if t.build]
        todo = [t for t in builds if self.ledger.get(item.key('build', t.repo)) is None and not self.opts.dry_run]
        with concurrent.futures.ThreadPoolExecutor(max(1, min(len(todo), os.cpu_count() or 1))) as pool:
            futures = {t.repo: pool.submit(self.build, item, t) for t in todo}
            for t in builds:
                self.step(item.key('build', t.repo), 'build', f'{item.label} {t.repo}',
                          partial(self.checked, t, futures.get(t.repo)),
                          plan=f'python -m build at {item.version}')

    def build(self, item: Item, t: Target) -> Record:
        ws = self.space(t.repo)
        source = ws.checkout(item.version, self.opts.workdir / 'build' / t.repo.replace('/', '_'))
        built = artifacts.build(source, self.publisher.dist(item, t.repo), item.version,
                                isolation=self.opts.isolation)
        self.built[t.repo] = built
        return {'detail': ', '.join(a.path.name for a in built),
                'files': {a.path.name: a.sha256 for a in built}}

    def checked(self, t: Target, future: concurrent.futures.Future[Record] | None) -> Record:
        """The build's result, twine-checked here in the main thread (the check swaps sys.stdout)."""
        assert future is not None
        detail = future.result()
        artifacts.twine_check(self.built[t.repo])
        return detail

    def push_tags(self, item: Item) -> None:
        signed = ' (signed)' if self.opts.signing_key else ''
        for t in item.targets:
            self.step(item.key('tag', t.repo), 'tag', f'{item.label} {t.repo}',
                      partial(self.push_tag, item, t), already=partial(self.tag_there, item, t),
                      plan=f'tag {item.version} at {t.hash[:12]} and push it{signed}')

    def push_tag(self, item: Item, t: Target) -> Record:
        if item.announce and self.ledger.get(item.key('mail-owed')) is None:
            # Recorded before the push: a run killed right after it still owes the mail.
            self.ledger.record(item.key('mail-owed'), action='mail-owed', detail=f'{t.repo} pushes the tag')
        self.space(t.repo).push_tag(item.version)
        self.tags[t.repo][item.version] = t.hash
        return {'detail': f'tag at {t.hash[:12]}'}

    def branch(self, deliverable: str, branch: NewBranch) -> None:
        """Create and push ``branch`` at its commit in each repository, unless it exists."""
        name = branch.name
        for repo, sha in branch.points.items():
            ws = self.space(repo)
            self.step(f'{deliverable}/branch {name}/{repo}', 'branch', f'{name} {repo}',
                      partial(_push_branch, ws, name, sha), already=partial(_branch_there, ws, name),
                      plan=f'create {name} at {sha[:12]}')

    def publish(self, item: Item, t: Target) -> None:
        """One repository's files: to the index (then verified there), and to the tarballs directory."""
        opts, label, publisher = self.opts, f'{item.label} {t.repo}', self.publisher
        if not t.build:
            why = 'closing tags are tagged only' if item.closing else \
                f'release-type {item.release_type} builds no Python artifacts'
            self.skip(item.key('publish', t.repo), 'publish', label, why)
            return
        if opts.index_url:
            self.step(item.key('publish', t.repo), 'publish', label, partial(publisher.publish, item, t),
                      already=partial(publisher.on_index, item, t), plan=f'upload to {opts.index_url}')
            self.step(item.key('verify', t.repo), 'verify', label, partial(publisher.verify, item, t),
                      plan='download from the index and compare sha256')
        else:
            self.skip(item.key('publish', t.repo), 'publish', label, 'no package index configured (--index-url)')
        if opts.tarballs:
            self.step(item.key('tarballs', t.repo), 'tarballs', label, partial(publisher.tarballs, item, t),
                      plan=f'copy to {opts.tarballs}' + (' with signatures' if opts.signing_key else ''))

    @property
    def notes_dir(self) -> Path:
        return self.opts.notes_dir or self.opts.workdir / 'notes'

    @property
    def announce_dir(self) -> Path:
        return self.opts.announce_dir or self.opts.workdir / 'announce'

    def notes(self, item: Item) -> Record:
        text = self.opts.redact(release_notes(item, self.space, self.opts.cache_dir))
        written = write_notes(text, self.notes_dir / item.deliverable / f'{item.version}.rst')
        return {'detail': ', '.join(str(p) for p in written)}

    def announce_step(self, item: Item) -> None:
        opts = self.opts
        if item.announce and not self.owes_mail(item):
            self.skip(item.key('announce'), 'announce', item.label,
                      'no run of this ledger pushed the tag, so it owes no mail (the run that did announces)')
        elif item.announce:
            self.step(item.key('announce'), 'announce', item.label, partial(self.announce, item),
                      plan=f'mail {", ".join(opts.mail_to)} via {opts.smtp}' if opts.smtp
                      else f'write the announcement under {self.announce_dir}')
        else:
            self.skip(item.key('announce'), 'announce', item.label, 'pre-releases before rc are not announced')

    def owes_mail(self, item: Item) -> bool:
        """Whether this ledger's runs pushed (or, in a dry run, would push) a tag of ``item``."""
        if self.ledger.get(item.key('announce')) or self.ledger.get(item.key('mail-owed')):
            return True
        return self.opts.dry_run and any(self.tags[t.repo].get(item.version) != t.hash for t in item.targets)

    def _download_link(self, name: str, version: str) -> str:
        if self.opts.index_url:
            return f'{simple_url(self.opts).rstrip("/")}/{name}/'
        return f'https://pypi.org/project/{name}/{version}/'

    def announce(self, item: Item) -> Record:
        opts = self.opts
        notes_path = self.notes_dir / item.deliverable / f'{item.version}.rst'
        repos = [self.changes(t) for t in item.targets]
        links = [self._download_link(t.name or t.repo.rsplit('/', 1)[1], item.version)
                 for t in item.targets if t.build]
        context = announce.context_of(item, repos, notes=notes_path.read_text() if notes_path.exists() else '',
                                      links=links, source_url=opts.source_url or DEFAULT_SOURCE_URL)
        mail = announce.render(context, opts.template, reply_to=opts.reply_to,
                               prefix=DEFAULT_SUBJECT_PREFIX if opts.subject_prefix is None else opts.subject_prefix)
        mail = announce.Mail(opts.redact(mail.subject), opts.redact(mail.body), mail.reply_to)
        msgid = announce.message_id(request_identity([item.identity]), opts.mail_from)
        if opts.smtp:
            return announce.send_once(self.ledger, item.key('mail-attempt'), mail, msgid, opts)
        path = self.announce_dir / f'{item.deliverable}-{item.version}.eml'
        announce.write(mail, path, opts.mail_from, opts.mail_to, msgid=msgid)
        return {'detail': str(path), 'message_id': msgid, 'file': str(path)}

    def changes(self, t: Target) -> RepoChanges:
        """What ``t``'s repository changed since its previous release, from the local clone."""
        ws = self.space(t.repo)
        requirements = requirement_changes(ws.file_at(t.previous_hash, 'requirements.txt'),
                                           ws.file_at(t.hash, 'requirements.txt')) if t.previous_hash else ()
        return RepoChanges(t.repo, t.previous_version, ws.log(t.previous_hash, t.hash),
                           ws.diffstat(t.previous_hash, t.hash), requirements)


def _push_branch(ws: Workspace, name: str, sha: str) -> Record:
    ws.push_branch(name, sha)
    return {'detail': f'{name} at {sha[:12]}'}


def _branch_there(ws: Workspace, name: str) -> str | None:
    return f'{name} exists' if ws.remote_branch(name) else None


def _os_message(exc: OSError) -> str:
    where = f'{exc.filename}: ' if exc.filename else ''
    return f'{where}{exc.strerror or exc}'


def run_release(opts: ReleaseOptions, progress: Callable[[StepResult], None] = lambda r: None,
                working: Callable[[str], None] | None = None) -> JobReport:
    """Run (or with dry_run, plan) every step of the request; the report says what happened.

    ``progress`` gets each step's result; ``working`` a line as long work starts (a fetch, a step).

    No error leaves with a credential in it: messages are redacted here, the job's one exit.
    The options take the environment's settings in :func:`request_items`, the first step.
    """
    try:
        from .run import run_plan

        return run_plan(opts, progress, working)
    except ReleaseToolsError as exc:
        exc.message = opts.redact(exc.message)
        exc.args = (exc.message,)
        exc.hint = opts.redact(exc.hint) if exc.hint else exc.hint
        raise
