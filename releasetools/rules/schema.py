"""Schema rules: known keys, value types and enumerations, required keys.

One walk over the raw file collects every schema event; each rule picks its
own kind, so a file is walked once however many schema rules there are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..core.findings import Severity
from ..core.hints import did_you_mean
from ..data.yamlio import YList, YMap
from . import DeliverableContext, Problem, rule

TYPES = ('service', 'library', 'client-library', 'horizon-plugin', 'tempest-plugin', 'trailing', 'other')
RELEASE_MODELS = ('cycle-with-rc', 'cycle-with-intermediary', 'cycle-automatic', 'untagged', 'abandoned',
                  'cycle-with-milestones', 'cycle-trailing')
RELEASE_TYPES = ('python-service', 'python-pypi', 'xstatic', 'nodejs', 'puppet', 'neutron', 'horizon',
                 'generic', 'openstack-virtual-baremetal', 'manila-image-elements', 'fuel', 'js')
STABLE_BRANCH_TYPES = ('std', 'std-with-versions', 'tagless', 'upstream', 'none')
SERIES_STATUSES = ('future', 'development', 'maintained', 'extended maintenance', 'unmaintained',
                   'end of life')
RELEASE_FLAGS = ('forced', 'skipped-sig')
REPO_FLAGS = ('no-artifact-build-job', 'retired')


@dataclass(frozen=True, slots=True)
class Event:
    kind: str  # unknown, type, enum, missing, version
    line: int
    message: str
    hint: str | None = None


def _is_str(v: Any) -> bool:
    return isinstance(v, str)


def _is_bool(v: Any) -> bool:
    return isinstance(v, bool)


def _is_str_or_int(v: Any) -> bool:
    return isinstance(v, (str, int)) and not isinstance(v, bool)


def _is_list_of_str(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def _is_notes(v: Any) -> bool:
    return isinstance(v, str) or (isinstance(v, Mapping) and all(isinstance(x, str) for x in v.values()))


def _is_location(v: Any) -> bool:
    return isinstance(v, str) or (isinstance(v, Mapping) and all(isinstance(x, str) for x in v.values()))


# key -> (type test, what the key expects, allowed values or None)
Field = tuple[Callable[[Any], bool], str, tuple[str, ...] | None]

TOP: dict[str, Field] = {
    'team': (_is_str, 'a team name', None),
    'type': (_is_str, 'a deliverable type', TYPES),
    'release-model': (_is_str, 'a release model', RELEASE_MODELS),
    'launchpad': (_is_str, 'a Launchpad project name', None),
    'storyboard': (_is_str_or_int, 'a StoryBoard project', None),
    'release-notes': (_is_notes, 'a URL or a map of repository to URL', None),
    'release-type': (_is_str, 'a release type', RELEASE_TYPES),
    'include-pypi-link': (_is_bool, 'true or false', None),
    'artifact-link-mode': (_is_str, 'an artifact link mode', ('tarball', 'none')),
    'stable-branch-type': (_is_str, 'a stable branch type', STABLE_BRANCH_TYPES),
    'stable-status': (_is_str, 'a series status', SERIES_STATUSES),
    'cycle-highlights': (_is_list_of_str, 'a list of reStructuredText strings', None),
    'repository-settings': (lambda v: isinstance(v, Mapping), 'a map of repository to settings', None),
    # ``releases:`` with nothing after it is how many real files say "none yet".
    'releases': (lambda v: v is None or isinstance(v, list), 'a list of releases', None),
    'branches': (lambda v: isinstance(v, list), 'a list of branches', None),
}
RELEASE: dict[str, Field] = {
    'version': (_is_str, 'a quoted version string', None),
    'projects': (lambda v: isinstance(v, list), 'a list of repositories with hashes', None),
    'diff-start': (_is_str, 'a version string', None),
    'flags': (_is_list_of_str, 'a list of flags', None),
}
PROJECT: dict[str, Field] = {
    'repo': (_is_str, 'a repository name such as openstack/nova', None),
    'hash': (_is_str, 'a 40-digit commit hash', None),
    'tarball-base': (_is_str, 'a tarball name', None),
    'comment': (_is_str, 'a comment', None),
}
BRANCH: dict[str, Field] = {
    'name': (_is_str, 'a branch name', None),
    'location': (_is_location, 'a version or a map of repository to commit', None),
}
REPO_SETTINGS: dict[str, Field] = {
    'pypi-name': (_is_str, 'a PyPI project name', None),
    'tarball-base': (_is_str, 'a tarball name', None),
    'flags': (_is_list_of_str, 'a list of flags', None),
}

REQUIRED_TOP = ('team', 'type')
REQUIRED = {'release': ('version', 'projects'), 'project': ('repo', 'hash'), 'branch': ('name', 'location')}


def _type_name(v: Any) -> str:
    if isinstance(v, bool):
        return 'a boolean'
    if v is None:
        return 'empty'
    return {YMap: 'a mapping', YList: 'a list', str: 'a string', int: 'a number', float: 'a number'}.get(
        type(v), type(v).__name__)


def _check_map(m: Any, fields: dict[str, Field], where: str, line: int, events: list[Event],  # noqa: PLR0917
               required: tuple[str, ...] = ()) -> bool:
    """Check one mapping's keys and values; False when it is not a mapping at all."""
    if not isinstance(m, YMap):
        events.append(Event('type', line, f'{where} must be a mapping, not {_type_name(m)}'))
        return False
    # A key's line is looked up only for a finding: most keys are fine, and this runs for every mapping.
    plain = _plain_values(fields)
    for key, value in m.items():
        if plain.get(key) is value.__class__:
            continue  # a value of this class passes every check of its key: no test to call
        spec = fields.get(key)
        if spec is None:
            events.append(Event('unknown', m.line_of(key), f'unknown key {key!r} in {where}',
                                did_you_mean(str(key), fields)))
            continue
        test, expected, allowed = spec
        if key == 'version' and not isinstance(value, str):
            text = (m.scalar_text or {}).get(key, str(value))
            read_as = _type_name(value) + (f' ({value!r})' if isinstance(value, float) else '')
            events.append(Event('version', m.line_of(key),
                                f'version {text} is not a string: YAML reads it as {read_as}',
                                f"quote it: version: '{text}'"))
            continue
        if not test(value):
            events.append(Event('type', m.line_of(key),
                                f'{key!r} in {where} must be {expected}, not {_type_name(value)}'))
            continue
        if allowed is not None and value not in allowed:
            hint = did_you_mean(value, allowed) or 'one of: ' + ', '.join(allowed)
            events.append(Event('enum', m.line_of(key), f'{key!r} in {where} is {value!r}, which is not {expected} '
                                'this tool knows', hint))
        if key == 'flags':
            known = RELEASE_FLAGS if fields is RELEASE else REPO_FLAGS
            for flag in value:
                if flag not in known:
                    events.append(Event('enum', m.line_of(key), f'unknown flag {flag!r} in {where}',
                                        did_you_mean(flag, known) or 'one of: ' + ', '.join(known)))
    for key in required:
        if key not in m:
            events.append(Event('missing', m.line, f'{where} has no {key!r}'))
    return True


