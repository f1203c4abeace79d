"""A version with a number Python will not read (over 4,300 digits) is a finding, never a traceback.

Found by trying the commands as a new user on the upstream sample: ``int()``
refuses such a number with a ValueError, and ``validate``, ``list-changes``
and ``new-release`` each lost the whole run to it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from releasetools.core.versions import canonical_spelling, parse_semver, parse_xstatic, pep440
from releasetools.testing.deliverables import Release
from releasetools.testing.gitcmd import git
from tests.propose.test_new_release import World

CHECKOUT = Path(__file__).resolve().parents[1]
HUGE = [f'{"9" * 5000}.0.0', f'3.0.0.0b{"1" * 4400}', f'3.{"0" * 4400}.0', f'{"7" * 19}.0.0']


@pytest.mark.parametrize('version', HUGE)
def test_the_version_functions_answer_none(version: str) -> None:
    assert parse_semver(version) is None
    assert parse_xstatic(version + '.1') is None
    assert pep440(version) is None or len(version) < 200
    assert canonical_spelling(version) is None or len(version) < 200


def _cli(world: World, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, '-m', 'releasetools', *args, '--root', str(world.data), '--offline',
                           '--repos', str(world.top / 'git') + '/{repo}', '--cache-dir', str(world.top / 'cache')],
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, 'PYTHONPATH': str(CHECKOUT)})


@pytest.mark.parametrize('version', HUGE[:3])
def test_validate_list_changes_and_new_release_say_what_is_wrong(tmp_path: Path, version: str) -> None:
    world = World(tmp_path)
    world.hibiscus.write_text(world.hibiscus.read_text() + 'releases:\n' + Release.of(version, world.c[2]).block())
    line = world.hibiscus.read_text().splitlines().index(f'  - version: {version}') + 1

    checked = _cli(world, 'validate', '--base', 'HEAD', '--format', 'json')
    assert 'Traceback' not in checked.stderr
    assert checked.returncode == 1, checked.stderr
    found = {(f['check'], f['line']) for f in json.loads(checked.stdout)['findings']}
    assert ('RT201', line) in found, found

    listed = _cli(world, 'list-changes', '--base', 'HEAD')
    assert 'Traceback' not in listed.stderr
    assert listed.returncode == 0, listed.stderr

    git(world.data, 'commit', '-qam', 'a release with a huge version')
    proposed = _cli(world, 'new-release', 'hibiscus', 'nova', 'milestone', '--dry-run')
    assert 'Traceback' not in proposed.stderr
    assert proposed.returncode == 0, proposed.stderr
