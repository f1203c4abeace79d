"""Build rules (``validate --build``): a release that cannot build, or builds wrong, never merges.

As pure as the git rules: they read the outcomes ``validate.build.gather_builds``
produced beforehand (``ctx.builds``, keyed by repository and version). Without
``--build`` there are no outcomes and these rules say nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..core.builds import BuildOutcome
from . import DeliverableContext, Problem, Skip, rule


def _outcomes(ctx: DeliverableContext) -> Iterator[tuple[int, str, str, BuildOutcome | str]]:
    """(line of the release, repo, version, outcome) of each new release that was built (or could not be)."""
    if not ctx.builds:
        return
    for release in ctx.new_releases:
        for project in release.projects:
            if project.repo and release.version and (project.repo, release.version) in ctx.builds:
                yield release.line, project.repo, release.version, ctx.builds[(project.repo, release.version)]


@rule('RT901')
def check_release_builds(ctx: DeliverableContext) -> Iterator[Problem | Skip]:
    """A new release builds an sdist and a wheel at its hash.

    Built as the release job builds it (``python -m build`` in an allow-listed
    environment, at a local tag of the requested version), so a release the
    job could not publish is stopped before it merges, as the release team's
    gate does. A repository that cannot be read is reported as skipped.
    """
    for line, repo, version, outcome in _outcomes(ctx):
        if isinstance(outcome, str):
            yield Skip(repo, outcome)
        elif outcome.error:
            yield Problem(line, f'{repo} does not build {version} at {outcome.hash[:12]}:\n{outcome.error}',
                          'build it yourself (python -m build at that commit), fix the project, '
                          'and propose the commit that has the fix')


@rule('RT902')
def check_built_version(ctx: DeliverableContext) -> Iterator[Problem | Skip]:
    """The built version is the requested version.

    pbr takes the version from the tag; a project with a static version (in
    ``setup.cfg`` or ``pyproject.toml``) builds that one instead, and the job
    would publish files whose version differs from the tag.
    """
    for line, repo, version, outcome in _outcomes(ctx):
        if isinstance(outcome, BuildOutcome) and outcome.built:
            yield Problem(line, f'{repo} at {version} builds version {outcome.built}, not {version}',
                          'let the version come from the tag (pbr, setuptools-scm) or request the version '
                          'the project declares')


@rule('RT903')
def check_twine_strict(ctx: DeliverableContext) -> Iterator[Problem | Skip]:
    """The built files pass ``twine check --strict`` (the README renders).

    The index shows the long description: it must declare its content type
    and render in it; a README that does not render is rejected by the index
    or shown as raw text.
    """
    for line, repo, version, outcome in _outcomes(ctx):
        if isinstance(outcome, BuildOutcome) and outcome.twine:
            yield Problem(line, f'{repo} {version}: {outcome.twine}',
                          'fix the README (or description_content_type) and check with: '
                          'twine check --strict dist/*')
