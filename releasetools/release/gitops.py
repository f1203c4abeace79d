"""The release job's git work: a local clone per repository, tags, pushes, branches.

Every call goes through ``gitrepo.run_git``, with the allow-listed environment of
``children.environment('git')`` (GNUPGHOME only when a tag is signed). The clone is bare and kept in
the work directory, fetched again on each run, so re-runs are cheap and a
build always has the full history pbr needs (a shallow clone would silently
build version 0.0.0).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from pathlib import Path

from ..artifacts import children
from ..core.errors import GitError, ReleaseToolsError
from ..core.redact import remote_auth
from ..git.process import Result
from ..git.repo import run_git as _run_git
from ..notes.release import EMPTY_TREE

__all__ = ['Workspace', 'remote_auth', 'remote_tags', 'tag_message']

# What a signed tag object carries after its message (gpg; ssh and x509 signatures too).
_SIGNATURES = (b'-----BEGIN PGP SIGNATURE-----', b'-----BEGIN SSH SIGNATURE-----', b'-----BEGIN SIGNED MESSAGE-----')


def run_git(args: Sequence[str], cwd: str | os.PathLike[str], *, input: bytes | None = None, check: bool = True,
            env: dict[str, str] | None = None, signing: bool = False) -> Result:
    """git with only the environment git needs (and gpg's, when it signs)."""
    base = children.environment('git+gpg' if signing else 'git')
    return _run_git(args, cwd, input=input, check=check, env=env, base_env=base)


def _dirname(repo: str) -> str:
    digest = hashlib.sha256(repo.encode()).hexdigest()[:8]
    return re.sub(r'[^\w.-]+', '_', repo) + f'-{digest}.git'


def tag_message(*, deliverable: str, series: str, version: str, release_type: str, previous: str | None,
                approver: str | None, branch: str = 'master', team: str | None = None,
                first_of_series: bool = False, change_id: str | None = None,
                approvers: Sequence[str] = ()) -> str:
    """The annotated tag's message: a title, what the release is, and ``meta:`` lines machines can read.

    The review trail (``change_id``, ``approvers``, with ``approver`` among them) is given only when known.
    """
    who = sorted({*approvers, *([approver] if approver else [])})
    lines = [f'{deliverable} {version}', '']
    if series == '_independent':
        lines.append(f'{deliverable} {version}, an independent release made on {branch}.')
    else:
        first = 'the first release' if first_of_series else 'a release'
        lines.append(f'{deliverable} {version}, {first} of the {series} series, made on {branch}.')
    if who:
        lines.append(f'Approved by {", ".join(who)}' + (f' in change {change_id}.' if change_id else '.'))
    elif change_id:
        lines.append(f'Merged through change {change_id}.')
    lines.append('')
    meta = {'deliverable': deliverable, 'series': series, 'version': version, 'release-type': release_type,
            'diff-start': previous or '-', 'approver': ', '.join(who) or '-', 'branch': branch,
            'team': team or '-', 'first-of-series': 'yes' if first_of_series else 'no'}
    if change_id:
        meta['change-id'] = change_id
    lines += [f'meta:{k}: {v}' for k, v in meta.items()]
    return '\n'.join(lines) + '\n'


def remote_tags(remote: str, cwd: Path) -> dict[str, str]:
    """Tags of ``remote`` peeled to commits, from one ``ls-remote``."""
    url, auth = remote_auth(remote)
    out = run_git(['ls-remote', '--tags', url], cwd, env=auth).stdout.decode()
    tags: dict[str, str] = {}
    peeled: dict[str, str] = {}
    for line in out.splitlines():
        sha, _, ref = line.partition('\t')
        name = ref[len('refs/tags/'):]
        if name.endswith('^{}'):
            peeled[name[:-3]] = sha
        else:
            tags[name] = sha
    return {**tags, **peeled}


class Workspace:
    """A bare clone of one repository under the work directory."""

    def __init__(self, workdir: Path, repo: str, remote: str) -> None:
        self.repo = repo
        # The clone's config keeps the URL without its password; git gets that from self.auth.
        self.remote, self.auth = remote_auth(remote)
        self.path = workdir / 'repos' / _dirname(repo)

    def sync(self) -> None:
        """Clone once, then fetch every branch and tag of the remote (the one given now, not a past run's)."""
        if not (self.path / 'HEAD').exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            run_git(['init', '-q', '--bare', str(self.path)], self.path.parent)
            run_git(['remote', 'add', 'origin', self.remote], self.path)
        else:
            run_git(['remote', 'set-url', 'origin', self.remote], self.path)
        run_git(['fetch', '-q', '--prune', '--force', 'origin', '+refs/heads/*:refs/heads/*',
                 '+refs/tags/*:refs/tags/*'], self.path, env=self.auth)

    def has_commit(self, sha: str) -> bool:
        proc = run_git(['cat-file', '-t', sha], self.path, check=False)
        return proc.returncode == 0 and proc.stdout.strip() == b'commit'

    def local_tag(self, version: str) -> str | None:
        proc = run_git(['rev-parse', '--verify', '--quiet', f'refs/tags/{version}^{{commit}}'], self.path,
                       check=False)
        return proc.stdout.decode().strip() if proc.returncode == 0 else None

    def create_tag(self, version: str, sha: str, message: str, signing_key: str | None) -> None:
        """An annotated (or signed) tag, unless one already points at ``sha``."""
        existing = self.local_tag(version)
        if existing == sha:
            return
        if existing is not None:
            raise ReleaseToolsError(f'{self.repo}: tag {version} already points at {existing}, not {sha}',
                                    'tags are never moved: fix the release request')
        args = ['tag', '-s', '-u', signing_key] if signing_key else ['tag', '-a']
        try:
            run_git([*args, '-F', '-', version, sha], self.path, input=message.encode(), signing=bool(signing_key))
        except GitError as exc:
            raise ReleaseToolsError(f'{self.repo}: cannot create tag {version}: {exc.message}',
                                    'check the signing key and GNUPGHOME' if signing_key else None) from None

    def tag_kind(self, version: str) -> str | None:
        """``lightweight``, ``annotated`` or ``signed`` (an annotated tag carrying a signature), None if absent."""
        proc = run_git(['cat-file', '-t', f'refs/tags/{version}'], self.path, check=False)
        if proc.returncode != 0:
            return None
        if proc.stdout.strip() != b'tag':
            return 'lightweight'
        body = run_git(['cat-file', 'tag', f'refs/tags/{version}'], self.path).stdout
        return 'signed' if any(marker in body for marker in _SIGNATURES) else 'annotated'

    def tag_signers(self, version: str) -> set[str] | None:
        """Fingerprints of the key that made the tag's good signature (primary and signing key), None if none."""
        proc = run_git(['verify-tag', '--raw', f'refs/tags/{version}'], self.path, check=False, signing=True)
        if proc.returncode != 0:
            return None
        out: set[str] = set()
        for line in proc.stderr.decode('utf-8', 'replace').splitlines():
            words = line.split()
            if words[:2] == ['[GNUPG:]', 'VALIDSIG']:
                out |= {words[2], words[-1]}
        return out or None

    def push_tag(self, version: str) -> None:
        run_git(['push', '-q', 'origin', f'refs/tags/{version}:refs/tags/{version}'], self.path, env=self.auth)

    def push_branch(self, name: str, sha: str) -> None:
        run_git(['push', '-q', 'origin', f'{sha}:refs/heads/{name}'], self.path, env=self.auth)

    def remote_branch(self, name: str) -> str | None:
        out = run_git(['ls-remote', '--heads', 'origin', f'refs/heads/{name}'], self.path,
                      env=self.auth).stdout.decode()
        return out.split('\t', 1)[0] if out.strip() else None

    def checkout(self, version: str, into: Path) -> Path:
        """A full clone checked out at the tag, for building (pbr reads the tag)."""
        if into.exists():
            run_git(['fetch', '-q', '--force', 'origin', f'+refs/tags/{version}:refs/tags/{version}'], into)
        else:
            into.parent.mkdir(parents=True, exist_ok=True)
            run_git(['clone', '-q', '--no-checkout', str(self.path), str(into)], into.parent)
        run_git(['checkout', '-q', '--force', f'refs/tags/{version}'], into)
        run_git(['clean', '-q', '-fdx'], into)
        return into

    def diffstat(self, previous: str | None, sha: str) -> list[str]:
        """``git diff --stat`` of ``previous..sha`` (the whole tree when there is no previous release)."""
        out = run_git(['diff', '--stat=72', '--no-color', previous or EMPTY_TREE, sha, '--'], self.path,
                      check=False).stdout
        return out.decode('utf-8', 'replace').splitlines()

    def file_at(self, sha: str | None, path: str) -> bytes | None:
        """The contents of ``path`` at commit ``sha`` (None: no such file, or no commit)."""
        if not sha:
            return None
        proc = run_git(['cat-file', 'blob', f'{sha}:{path}'], self.path, check=False)
        return proc.stdout if proc.returncode == 0 else None

    def log(self, previous: str | None, sha: str) -> list[str]:
        """The shortlog lines (no merges) of ``previous..sha``."""
        spec = f'{previous}..{sha}' if previous else sha
        out = run_git(['log', '--no-merges', '--format=%h %s', spec], self.path, check=False).stdout
        return out.decode('utf-8', 'replace').splitlines()
