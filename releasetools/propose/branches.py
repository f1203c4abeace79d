"""``releasetools propose-branches SERIES [--type T,...]``: the stable branches of a series, in one request.

After the library freeze the release team cuts the stable branch of every
library at its last release of the series; at the first release candidate,
the services'. Each matching deliverable gets its series' stable branch
(``lineage.series_branches``: ``stable/<release-id>``), located at its latest
release of the series. Deliverables that already have it, that have no release
to branch from, or whose ``stable-branch-type`` makes no such branch are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core import lineage
from ..core.errors import UsageError
from ..core.hints import did_you_mean
from ..core.model import Deliverable
from ..core.policy import model_takes
from ..data.yamledit import append_to_list, list_layout, render_branch
from ..data.yamlio import parse_yaml
from ..rules import DeliverableContext
from ..rules.schema import TYPES
from .cycle import Planned, Result, Skipped, propose_series

__all__ = ['ProposeBranchesOptions', 'plan_branch', 'propose_branches']

#: Branch types with no ``stable/<series>`` branch located at a release.
_NO_RELEASE_BRANCH = {'none': 'has no stable branches', 'upstream': 'follows its upstream branches',
                      'tagless': 'branches from commits, not releases'}


@dataclass(frozen=True)
class ProposeBranchesOptions:
    """What ``releasetools propose-branches`` was asked to do (see ``--help``)."""

    series: str
    types: tuple[str, ...] = ()  # empty: every type
    root: Path = Path('.')
    dry_run: bool = False


def plan_branch(ctx: DeliverableContext, text: str) -> Planned | Skipped:
    """The stable branch of one file at its latest release, appended to ``text``."""
    d = ctx.deliverable
    why = _NO_RELEASE_BRANCH.get(d.stable_branch_type)
    if why is not None:
        return Skipped(f'stable-branch-type {d.stable_branch_type}: {why}')
    if not model_takes(d.release_model, None):
        return Skipped(f'{d.release_model}: takes no new release or branch')
    names = lineage.series_branches(d, ctx.series)
    have = next((b.name for b in d.branches if b.name in names), None)
    if have is not None:
        return Skipped(f'already has {have}')
    regular = [r for r in d.releases if r.semver is not None and r.version]
    if not regular:
        return Skipped(f'no release in {d.series} to branch from')
    name, version = names[0], regular[-1].version
    assert version is not None
    data = parse_yaml(text)
    dash = (list_layout(text, data, 'branches') or list_layout(text, data, 'releases') or (2, 6))[0]
    new = append_to_list(text, 'branches', render_branch(name, version, dash=dash),
                         {'name': name, 'location': version})
    return Planned(new, f'branch {name} at {version}')


def propose_branches(opts: ProposeBranchesOptions) -> Result:
    """Append the stable branch of every matching deliverable; one request, all or nothing."""
    types = opts.types
    for t in types:
        if t not in TYPES:
            raise UsageError(f'--type {t!r} is not a deliverable type', did_you_mean(t, TYPES) or
                             f'one of: {", ".join(TYPES)}')

    def only(d: Deliverable) -> str | None:
        if not types or d.type in types:
            return None
        return f'type {d.type}: not one of {", ".join(types)}'

    return propose_series(f'propose-branches {opts.series}', opts.root, opts.series, plan_branch,
                          dry_run=opts.dry_run, only=only)