_PLAIN: dict[int, dict[str, type]] = {}
_BY_CONTENT = (_is_list_of_str, _is_notes, _is_location)


def _plain_values(fields: dict[str, Field]) -> dict[str, type]:
    """Per key of ``fields``, the class of value that nothing can be said about (str for a free string)."""
    plain = _PLAIN.get(id(fields))
    if plain is None:
        plain = _PLAIN[id(fields)] = {}
        for key, (test, _, allowed) in fields.items():
            if allowed is not None or key == 'flags':
                continue  # each value is looked up in a set of known ones
            if test('x'):
                plain[key] = str
            elif test not in _BY_CONTENT:  # a list's or a mapping's test that looks at the items: never here
                plain.update((key, cls) for cls in (YList, YMap) if test(cls()))
    return plain


def _clean(m: Any, plain: dict[str, type], required: tuple[str, ...]) -> bool:
    """Whether :func:`_check_map` would find nothing in ``m``: every value passes on its class, none is missing."""
    if m.__class__ is not YMap:
        return False
    for key, value in m.items():
        if plain.get(key) is not value.__class__:
            return False
    return all(map(m.__contains__, required))


def _walk_releases(releases: YList, events: list[Event]) -> None:
    """The schema events of the releases and their projects.

    Most releases and projects are clean: one quick look each, the full check for the others.
    """
    release_plain, project_plain = _plain_values(RELEASE), _plain_values(PROJECT)
    for i, r in enumerate(releases):
        if _clean(r, release_plain, REQUIRED['release']) or _check_map(
                r, RELEASE, f'release #{i + 1}', releases.item_lines[i], events, REQUIRED['release']):
            projects = r.get('projects')
            if isinstance(projects, YList):
                for j, p in enumerate(projects):
                    if not _clean(p, project_plain, REQUIRED['project']):
                        _check_map(p, PROJECT, 'a project of the release', projects.item_lines[j], events,
                                   REQUIRED['project'])


def _walk(ctx: DeliverableContext) -> list[Event]:
    cached: list[Event] | None = ctx.cache.get('schema')
    if cached is not None:
        return cached
    raw = ctx.deliverable.raw
    events: list[Event] = []
    _check_map(raw, TOP, 'the deliverable', 1, events, REQUIRED_TOP)
    releases = raw.get('releases')
    if isinstance(releases, YList):
        _walk_releases(releases, events)
    branches = raw.get('branches')
    if isinstance(branches, YList):
        for i, b in enumerate(branches):
            _check_map(b, BRANCH, f'branch #{i + 1}', branches.item_lines[i], events, REQUIRED['branch'])
    settings = raw.get('repository-settings')
    if isinstance(settings, YMap):
        for repo, value in settings.items():
            if value is not None:  # "openstack/nova:" with nothing under it is fine
                _check_map(value, REPO_SETTINGS, f'repository-settings of {repo}', settings.line_of(repo), events)
    if ctx.deliverable.is_independent and raw.get('release-model') == 'independent':
        # Redundant there, not wrong: RT106 says so as a warning.
        model_line = raw.line_of('release-model') if isinstance(raw, YMap) else 0
        events = [e for e in events if not (e.kind == 'enum' and e.line == model_line)]
    ctx.cache['schema'] = events
    return events


