"""The release steps that hand built files out: publish to the index, verify it, copy to the tarballs site.

Each works on the files the ledger recorded when they were built (a resumed
run reuses them, and refuses them if they changed), and checks the world
first: a file the index already serves with the same sha256 is not uploaded
again, one it serves with another sha256 is never replaced.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..artifacts import build as artifacts
from ..artifacts import children
from ..artifacts.plan import Item, Target
from ..core.errors import ReleaseToolsError
from .ledger import Ledger
from .options import ReleaseOptions, index_auth, simple_url

__all__ = ['Publisher']

#: What the index serves: file name -> (download URL, sha256 when the index says it).
_Served = dict[str, tuple[str, str | None]]


class Publisher:
    """The publish, verify and tarballs steps of every release of one run."""

    def __init__(self, opts: ReleaseOptions, ledger: Ledger) -> None:
        self.opts = opts
        self.ledger = ledger

    def dist(self, item: Item, repo: str) -> Path:
        """Where the build of ``repo`` for ``item`` puts its files."""
        return self.opts.workdir / 'dist' / item.deliverable / item.version / repo.replace('/', '_')

    def recorded(self, item: Item, t: Target) -> list[artifacts.Artifact]:
        """The built files, as the ledger recorded them (a resumed run reuses them)."""
        entry = self.ledger.get(item.key('build', t.repo)) or {}
        out = []
        for name, sha in sorted(entry.get('files', {}).items()):
            path = self.dist(item, t.repo) / name
            if not path.exists() or artifacts.sha256_of(path) != sha:
                raise ReleaseToolsError(f'{path} is missing or changed since it was built',
                                        'remove its build entry from the ledger to build again')
            dist, version = artifacts.describe(path)
            out.append(artifacts.Artifact(path, dist, version, sha))
        return out

    def _served(self, files: list[artifacts.Artifact]) -> _Served:
        return artifacts.index_files(simple_url(self.opts), files[0].name, index_auth(self.opts))

    def _served_sha(self, served: _Served, name: str) -> str:
        """The sha256 the index gives for ``name``, or that of its download when it gives none."""
        return served[name][1] or artifacts.download_sha256(served[name][0], index_auth(self.opts))

    def on_index(self, item: Item, t: Target) -> str | None:
        """'already on the index' when the index serves every built file with the built sha256.

        Builds are reproducible, so a run that built again (a fresh work directory,
        another runner) finds its own bytes there: the upload is done, not a conflict.
        """
        if self.ledger.get(item.key('build', t.repo)) is None:
            return None  # a dry run, or nothing built: the step plans or fails as usual
        try:
            files = self.recorded(item, t)
            served = self._served(files)
            for a in files:
                if a.path.name not in served:
                    return None
                if self._served_sha(served, a.path.name) != a.sha256:
                    return None  # publish() reports the conflict
        except ReleaseToolsError:
            return None  # publish() meets the same problem and reports it as its failure
        return f'already on the index with the same sha256 ({len(files)} files)'

    def publish(self, item: Item, t: Target) -> dict[str, Any]:
        files = self.recorded(item, t)
        served = self._served(files)
        todo = []
        for a in files:
            if a.path.name in served:
                sha = self._served_sha(served, a.path.name)
                if sha != a.sha256:
                    raise ReleaseToolsError(f'the index already has {a.path.name} with another sha256 ({sha})',
                                            'a published file can never be replaced: release a new version')
            else:
                todo.append(a)
        if todo:
            artifacts.upload(todo, self.opts.index_url or '', self.opts.index_user, self.opts.index_password)
        return {'detail': f'uploaded {", ".join(a.path.name for a in todo)}' if todo else 'already on the index'}

    def verify(self, item: Item, t: Target) -> dict[str, Any]:
        files = self.recorded(item, t)
        served = self._served(files)
        for a in files:
            if a.path.name not in served:
                raise ReleaseToolsError(f'the index does not serve {a.path.name}')
            # Always the download's own sha256: this step checks the bytes, not what the page says.
            sha = artifacts.download_sha256(served[a.path.name][0], index_auth(self.opts))
            if sha != a.sha256:
                raise ReleaseToolsError(f'the index serves {a.path.name} with sha256 {sha}, built {a.sha256}')
        return {'detail': f'{len(files)} files match'}

    def tarballs(self, item: Item, t: Target) -> dict[str, Any]:
        assert self.opts.tarballs
        files = self.recorded(item, t)
        written = artifacts.copy_to_tarballs(files, self.opts.tarballs, self.opts.signing_key,
                                             children.environment('gpg'))
        return {'detail': f'{len(written)} files'}
