"""The benchmarks in bench/ still run against the package as it is now.

Not timed tests: a bench that no longer imports (``validate_profile.py``
imported a function the registry change removed, and nobody noticed) is
found here, not on the day someone needs its numbers.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / 'bench'
SCRIPTS = sorted(p.name for p in BENCH.glob('*.py'))


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=BENCH, capture_output=True, text=True, timeout=300, check=False)


def test_there_are_benchmarks() -> None:
    assert {'linearity_bench.py', 'validate_bench.py', 'validate_profile.py'} <= set(SCRIPTS)


@pytest.mark.parametrize('script', SCRIPTS)
def test_each_bench_imports_and_explains_itself(script: str) -> None:
    proc = _run(script, '--help')
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert 'usage:' in proc.stdout.lower()


def test_linearity_bench_prints_both_ratios() -> None:
    proc = _run('linearity_bench.py', '--small', '40', '--large', '80', '--repeat', '1')
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ['wall', 'CPU']
    for line in lines:
        ratio = re.search(r'ratio ([0-9.]+)x', line)
        assert ratio is not None and float(ratio.group(1)) > 0, line
