"""Series rules: which series a file belongs to, whether it takes releases (``core.policy``), and what the
calendar of the series in development allows on the day a request is checked (RT405, RT406)."""

from __future__ import annotations

from collections.abc import Iterator

from ..core.findings import Severity
from ..core.hints import did_you_mean, no_status
from ..core.model import Release
from ..core.policy import model_takes, series_takes
from . import DeliverableContext, Problem, rule


def _closing(release: Release) -> str | None:
    """The kind of closing tag ``release`` is (``eol``, ``eom``, ``em``, ``last``), None for a regular release."""
    tag = release.closing_tag
    return tag.kind if tag is not None else None


@rule('RT401')
def check_series_exists(ctx: DeliverableContext) -> Iterator[Problem]:
    """The file's series is listed in ``data/series_status.yaml``.

    The series is the directory the file is in; ``_independent`` is the only
    directory that is not a series.
    """
    d = ctx.deliverable
    if not d.is_independent and d.series not in ctx.series:
        yield Problem(1, f'series {d.series!r} is not in data/series_status.yaml',
                      did_you_mean(d.series, ctx.series.names) or 'add the series to data/series_status.yaml first')


@rule('RT402', needs_base=True)
def check_series_open(ctx: DeliverableContext) -> Iterator[Problem]:
    """New releases go only to an open series.

    A series takes releases while its status (or the file's ``stable-status``
    as it was before the request) is ``development`` or ``maintained``. Closing tags (``-eom``, ``-eol``,
    ``-last``) are also accepted in extended maintenance and unmaintained series, and
    ``-eol`` and ``-last`` even in an ``end of life`` series: the release team declares
    the series closed first and tags the stragglers (and the branchless tempest
    plugins' ``-last``) afterwards.
    """
    d = ctx.deliverable
    series = ctx.series.get(d.series)
    if d.is_independent or series is None:
        return
    # The status before the request decides: a request cannot reopen a series
    # (stable-status: maintained) and release into it in the same change.
    override = ctx.base.stable_status if ctx.base is not None else d.stable_status
    status = override or series.status
    for release in ctx.new_releases:
        if not status:
            yield Problem(release.line, *no_status(series))
        elif not series_takes(status, _closing(release)):
            yield Problem(release.line, f'{d.series} is {status!r} and takes no new release such as '
                          f'{release.version}', 'release in the current series, or ask the release team')


def _closed_model(ctx: DeliverableContext, model: str, message: str, hint: str) -> Iterator[Problem]:
    """A problem for each new regular release of a deliverable of release model ``model``, which takes none."""
    d = ctx.deliverable
    if d.release_model != model:
        return
    for release in ctx.new_releases:
        if not model_takes(d.release_model, _closing(release)):
            yield Problem(release.line, message.format(name=d.name, version=release.version), hint)


@rule('RT403')
def check_untagged_has_no_releases(ctx: DeliverableContext) -> Iterator[Problem]:
    """An ``untagged`` deliverable has no releases.

    Closing tags (``-eol``, ``-eom``) are allowed, since those mark branches.
    """
    yield from _closed_model(ctx, 'untagged', '{name} is untagged and cannot release {version}',
                             'change release-model, or remove the release')


@rule('RT404', needs_base=True)
def check_abandoned_no_new_releases(ctx: DeliverableContext) -> Iterator[Problem]:
    """An ``abandoned`` deliverable takes no new releases."""
    yield from _closed_model(ctx, 'abandoned', '{name} is abandoned and takes no new release',
                             'change release-model first if the deliverable is revived')


# -- the calendar of the series in development (``core.calendar``; read by ``data.calendar``) -----

#: The library-freeze event of each library type: its last release of the series is due that week.
_LIBRARY_FREEZES = {'library': 'final-lib', 'client-library': 'final-clientlib'}


def _in_calendar(ctx: DeliverableContext) -> bool:
    """Whether the calendar rules apply: a file of the series the calendar is of, and a day to judge."""
    cal = ctx.calendar
    return cal is not None and ctx.day is not None and ctx.deliverable.series == cal.series


@rule('RT405', severity=Severity.WARNING, needs_base=True)
def check_library_freeze(ctx: DeliverableContext) -> Iterator[Problem]:
    """A library makes no feature release after its library freeze.

    The calendar of the series in development (``doc/source/<series>/schedule.yaml``)
    has a week for the last release of the libraries (``<l>-final-lib``) and
    one for the client libraries (``<l>-final-clientlib``). Once that week is
    over, a new ``X.Y.0`` release of a library of the series (a feature release)
    needs a freeze exception: it is a warning that names the event. The day is
    the day the request is checked (``validate`` runs when it is proposed and
    again before it merges), so only what a request adds is judged: ``--all``
    cannot know when the releases already in the data were made.
    """
    d = ctx.deliverable
    event = _LIBRARY_FREEZES.get(d.type or '')
    if event is None or not _in_calendar(ctx):
        return
    cal, day = ctx.calendar, ctx.day
    assert cal is not None and day is not None
    week = cal.week_of_event(event)
    if week is None or day <= week.end:
        return
    name = cal.event_name(event)
    for release in ctx.new_releases:
        version = release.semver
        if version is not None and not version.is_prerelease and version.patch == 0:
            yield Problem(release.line, f'{release.version} is a feature release of {d.type} {d.name} after '
                          f'the {cal.series} library freeze: {cal.title(name)} ({name}, {week.label})',
                          'release only fixes now (a patch release), or ask the release team for a freeze '
                          'exception')


@rule('RT406', severity=Severity.WARNING, needs_base=True)
def check_rc_period(ctx: DeliverableContext) -> Iterator[Problem]:
    """Between the rc deadline and the final, a cycle-with-rc deliverable releases only candidates.

    From the week of the series' ``<l>-rc1`` event (the first release
    candidates) until the week of its ``<l>-final`` event, a ``cycle-with-rc``
    deliverable of the series in development releases ``X.Y.Z.0rcN`` only:
    a beta or a final then is a warning that names the event. The final
    itself comes in the final's week. The day is the day the request is
    checked, as for RT405.
    """
    d = ctx.deliverable
    if d.release_model != 'cycle-with-rc' or not _in_calendar(ctx):
        return
    cal, day = ctx.calendar, ctx.day
    assert cal is not None and day is not None
    rc1, final = cal.week_of_event('rc1'), cal.week_of_event('final')
    if rc1 is None or day < rc1.start or (final is not None and day >= final.start):
        return
    name = cal.event_name('rc1')
    for release in ctx.new_releases:
        version = release.semver
        if version is not None and version.pre_kind != 'rc':
            yield Problem(release.line, f'{release.version} of {d.name} is not a release candidate, in the '
                          f'{cal.series} rc period: after {cal.title(name)} ({name}, {rc1.label}) and before the '
                          'final', 'propose the next release candidate (X.Y.Z.0rcN), or ask the release team')
