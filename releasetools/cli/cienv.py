"""What the review formats read from the CI job's environment (the CLI's edge, not the renderers')."""

from __future__ import annotations

import datetime
import os
import sys

__all__ = ['append_step_summary', 'run_id']


def run_id() -> str:
    """The ``robot_run_id`` of Gerrit robot comments: ``$RELEASETOOLS_RUN_ID`` (the CI build), else the time."""
    given = os.environ.get('RELEASETOOLS_RUN_ID', '').strip()
    return given or datetime.datetime.now(datetime.UTC).strftime('%Y%m%dT%H%M%SZ')


def append_step_summary(markdown: str) -> bool:
    """Append ``markdown`` to ``$GITHUB_STEP_SUMMARY`` when the job sets it; whether it did.

    The runner gives each step its own file and shows what the step appended.
    A file that cannot be written is reported on stderr and the run goes on:
    the annotations on stdout are the result.
    """
    path = os.environ.get('GITHUB_STEP_SUMMARY', '').strip()
    if not path:
        return False
    try:
        with open(path, 'a', encoding='utf-8') as f:
            f.write(markdown)
    except OSError as e:
        print(f'releasetools: cannot write the step summary to {path}: {e.strerror}', file=sys.stderr)
        return False
    return True
