"""Offline, the git checks of an unreadable repository are skipped without being planned.

Planning (``gitplan.wanted``: the previous release of every new release, its
commits and files) costs a look at the history of every release; for a
repository that plainly cannot be read (offline and no mirror, or no such
local path) it would only be thrown away.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import FrameType
from typing import Any

from releasetools.core.findings import Report
from releasetools.testing.datarepo import DataRepo
from releasetools.testing.deliverables import R, doc
from releasetools.testing.gitcmd import commit_file, init_repo
from releasetools.validate import ValidateOptions, validate


def planned(root: Path, template: str | None, cache: Path) -> tuple[int, Report]:
    """Validate --all --offline; return how often gitplan.wanted ran, and the report."""
    count = 0

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal count
        if event == 'call' and frame.f_code.co_name == 'wanted' and frame.f_code.co_filename.endswith('gitplan.py'):
            count += 1

    sys.setprofile(profile)
    try:
        report = validate(ValidateOptions(root=root, all=True, offline=True, repos=template, cache_dir=cache))
    finally:
        sys.setprofile(None)
    return count, report


def test_unreadable_repository_is_not_planned(repo: DataRepo, tmp_path: Path) -> None:
    repo.write('hibiscus', 'nova', doc('release-model: cycle-with-rc', releases=[R('1.0.0.0rc1'), R('1.0.0')]))
    count, report = planned(repo.root, None, tmp_path / 'empty-cache')
    assert count == 0
    # ... and still reported as skipped, for every git check, with the reason.
    reasons = {(s.repo, s.reason) for s in report.skipped if s.check.startswith('RT7')}
    assert reasons == {('openstack/nova', 'offline, and https://opendev.org/openstack/nova has no local mirror '
                                          f'in {tmp_path / "empty-cache"}')}
    assert {s.check for s in report.skipped} >= {'RT701', 'RT703', 'RT706'}

    count, report = planned(repo.root, str(tmp_path / 'nowhere') + '/{repo}', tmp_path / 'empty-cache')
    assert count == 0
    assert {s.reason for s in report.skipped} == {f'no repository at {tmp_path / "nowhere" / "openstack" / "nova"}'}


def test_readable_repository_is_planned(repo: DataRepo, tmp_path: Path) -> None:
    source = init_repo(tmp_path / 'git' / 'openstack' / 'nova')
    commit_file(source, {'setup.cfg': '[metadata]\nname = nova\n'}, 'first')
    repo.write('hibiscus', 'nova', doc('release-model: cycle-with-rc', releases=[R('1.0.0.0rc1')]))
    count, report = planned(repo.root, str(tmp_path / 'git') + '/{repo}', tmp_path / 'cache')
    assert count == 1
    assert 'RT701' in {f.check for f in report.findings}  # the hash is not in the repository: checked, not skipped
