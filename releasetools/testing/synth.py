"""Synthetic data repositories: realistic, valid release data at any scale.

Used by the benchmarks (a 6,000-file tree) and by tests that need more data
than a hand-written fixture. Output is deterministic for a given seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from ..core.model import Series
from .deliverables import Release
from .series import write_series_table

__all__ = ['SynthSpec', 'series_names', 'write_tree']

_MODELS = ('cycle-with-rc', 'cycle-with-intermediary')
_TYPES = ('service', 'library', 'client-library', 'horizon-plugin', 'other')


@dataclass(frozen=True)
class SynthSpec:
    """How big a tree to write."""

    series: int = 30
    deliverables: int = 195
    independent: int = 150
    seed: int = 42


def series_names(count: int) -> list[str]:
    """Series names, oldest first: aardvark-like two-syllable names, unique."""
    consonants = 'bdfgklmnprstvz'
    vowels = 'aeiou'
    names = []
    for i in range(count):
        a, b = divmod(i, len(vowels))
        names.append(f'{consonants[a % len(consonants)]}{vowels[b]}{consonants[(i * 7) % len(consonants)]}o{i:02d}')
    return names


def _sha(rng: random.Random) -> str:
    return f'{rng.getrandbits(160):040x}'


def _release(version: str, repo: str, sha: str) -> str:
    return Release(version, ((repo, sha),)).block()


def _series(names: list[str]) -> list[Series]:
    """The table of ``names`` (oldest first), newest first: the newest in development, two maintained."""
    table = []
    for i, name in reversed(list(enumerate(names))):
        status = 'development' if i == len(names) - 1 else 'maintained' if i >= len(names) - 3 else 'end of life'
        table.append(Series(name, f'{2000 + i // 2}.{i % 2 + 1}', status,
                            f'{2000 + i // 2}-{4 if i % 2 == 0 else 10:02d}-01'))
    return table


def write_tree(root: Path, spec: SynthSpec = SynthSpec()) -> int:
    """Write a data repository under ``root``; return the number of deliverable files."""
    rng = random.Random(spec.seed)
    names = series_names(spec.series)  # oldest first
    write_series_table(root, _series(names))
    count = 0
    for i, series in enumerate(names):
        sdir = root / 'deliverables' / series
        sdir.mkdir(parents=True, exist_ok=True)
        release_id = f'{2000 + i // 2}.{i % 2 + 1}'
        for k in range(spec.deliverables):
            name = f'deliv{k:04d}'
            repo = f'example/{name}'
            model = _MODELS[k % len(_MODELS)]
            major = i + 1
            text = [f'---\nlaunchpad: {name}\nteam: team{k % 40:02d}\ntype: {_TYPES[k % len(_TYPES)]}\n'
                    f'release-model: {model}\nrepository-settings:\n  {repo}: {{}}\n']
            if i % 5 == 0:
                text.append('cycle-highlights:\n  - Faster and *better* than ever.\n')
            text.append('releases:\n')
            if model == 'cycle-with-rc':
                rc = _sha(rng)
                text.append(_release(f'{major}.0.0.0rc1', repo, rc))
                text.append(_release(f'{major}.0.0', repo, rc))
                text.append(_release(f'{major}.0.1', repo, _sha(rng)))
                location = f'{major}.0.0.0rc1'
            else:
                text.append(_release(f'{major}.0.0', repo, _sha(rng)))
                text.append(_release(f'{major}.1.0', repo, _sha(rng)))
                text.append(_release(f'{major}.1.1', repo, _sha(rng)))
                location = f'{major}.1.0'
            text.append(f'branches:\n  - name: stable/{release_id}\n    location: {location}\n')
            (sdir / f'{name}.yaml').write_text(''.join(text))
            count += 1
    idir = root / 'deliverables' / '_independent'
    idir.mkdir(parents=True, exist_ok=True)
    for k in range(spec.independent):
        name = f'indep{k:04d}'
        repo = f'example/{name}'
        text = [f'---\nlaunchpad: {name}\nteam: team{k % 40:02d}\ntype: library\n'
                f'repository-settings:\n  {repo}: {{}}\nreleases:\n']
        for minor in range(k % 12 + 1):
            text.append(_release(f'1.{minor}.0', repo, _sha(rng)))
        (idir / f'{name}.yaml').write_text(''.join(text))
        count += 1
    return count
