"""Replay the real requests that closed the sample's end-of-life series, with RT402 as the team applies it.

For every file of bobcat and stein (both ``end of life``) whose last release is a closing tag, the
base revision is the file without that tag and the working tree is the real file: exactly the
request that tagged it. The release team merged all of them (``-eol`` stragglers after the series
was declared end of life, ``-last`` of the branchless tempest plugins), so only
true findings may remain.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from releasetools.core.versions import parse_special
from releasetools.testing.gitcmd import commit_file, init_repo
from releasetools.validate import ValidateOptions, validate

SAMPLE = Path(__file__).resolve().parents[2] / 'shared' / 'upstream-sample'

pytestmark = pytest.mark.skipif(not (SAMPLE / 'data' / 'series_status.yaml').is_file(),
                                reason=f'the upstream data sample is not at {SAMPLE}')

_TOP_KEY = re.compile(r'^\S', re.M)
_ITEM = re.compile(r'^  - ', re.M)


def _without_last_release(text: str) -> tuple[str, str] | None:
    """(base text, closing tag) when the last entry of the file's ``releases`` is a closing tag."""
    block = re.search(r'^releases:\n', text, re.M)
    if block is None:
        return None
    after = _TOP_KEY.search(text, block.end())
    stop = after.start() if after else len(text)
    items = [m.start() for m in _ITEM.finditer(text, block.end(), stop)]
    if not items:
        return None
    entry = text[items[-1]:stop]
    version = re.search(r'version: (\S+)', entry)
    if version is None or parse_special(version.group(1)) is None:
        return None
    base = text[:items[-1]] + text[stop:]
    if len(items) == 1:
        base = base.replace('releases:\n', 'releases: []\n', 1)
    return base, version.group(1)


def test_real_closing_tags_of_end_of_life_series_replay_clean(tmp_path: Path) -> None:
    root = tmp_path / 'data'
    shutil.copytree(SAMPLE / 'data', root / 'data')
    shutil.copytree(SAMPLE / 'deliverables', root / 'deliverables')
    real: dict[Path, str] = {}
    kinds: Counter[str] = Counter()
    for series in ('bobcat', 'stein'):
        for path in sorted((root / 'deliverables' / series).glob('*.yaml')):
            text = path.read_text()
            cut = _without_last_release(text)
            if cut is None:
                continue
            path.write_text(cut[0])
            real[path] = text
            kinds[cut[1].rsplit('-', 1)[1]] += 1
    assert kinds['eol'] > 500 and kinds['last'] > 40, kinds
    init_repo(root)
    commit_file(root, {}, 'before the closing requests')
    for path, text in real.items():
        path.write_text(text)
    report = validate(ValidateOptions(root=root, base='HEAD', offline=True, cache_dir=tmp_path / 'cache'))
    # kayobe's stein file lists no branch, yet took stein-eol: the one true finding (RT211).
    assert sorted((f.file, f.check) for f in report.findings) == [('deliverables/stein/kayobe.yaml', 'RT211')]