def _pick(ctx: DeliverableContext, kind: str) -> Iterator[Problem]:
    for e in _walk(ctx):
        if e.kind == kind:
            yield Problem(e.line, e.message, e.hint)


@rule('RT101')
def check_unknown_keys(ctx: DeliverableContext) -> Iterator[Problem]:
    """Every key is one the data format defines.

    Unknown keys are almost always typos (``relase-notes``) that would make the
    value silently ignored. The hint names the closest known key.
    """
    return _pick(ctx, 'unknown')


@rule('RT102')
def check_value_types(ctx: DeliverableContext) -> Iterator[Problem]:
    """Every value has the type its key requires.

    For example ``releases`` is a list, ``include-pypi-link`` is true or false,
    and ``flags`` is a list (``flags: -retired`` is a string).
    """
    return _pick(ctx, 'type')


@rule('RT103')
def check_enumerations(ctx: DeliverableContext) -> Iterator[Problem]:
    """Values from a fixed set are members of it.

    ``type``, ``release-model``, ``release-type``, ``stable-branch-type``,
    ``stable-status``, ``artifact-link-mode`` and flags take known values only.
    """
    return _pick(ctx, 'enum')


@rule('RT104')
def check_required_keys(ctx: DeliverableContext) -> Iterator[Problem]:
    """Required keys are present.

    A deliverable needs ``team`` and ``type``; a release needs ``version``
    and ``projects``; a project ``repo`` and ``hash``; a branch ``name`` and
    ``location``.
    """
    return _pick(ctx, 'missing')


@rule('RT105')
def check_version_is_string(ctx: DeliverableContext) -> Iterator[Problem]:
    """Versions are strings.

    YAML reads ``version: 1.10`` as the number 1.1, which is a different
    version. Quote versions that look like numbers: ``version: '1.10'``.
    """
    return _pick(ctx, 'version')


@rule('RT106')
def check_independent_model(ctx: DeliverableContext) -> Iterator[Problem]:
    """Files in ``_independent/`` have no release-model (unless abandoned).

    Their model is *independent* by where they are; any other model there is
    a contradiction. ``release-model: independent`` there is only redundant
    (the release team's own files say it), so it is a warning.
    """
    d = ctx.deliverable
    if not d.is_independent or d.release_model in (None, 'abandoned'):
        return
    if d.release_model == 'independent':
        yield Problem(d.line_of('release-model'), "release-model 'independent' is redundant in _independent/",
                      'remove release-model: the directory already says it', Severity.WARNING)
        return
    yield Problem(d.line_of('release-model'),
                  f'release-model {d.release_model!r} contradicts the _independent/ directory',
                  'remove release-model (or move the file to a series directory)')


@rule('RT107', severity=Severity.WARNING)
def check_bug_tracker(ctx: DeliverableContext) -> Iterator[Problem]:
    """A bug tracker is named (``launchpad`` or ``storyboard``).

    A warning: the releases site and announcements link to it.
    """
    raw = ctx.deliverable.raw
    if isinstance(raw, YMap) and 'launchpad' not in raw and 'storyboard' not in raw:
        yield Problem(1, 'no bug tracker: neither launchpad nor storyboard is set',
                      'add launchpad: <project> or storyboard: <project>')


@rule('RT108', severity=Severity.WARNING)
def check_release_model_named(ctx: DeliverableContext) -> Iterator[Problem]:
    """A deliverable of a series names its release model.

    A warning: the data format does not require it (old series files lack
    it), but without it the version rules cannot tell which model applies.
    """
    if not ctx.has_base and _lacks_model(ctx):  # with a base, RT109 makes it an error
        yield Problem(1, 'the deliverable has no release-model', 'add e.g. release-model: cycle-with-rc')


def _lacks_model(ctx: DeliverableContext) -> bool:
    d = ctx.deliverable
    return not d.is_independent and isinstance(d.raw, YMap) and 'release-model' not in d.raw


@rule('RT109', needs_base=True)
def check_release_model_required(ctx: DeliverableContext) -> Iterator[Problem]:
    """A series file that a request adds or changes names its release model.

    The data format lets old files go without one, and ``--all`` only warns
    (RT108); but a file a request touches is being released now, and which
    version rules apply depends on the model, so the request must say it.
    """
    if _lacks_model(ctx):
        yield Problem(1, 'the deliverable has no release-model, and this request changes it',
                      'add e.g. release-model: cycle-with-rc (or cycle-with-intermediary, untagged ...)')
