"""What the job takes in: the merged request, validated and approved, as releases and new branches.

Nothing is done for a request that does not validate, or that the team data
(when there is some) does not approve: the job refuses before its first step.
"""

from __future__ import annotations

from ..artifacts.plan import Branches, Item, branches_of, items_of
from ..core.errors import ReleaseToolsError, UsageError
from ..core.findings import Report
from ..data.request import read_request
from ..git.mirrors import check_template
from ..rules.context import deliverable_contexts
from ..validate import ValidateOptions, check_request
from .options import ReleaseOptions

__all__ = ['approval_gate', 'request_items']


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


def request_items(opts: ReleaseOptions) -> tuple[list[Item], Branches]:
    """The releases (and new branches) of the validated, approved request; raises when it is neither."""
    opts.from_environment()
    check_template('--repos', opts.remotes)
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
    return items_of(contexts), branches_of(contexts)
