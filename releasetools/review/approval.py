"""``releasetools check-approval``: did the owning team approve each release it asks for?

The team data file maps each team to the people who may approve its
releases::

    teams:
      nova:
        ptl: alice
        liaisons: [bob, carol]

The review (author and approvers) comes from arguments or from a JSON file
as a code-review system exports it: either ``{"author": "...", "approvers":
["...", ...]}``, or a Gerrit ChangeInfo (``owner.username`` and the
``labels["Code-Review"].all`` votes; a vote of +1 or more approves).
The author of a request counts as an approver of it: a PTL proposing the
release of their own team's deliverable needs no second voice from the team.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import UsageError
from ..core.hints import did_you_mean
from ..data.request import read_request
from ..data.yamlio import YamlProblem, YMap, read_yaml_file

__all__ = ['Decision', 'Review', 'Team', 'check_approval', 'decide', 'load_review', 'load_teams']


@dataclass(frozen=True)
class Team:
    """Who may approve a team's releases."""

    name: str
    ptl: str | None
    liaisons: frozenset[str] = frozenset()

    @property
    def approvers(self) -> frozenset[str]:
        return self.liaisons | ({self.ptl} if self.ptl else set())


@dataclass(frozen=True)
class Review:
    """The request's author and the people who approved it."""

    author: str | None
    approvers: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Decision:
    """The verdict for one changed deliverable file."""

    path: str
    team: str | None
    approved_by: tuple[str, ...] = ()
    needed: tuple[str, ...] = ()
    reason: str = ''

    @property
    def approved(self) -> bool:
        return bool(self.approved_by)


@dataclass
class ApprovalReport:
    decisions: list[Decision] = field(default_factory=list)

    @property
    def approved(self) -> bool:
        return all(d.approved for d in self.decisions)


def load_teams(path: Path) -> dict[str, Team]:
    """Read the team data file; a malformed one is a usage error naming file and line."""
    try:
        data = read_yaml_file(path)
    except YamlProblem as problem:
        raise UsageError(f'{path}:{problem.line}: {problem.message}', problem.hint) from None
    teams = data.get('teams') if isinstance(data, YMap) else None
    if not isinstance(teams, YMap):
        raise UsageError(f'{path}: expected a mapping "teams:" of team name to {{ptl, liaisons}}',
                         'see releasetools check-approval --help for the format')
    out: dict[str, Team] = {}
    for name, entry in teams.items():
        line = teams.line_of(name)
        if not isinstance(entry, YMap):
            raise UsageError(f'{path}:{line}: team {name!r} must be a mapping with ptl and liaisons')
        unknown = set(entry) - {'ptl', 'liaisons'}
        if unknown:
            key = sorted(unknown)[0]
            raise UsageError(f'{path}:{entry.line_of(key)}: unknown key {key!r} in team {name!r}',
                             did_you_mean(str(key), ('ptl', 'liaisons')))
        ptl = entry.get('ptl')
        liaisons = entry.get('liaisons') or []
        if (ptl is not None and not isinstance(ptl, str)) or not isinstance(liaisons, list) \
                or not all(isinstance(x, str) for x in liaisons):
            raise UsageError(f'{path}:{line}: team {name!r}: ptl is a user name and liaisons a list of them')
        out[str(name)] = Team(str(name), ptl, frozenset(liaisons))
    return out


def load_review(path: Path) -> Review:
    """A review exported as JSON: the simple form or a Gerrit ChangeInfo."""
    try:
        data: Any = json.loads(path.read_text(encoding='utf-8'))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f'cannot read {path}: {exc}') from None
    except json.JSONDecodeError as exc:
        raise UsageError(f'{path}:{exc.lineno}: not JSON: {exc.msg}') from None
    if not isinstance(data, dict):
        raise UsageError(f'{path}: expected a JSON object')
    if 'owner' in data or 'labels' in data:
        owner = data.get('owner') or {}
        votes = ((data.get('labels') or {}).get('Code-Review') or {}).get('all') or []
        approvers = {v.get('username') for v in votes
                     if isinstance(v, dict) and isinstance(v.get('value'), int) and v['value'] > 0}
        return Review(owner.get('username') if isinstance(owner, dict) else None,
                      frozenset(a for a in approvers if isinstance(a, str)))
    approvers = data.get('approvers', [])
    if not isinstance(approvers, list) or not all(isinstance(a, str) for a in approvers):
        raise UsageError(f'{path}: "approvers" must be a list of user names')
    author = data.get('author')
    return Review(author if isinstance(author, str) else None, frozenset(approvers))


def decide(files: Iterable[tuple[str, str | None]], teams: Mapping[str, Team], review: Review) -> ApprovalReport:
    """Pure: for each (path, team) changed, whether one of the team's approvers approved."""
    report = ApprovalReport()
    voices = set(review.approvers) | ({review.author} if review.author else set())
    for path, team_name in files:
        team = teams.get(team_name or '')
        if team is None:
            hint = did_you_mean(team_name or '', teams) or 'add the team to the team data file'
            report.decisions.append(Decision(path, team_name, reason=f'team {team_name!r} is not in the team '
                                             f'data file ({hint})'))
            continue
        needed = tuple(sorted(team.approvers))
        approved_by = tuple(sorted(voices & team.approvers))
        reason = (f'approved by {", ".join(approved_by)}' if approved_by else
                  f'needs the approval of one of {", ".join(needed)}' if needed else
                  f'team {team.name} has no PTL or liaison to approve it')
        report.decisions.append(Decision(path, team.name, approved_by, needed, reason))
    return report


def check_approval(root: Path, teams_file: Path, review: Review, *, base: str | None = None,
                   files: Sequence[str] = ()) -> ApprovalReport:
    """Decide for every deliverable file the request changes."""
    from ..data.load import load_deliverable_file

    teams = load_teams(teams_file)
    request = read_request(root, base=base, files=files)
    changed = []
    for rel in request.targets:
        loaded = load_deliverable_file(root, rel)
        team = loaded.deliverable.team if loaded.deliverable is not None else None
        changed.append((rel, team))
    return decide(changed, teams, review)
