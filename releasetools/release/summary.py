"""``release --summary``: what became of every unit of the request, from the ledger and the world.

Per unit: ``done`` (its outcome record says so, or with no record the world does:
every tag on its remote at the release commit), ``failed`` (the step and why),
``skipped`` (why), else ``remains``. The steps are the ledger's records of the
unit. Nothing is changed; the only reads of the world are one ``ls-remote`` per
repository of a unit the ledger does not call done.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..artifacts.plan import Branches
from ..core.errors import GitError
from ..core.reponames import check_repo_name
from .gitops import remote_tags
from .intake import request_items
from .ledger import Ledger, ledger_path, request_identity
from .options import ReleaseOptions
from .units import Unit, plan_of

__all__ = ['UNIT_STATUSES', 'UnitSummary', 'summarize']

UNIT_STATUSES = ('done', 'failed', 'skipped', 'remains')
#: Ledger records that are bookkeeping, not steps.
_INTERNAL = frozenset({'unit', 'mail-owed', 'mail-attempt'})


@dataclass(frozen=True)
class UnitSummary:
    id: str
    status: str
    steps: tuple[dict[str, str], ...]

    def as_json(self) -> dict[str, Any]:
        return {'id': self.id, 'status': self.status, 'steps': [dict(s) for s in self.steps]}


def _steps(ledger: Ledger, unit: Unit, branches: Branches) -> list[dict[str, str]]:
    item = unit.item
    prefix = item.key('') + '/'
    branch_keys = {f'{item.deliverable}/branch {b.name}/{repo}'
                   for b in branches.get((item.deliverable, item.version), []) for repo in b.points}
    out = []
    for key, entry in ledger.done.items():
        action = str(entry.get('action', ''))
        if (key.startswith(prefix) or key in branch_keys) and action not in _INTERNAL:
            repo = key[len(prefix):].rpartition('/')[0] if key.startswith(prefix) else key.split('/', 2)[-1]
            out.append({'action': action, 'label': f'{item.label} {repo}'.strip(), 'status': 'done',
                        'detail': str(entry.get('detail', ''))})
    return out


def _world_done(opts: ReleaseOptions, unit: Unit) -> bool:
    """Every tag of the unit on its remote at the release commit (one ls-remote per repository)."""
    for t in unit.item.targets:
        try:
            tags = remote_tags(opts.remotes.replace('{repo}', check_repo_name(t.repo)), opts.root)
        except GitError:
            return False
        if tags.get(unit.item.version) != t.hash:
            return False
    return bool(unit.item.targets)


def summarize(opts: ReleaseOptions) -> tuple[str, list[UnitSummary]]:
    """The request's ledger id and each unit's summary, in plan order."""
    items, branches = request_items(opts)
    plan = plan_of(opts, items)
    ledger = Ledger(ledger_path(opts, items))
    out = []
    for unit in plan.units:
        steps = _steps(ledger, unit, branches)
        record = ledger.get(unit.item.key('unit')) or {}
        status = str(record.get('status', ''))
        if status == 'failed':
            steps.append({'action': str(record.get('step', '')), 'label': str(record.get('label', unit.item.label)),
                          'status': 'failed', 'detail': str(record.get('detail', ''))})
        elif status == 'skipped':
            steps.append({'action': 'unit', 'label': unit.item.label, 'status': 'skipped',
                          'detail': str(record.get('detail', ''))})
        elif status != 'done':
            status = 'remains'
            if _world_done(opts, unit):
                status = 'done'
                steps.append({'action': 'tag', 'label': unit.item.label, 'status': 'done',
                              'detail': 'the world says so: every tag is on its remote at the release commit '
                                        '(this ledger has no record of the unit)'})
        out.append(UnitSummary(unit.id, status, tuple(steps)))
    return request_identity(i.identity for i in items)[:32], out
