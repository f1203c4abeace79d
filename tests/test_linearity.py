"""The work of validating one file grows linearly with its releases.

Not a timed test: it counts the function calls (Python and C) that
``validate`` makes on a file of N and of 8N releases. Each rule looking at
``releases[:index]`` for every release made the count grow with N squared
(16,000 releases took over two minutes); linear work gives about 8 times as
many calls.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import FrameType
from typing import Any

from releasetools.testing.datarepo import DataRepo
from releasetools.validate import ValidateOptions, validate

HEAD = 'release-model: cycle-with-rc\nrepository-settings:\n  openstack/nova: {}\nreleases:\n'


def nova_like(count: int) -> str:
    """Per cycle: an rc, the final re-tagging it, a patch and a minor release (a clean history)."""
    lines = [HEAD]
    for i in range(count):
        major, step = divmod(i, 4)
        version = (f'{major + 1}.0.0.0rc1', f'{major + 1}.0.0', f'{major + 1}.0.1', f'{major + 1}.1.0')[step]
        sha = f'a{major:019x}b{max(step - 1, 0):019x}'
        lines.append(f'  - version: {version}\n    projects:\n      - repo: openstack/nova\n        hash: {sha}\n')
    return ''.join(lines)


def calls(repo: DataRepo, count: int) -> int:
    rel = repo.write('hibiscus', f'nova{count}', nova_like(count))
    seen = 0

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal seen
        if event in ('call', 'c_call'):
            seen += 1

    sys.setprofile(profile)
    try:
        report = validate(ValidateOptions(root=repo.root, all=True, files=[rel], offline=True,
                                          cache_dir=repo.cache_dir))
    finally:
        sys.setprofile(None)
    assert report.checked == 1 and report.errors == [], report.errors[:3]
    return seen


def test_calls_grow_linearly_with_releases(tmp_path: Path) -> None:
    repo = DataRepo(tmp_path / 'data')
    calls(repo, 40)  # imports and one-time set-up are not the file's cost
    small, large = calls(repo, 80), calls(repo, 640)
    # 8x the releases: 7.6x the calls measured; the quadratic loops gave 15x.
    assert large <= 10 * small, (small, large, large / small)
