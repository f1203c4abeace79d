#!/usr/bin/env python3
"""Benchmark ``releasetools site`` on a generated ~6,000-file data repository.

Prints, from one run on this machine:
  * the full build from nothing (goal < 60 s on 2 cores),
  * the rebuild after one deliverable file changed (a release appended; goal < 5 s),
    with the pages it rebuilt,
  * their ratio and the size of the generated site.

The reference: the OpenStack releases site's own Sphinx build of 6,026 files
takes 255-300 s on 2 cores, and about 150 s after one file changed.

Usage: python bench/site_bench.py [--jobs N] [--series N] [--deliverables N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from releasetools.site import build_site
from releasetools.testing.synth import SynthSpec, write_tree


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob('*') if f.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--jobs', type=int, default=os.cpu_count() or 1)
    parser.add_argument('--series', type=int, default=SynthSpec.series)
    parser.add_argument('--deliverables', type=int, default=SynthSpec.deliverables)
    parser.add_argument('--keep', type=Path, help='build here and keep the result (default: a temporary directory)')
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix='site-bench-') as tmp:
        work = args.keep or Path(tmp)
        root, out = work / 'data', work / 'out'
        count = write_tree(root, SynthSpec(series=args.series, deliverables=args.deliverables))
        print(f'data: {count} deliverable files, jobs {args.jobs}')

        full = build_site(root, out, args.jobs)
        if full.warnings:
            print('\n'.join(full.warnings), file=sys.stderr)
        print(f'full build:       {full.seconds:7.2f} s  ({full.pages} pages)')

        # One release request: a new version appended to one deliverable file.
        series = sorted(p.name for p in (root / 'deliverables').iterdir() if p.name != '_independent')[0]
        target = root / 'deliverables' / series / 'deliv0007.yaml'
        text = target.read_text()
        target.write_text(text.replace('branches:\n', '  - version: 99.0.0\n    projects:\n'
                                       '      - repo: example/deliv0007\n        hash: ' + 'ab' * 20
                                       + '\nbranches:\n', 1))
        again = build_site(root, out, args.jobs)
        print(f'one-file rebuild: {again.seconds:7.2f} s  (rebuilt {len(again.rebuilt)}: {", ".join(again.rebuilt)})')
        print(f'ratio full/rebuild: {full.seconds / again.seconds:.1f}x')
        total, export = _size(full.html), (full.html / 'releases.json').stat().st_size
        print(f'output: {total / 1e6:.1f} MB: {(total - export) / 1e6:.1f} MB of pages, '
              f'{export / 1e6:.1f} MB of JSON export ({full.pages} pages, '
              f'{(total - export) / full.pages / 1e3:.0f} kB a page on average)')
        if args.keep:
            print(f'site: {full.index}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
