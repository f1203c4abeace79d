"""A small data repository that exercises every kind of link and page of the site."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from releasetools.testing.datarepo import DataRepo
from releasetools.testing.deliverables import HASHES

H1, H2, H3, H4 = HASHES['$1'], HASHES['$2'], HASHES['$3'], HASHES['$4']


def write_small_tree(root: Path) -> DataRepo:
    data = DataRepo(root)
    data.write('hibiscus', 'nova', """\
        release-model: cycle-with-rc
        include-pypi-link: true
        release-notes: https://docs.example.org/releasenotes/nova/hibiscus.html
        repository-settings:
          openstack/nova: {}
        cycle-highlights:
          - Nova can *now* boot faster.
        releases:
          - version: 33.0.0.0rc1
            projects:
              - repo: openstack/nova
                hash: $1
          - version: 33.0.0
            flags: [skipped-sig]
            projects:
              - repo: openstack/nova
                hash: $1
        """)
    data.write('gazpacho', 'nova', """\
        release-model: cycle-with-rc
        repository-settings:
          openstack/nova: {}
        releases:
          - version: 32.0.0
            projects:
              - repo: openstack/nova
                hash: $2
          - version: 32.0.1
            projects:
              - repo: openstack/nova
                hash: $3
          - version: gazpacho-eom
            projects:
              - repo: openstack/nova
                hash: $3
        """)
    data.write('hibiscus', 'python-novaclient', """\
        team: nova
        launchpad: python-novaclient
        type: client-library
        release-model: cycle-with-intermediary
        artifact-link-mode: none
        repository-settings:
          openstack/python-novaclient:
            pypi-name: novaclient-dist
        releases:
          - version: 18.0.0
            projects:
              - repo: openstack/python-novaclient
                hash: $4
        """, header=False)
    data.write('hibiscus', 'horizon', """\
        team: Dashboard Team
        type: service
        launchpad: horizon
        release-model: cycle-with-rc
        repository-settings:
          openstack/horizon: {}
          openstack/horizon-assets:
            tarball-base: assets
        releases:
          - version: 25.0.0
            projects:
              - repo: openstack/horizon
                hash: $1
              - repo: openstack/horizon-assets
                hash: $2
        """, header=False)
    data.write('_independent', 'tinylib', """\
        team: Dashboard Team
        type: library
        launchpad: tinylib
        repository-settings:
          x/tinylib: {}
        releases:
          - version: 1.0.0
            projects:
              - repo: x/tinylib
                hash: $3
          - version: 1.1.0
            projects:
              - repo: x/tinylib
                hash: $4
        """, header=False)
    return data


#: The upstream data sample (real calendars, series table and signing keys), beside the checkout.
SAMPLE = Path(__file__).resolve().parents[3] / 'shared' / 'upstream-sample'
CALENDAR_SERIES = ('antelope', 'bobcat', 'gazpacho', 'hibiscus')


def write_calendar_tree(root: Path) -> DataRepo:
    """The small tree with the sample's real series table and its four calendars (schedule.yaml/.rst)."""
    data = write_small_tree(root)
    data.write_bytes('data/series_status.yaml', (SAMPLE / 'data' / 'series_status.yaml').read_bytes())
    for series in CALENDAR_SERIES:
        for name in ('schedule.yaml', 'schedule.rst'):
            data.write_bytes(f'doc/source/{series}/{name}', (SAMPLE / 'doc' / 'source' / series / name).read_bytes())
    return data


def section(html: str, ident: str) -> str:
    """The text of ``<section id="ident">`` of a page."""
    m = re.search(rf'<section class="rt-d" id="{re.escape(ident)}".*?</section>', html, re.S)
    assert m, f'no section {ident}'
    return m.group(0)


def version_links(html: str, version: str) -> list[str]:
    """The link targets of one version's row in a versions table fragment."""
    m = re.search(rf'<tr><td>{re.escape(version)}</td><td>(.*?)</td></tr>', html)
    assert m, f'no row for {version}'
    return [unescape(h) for h in re.findall(r'href="([^"]*)"', m.group(1))]


def read(html_dir: Path, page: str) -> str:
    return (html_dir / page).read_text(encoding='utf-8')
