"""Series rules: which series a file belongs to and whether it takes releases (``core.policy``)."""

from __future__ import annotations

from collections.abc import Iterator

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
