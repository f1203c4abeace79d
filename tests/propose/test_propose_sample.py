"""The cycle-wide requests on a copy of the real data sample (../shared/upstream-sample)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from releasetools.cli import main

SAMPLE = Path(__file__).resolve().parents[3] / 'shared' / 'upstream-sample'

pytestmark = pytest.mark.skipif(not (SAMPLE / 'data' / 'series_status.yaml').is_file(),
                                reason=f'the upstream data sample is not at {SAMPLE}')

NEUTRON_B1 = '32f99902dd62acf93b36e25ddc4173ed4bf16b6a'


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    root = tmp_path / 'sample'
    shutil.copytree(SAMPLE / 'data', root / 'data')
    shutil.copytree(SAMPLE / 'deliverables', root / 'deliverables')
    return root


def run(root: Path, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main([*argv, '--root', str(root), *(['--offline', '--repos', str(root / 'nowhere') + '/{repo}',
                                                '--cache-dir', str(root / 'cache')]
                                               if argv[0] != 'propose-branches' else [])], out=out)
    return code, out.getvalue()


def test_final_of_the_one_deliverable_at_a_candidate(sample: Path) -> None:
    neutron = sample / 'deliverables' / 'hibiscus' / 'neutron.yaml'
    assert run(sample, 'new-release', 'hibiscus', 'neutron', 'rc', '--hash', f'openstack/neutron={NEUTRON_B1}')[0] == 0
    before = neutron.read_bytes()
    code, out = run(sample, 'propose-final', 'hibiscus')
    assert code == 0, out
    lines = out.splitlines()
    assert 'deliverables/hibiscus/neutron.yaml: added 29.0.0 (re-tags 29.0.0.0rc1)' in lines
    assert any(line.startswith('  no diff-start: cannot read openstack/neutron') for line in lines)
    assert lines[-1].startswith('propose-final hibiscus: changed 1 file, ')
    assert ('deliverables/hibiscus/placement.yaml: skipped: its last release 16.0.0.0b1 is not a release '
            'candidate: a cycle-with-rc final re-tags one (propose-milestone hibiscus rc first)') in lines
    assert neutron.read_bytes() == before + (
        f'  - version: 29.0.0\n    projects:\n      - repo: openstack/neutron\n        hash: {NEUTRON_B1}\n'
    ).encode()


def test_milestones_without_repositories_are_skipped_with_the_reason(sample: Path) -> None:
    before = sorted((p.name, p.read_bytes()) for p in (sample / 'deliverables' / 'hibiscus').iterdir())
    code, out = run(sample, 'propose-milestone', 'hibiscus', 'milestone')
    assert code == 0, out
    assert 'deliverables/hibiscus/nova.yaml: skipped: cannot read openstack/nova: no repository at' in out
    assert out.splitlines()[-1].startswith('propose-milestone hibiscus milestone: nothing to propose')
    assert sorted((p.name, p.read_bytes()) for p in (sample / 'deliverables' / 'hibiscus').iterdir()) == before


def test_library_branches_of_the_sample_validate(sample: Path) -> None:
    code, out = run(sample, 'propose-branches', 'hibiscus', '--type', 'library', '--dry-run')
    assert code == 0, out
    added = [line for line in out.splitlines() if ': would add branch stable/2026.2 at ' in line]
    assert added, out
    assert all(line.startswith('deliverables/hibiscus/') for line in added)
