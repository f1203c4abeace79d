"""A failing example of every check, for the rules reference and ``rules --explain``.

Each example is a deliverable file (with, where the check needs them, its
state at the base revision and files of other series) that the check reports.
The test suite runs every example through ``validate`` and asserts that its
check fires, so the reference cannot drift from the code. Examples of the
git checks describe a repository instead: they need one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ['EXAMPLES', 'Example']

#: The series table the examples are checked against is releasetools.testing.series.EXAMPLE_SERIES.

H = ('team: nova\ntype: service\nrelease-model: cycle-with-rc\nlaunchpad: nova\n'
     'repository-settings:\n  openstack/nova: {}\n')
A = 'a' * 40
B = 'b' * 40


def rel(version: str, sha: str = A, repo: str = 'openstack/nova') -> str:
    return f'  - version: {version}\n    projects:\n      - repo: {repo}\n        hash: {sha}\n'


@dataclass(frozen=True)
class Example:
    """A file the check reports; ``base`` is the same file before the request (None: --all)."""

    text: str
    path: str = 'deliverables/hibiscus/nova.yaml'
    base: str | None = None
    others: dict[str, str] = field(default_factory=dict)
    note: str | None = None  # for checks that need more than data (git, unreadable files)
    day: str | None = None  # the day the request is checked (the calendar rules), YYYY-MM-DD; None: today


#: A hibiscus calendar cut to the weeks the calendar rules read (RT405, RT406).
CALENDAR = {'doc/source/hibiscus/schedule.yaml': (
    "---\ncycle:\n"
    "  - {start: '2026-08-17', end: '2026-08-21', name: R-6, x-project: [h-final-lib]}\n"
    "  - {start: '2026-08-24', end: '2026-08-28', name: R-5, x-project: [h-ff, h-final-clientlib]}\n"
    "  - {start: '2026-09-07', end: '2026-09-11', name: R-3, x-project: [h-rc1]}\n"
    "  - {start: '2026-09-28', end: '2026-10-02', name: R+0, x-project: [h-final]}\n")}
LIB = H.replace('type: service', 'type: library').replace('cycle-with-rc', 'cycle-with-intermediary')

GAZPACHO = {'deliverables/gazpacho/nova.yaml': H + 'releases:\n' + rel('2.0.0') + rel('2.1.0', B)}

EXAMPLES: dict[str, Example] = {
    'RT001': Example('', note='a file that is not UTF-8 text, e.g. saved as Latin-1 ("type: caf\\xe9"), '
                              'or a binary file'),
    'RT002': Example('team: nova\ntype: service\n  launchpad: nova\n'),
    'RT003': Example('team: nova\ntype: service\nteam: glance\n'),
    'RT004': Example('- team: nova\n  type: service\n'),
    'RT005': Example('team: &t nova\ntype: service\nlaunchpad: *t\n'),
    'RT006': Example('', note='a file over 2 MiB'),
    'RT007': Example('', note='deliverables/hibiscus/nova.yaml -> /etc/passwd (a symbolic link)'),
    'RT101': Example(H + 'relase-notes: https://docs.example.org/nova\n'),
    'RT102': Example(H + 'include-pypi-link: maybe\n'),
    'RT103': Example(H.replace('type: service', 'type: servise')),
    'RT104': Example('type: service\nrelease-model: cycle-with-rc\nlaunchpad: nova\n'),
    'RT105': Example(H + 'releases:\n  - version: 1.10\n    projects:\n      - repo: openstack/nova\n'
                         f'        hash: {A}\n'),
    'RT106': Example(H, path='deliverables/_independent/nova.yaml'),
    'RT107': Example(H.replace('launchpad: nova\n', '')),
    'RT108': Example(H.replace('release-model: cycle-with-rc\n', '')),
    'RT109': Example(H.replace('release-model: cycle-with-rc\n', '') + 'releases:\n' + rel('3.0.0') + rel('3.1.0', B),
                     base=H.replace('release-model: cycle-with-rc\n', '') + 'releases:\n' + rel('3.0.0')),
    'RT110': Example('', note='data/validate-baseline.yaml accepting "RT203 ... 2.0.0 goes backwards" in '
                              'deliverables/gazpacho/nova.yaml, after that file was fixed'),
    'RT201': Example(H + 'releases:\n' + rel('v3.0.0')),
    'RT202': Example(H + 'releases:\n' + rel('2.1.0'), others=GAZPACHO),
    'RT203': Example(H + 'releases:\n' + rel('4.0.0'), others=GAZPACHO),
    'RT204': Example(H.replace('service\n', 'service\nrelease-type: xstatic\n', 1)
                     + 'releases:\n' + rel('1.2.3.1') + rel('1.2.3.1', B)),
    'RT205': Example(H + 'releases:\n' + rel('3.0.0.0rc1') + rel('3.0.0.0rc3', B), others=GAZPACHO),
    'RT206': Example(H.replace('cycle-with-rc', 'cycle-with-intermediary') + 'releases:\n' + rel('3.0.0.0rc1'),
                     others=GAZPACHO),
    'RT207': Example(H + 'releases:\n' + rel('2.1.1'), others=GAZPACHO),
    'RT208': Example(H + 'releases:\n' + rel('3.0.0.0rc1') + rel('3.0.0', B), others=GAZPACHO),
    'RT209': Example(H + 'releases:\n' + rel('2.0.0') + rel('2026.1-eol'),
                     path='deliverables/hibiscus/nova.yaml'),
    'RT210': Example(H + 'releases:\n' + rel('3.0.0'), others=GAZPACHO),
    'RT211': Example(H + 'releases:\n' + rel('2.0.0') + rel('2026.1-eol'), path='deliverables/gazpacho/nova.yaml'),
    'RT212': Example(H + 'releases:\n' + rel('2.0.0') + rel('2026.1-em', B)
                     + 'branches:\n  - name: stable/2026.1\n    location: 2.0.0\n',
                     path='deliverables/gazpacho/nova.yaml'),
    'RT213': Example(H + 'releases:\n' + rel('3.0.0.0rc1') + rel('3.0.0') + '    diff-start: 2.1.x\n',
                     others=GAZPACHO),
    'RT301': Example(H + 'releases:\n' + rel('3.0.0', B), base=H + 'releases:\n' + rel('3.0.0')),
    'RT302': Example(H + 'releases:\n' + rel('3.0.1', B), base=H + 'releases:\n' + rel('3.0.0')),
    'RT303': Example(H + 'releases:\n' + rel('2.9.0', B) + rel('3.0.0'), base=H + 'releases:\n' + rel('3.0.0')),
    'RT401': Example(H, path='deliverables/hibsicus/nova.yaml'),
    'RT402': Example(H + 'releases:\n' + rel('1.0.0') + rel('1.0.1', B), path='deliverables/flamingo/nova.yaml',
                     base=H + 'releases:\n' + rel('1.0.0')),
    'RT403': Example(H.replace('cycle-with-rc', 'untagged') + 'releases:\n' + rel('3.0.0')),
    'RT404': Example(H.replace('cycle-with-rc', 'abandoned') + 'releases:\n' + rel('3.0.0') + rel('3.1.0', B),
                     base=H.replace('cycle-with-rc', 'abandoned') + 'releases:\n' + rel('3.0.0')),
    'RT405': Example(LIB + 'releases:\n' + rel('3.0.0') + rel('3.1.0', B), base=LIB + 'releases:\n' + rel('3.0.0'),
                     others=CALENDAR, day='2026-08-25'),
    'RT406': Example(H + 'releases:\n' + rel('3.0.0.0rc1') + rel('3.0.0.0b3', B),
                     base=H + 'releases:\n' + rel('3.0.0.0rc1'), others=CALENDAR, day='2026-09-15'),
    'RT501': Example(H + 'releases:\n' + rel('3.0.0', repo='openstack/nova-old')),
    'RT502': Example(H + 'releases:\n' + rel('3.0.0', sha='abc1234')),
    'RT503': Example(H + '  openstack/placement: {}\nreleases:\n' + rel('3.0.0')),
    'RT504': Example(H + 'release-notes:\n  openstack/novaa: https://docs.example.org/releasenotes/nova\n'),
    'RT506': Example(H.replace('openstack/nova: {}', '../../x: {}') + 'releases:\n' + rel('3.0.0', repo='../../x')),
    'RT601': Example(H + 'releases:\n' + rel('3.0.0') + 'branches:\n  - name: driverfixes/2026.2\n'
                         '    location: 3.0.0\n'),
    'RT602': Example(H + 'releases:\n' + rel('3.0.0') + 'branches:\n  - name: stable/2026.1\n'
                         '    location: 3.0.0\n'),
    'RT603': Example(H + 'releases:\n' + rel('3.0.0') + 'branches:\n  - name: stable/2026.2\n'
                         '    location: 3.0.1\n'),
    'RT604': Example(H + 'stable-branch-type: none\nreleases:\n' + rel('3.0.0')
                     + 'branches:\n  - name: stable/2026.2\n    location: 3.0.0\n'),
    'RT605': Example(H + 'releases:\n' + rel('2.0.0') + rel('2.1.0', B)
                     + 'branches:\n  - name: stable/2026.1\n    location: 2.0.0\n',
                     path='deliverables/gazpacho/nova.yaml', base=H + 'releases:\n' + rel('2.0.0') + rel('2.1.0', B)),
    'RT606': Example(H.replace('release-model: cycle-with-rc', 'release-model: untagged\nstable-branch-type: tagless')
                     + 'branches:\n  - name: stable/2026.2\n    location: 3.0.0\n'),
    'RT607': Example(H + 'releases:\n' + rel('3.0.0.0b1') + 'branches:\n  - name: feature/graphs\n'
                         '    location: 3.0.0.0b1\n'),
    'RT801': Example(H + 'cycle-highlights:\n  - |\n    .. raw:: html\n\n       <script>alert(1)</script>\n'),
    'RT802': Example(H + 'cycle-highlights:\n  - |\n    .. include:: ../../../../../etc/passwd\n       :literal:\n'),
    'RT803': Example(H + 'cycle-highlights:\n  - Read `this <javascript:alert(1)>`_.\n'),
    'RT804': Example(H + 'cycle-highlights:\n  - |\n    .. meta::\n       :http-equiv=refresh: 0; url=https://evil.example/\n'),
    'RT805': Example(H + 'release-notes: javascript:alert(1)\n'),
    'RT701': Example('', note='a hash that the repository does not have (a commit of an unmerged review, '
                              'of a fork, or a typo)'),
    'RT702': Example('', note='releasing 3.0.0 at commit B when the repository already has the tag 3.0.0 '
                              'at commit A'),
    'RT703': Example('', note='releasing 3.1.0 at a commit older than the one 3.0.0 was released from'),
    'RT704': Example('', note='a release of the development series at a commit that only a feature branch '
                              'contains, not master; or, in a series whose branch was deleted, a commit '
                              'outside the history of its 2025.2-eol tag'),
    'RT705': Example('', note='branches: stable/2026.2 at 3.0.0, while the repository\'s stable/2026.2 was '
                              'cut from another commit'),
    'RT706': Example('', note='releasing openstack/nova whose setup.cfg says [metadata] name = nova-compute'),
    'RT707': Example('', note='3.0.1 raising "oslo.config>=9.0.0" to "oslo.config>=9.2.0" in requirements.txt'),
    'RT708': Example('', note='validate --require-git, with the repository of openstack/nova unreachable '
                              '(a network failure, a missing mirror offline, a shallow clone)'),
    'RT901': Example('', note='with validate --build: releasing 3.0.0 at a commit whose setup.py fails '
                              '(a syntax error, a build requirement that does not exist)'),
    'RT902': Example('', note='with validate --build: releasing 3.0.0 of a project whose pyproject.toml says '
                              'version = "2.9.0"'),
    'RT903': Example('', note='with validate --build: releasing 3.0.0 of a project whose README.rst, declared '
                              'text/x-rst, does not render (a title underline shorter than the title)'),
}
