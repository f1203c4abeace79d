"""Series rules: which series a file belongs to and whether it takes releases."""

from __future__ import annotations

from collections.abc import Iterator

from ..core.hints import did_you_mean
from ..core.model import OPEN_STATUSES
from ..core.versions import parse_special
from . import DeliverableContext, Problem, rule

#: Statuses in which a series may still receive its closing tags (-eom, -eol, -last).
CLOSING_STATUSES = OPEN_STATUSES | {'extended maintenance', 'unmaintained'}
#: Closing tags a series still takes once it is ``end of life``: ``-eol`` stragglers
#: (deliverables tagged after the series was declared closed) and the ``-last`` tags
#: of branchless deliverables. An ``-eom`` or ``-em`` no longer makes sense there.
END_OF_LIFE_KINDS = frozenset({'eol', 'last'})


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
        tag = parse_special(release.version or '')
        if tag is not None and status == 'end of life' and tag.kind in END_OF_LIFE_KINDS:
            continue
        allowed = CLOSING_STATUSES if tag is not None else OPEN_STATUSES
        if status not in allowed:
            yield Problem(release.line, f'{d.series} is {status!r} and takes no new release such as '
                          f'{release.version}', 'release in the current series, or ask the release team')


@rule('RT403')
def check_untagged_has_no_releases(ctx: DeliverableContext) -> Iterator[Problem]:
    """An ``untagged`` deliverable has no releases.

    Closing tags (``-eol``, ``-eom``) are allowed, since those mark branches.
    """
    d = ctx.deliverable
    if d.release_model != 'untagged':
        return
    for release in ctx.new_releases:
        if not ctx.is_special(release):
            yield Problem(release.line, f'{d.name} is untagged and cannot release {release.version}',
                          'change release-model, or remove the release')


@rule('RT404', needs_base=True)
def check_abandoned_no_new_releases(ctx: DeliverableContext) -> Iterator[Problem]:
    """An ``abandoned`` deliverable takes no new releases."""
    d = ctx.deliverable
    if d.release_model != 'abandoned':
        return
    for release in ctx.new_releases:
        if not ctx.is_special(release):
            yield Problem(release.line, f'{d.name} is abandoned and takes no new release',
                          'change release-model first if the deliverable is revived')
