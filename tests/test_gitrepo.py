"""releasetools.git.repo: batched git access, on real repositories (see releasetools.testing.sources)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from releasetools.core.errors import GitError
from releasetools.git import repo as gitrepo
from releasetools.testing.gitcmd import commit_file, git, make_package_repo
from releasetools.testing.sources import Sources

#: The fixtures ``sources`` and ``data`` (conftest.py belongs to the other suites).

MISSING = '0123456789abcdef' * 2 + '01234567'


# --- refs ---------------------------------------------------------------------------------

def test_list_refs_peels_tags_and_records_their_type(sources: Sources) -> None:
    refs = gitrepo.list_refs(sources.path())
    s = sources
    assert refs.tags == {'1.0.0': s['A'], '1.0.1': s['SA'], '1.1.0': s['B'], '2.0.0': s['C'],
                         'inner-3.0.0': s['M'], '3.0.0': s['M']}
    assert refs.tag_types == {'1.0.0': 'tag', '1.0.1': 'tag', '1.1.0': 'commit', '2.0.0': 'tag',
                              'inner-3.0.0': 'tag', '3.0.0': 'tag'}


def test_list_refs_branches_and_default(sources: Sources) -> None:
    refs = gitrepo.list_refs(sources.path())
    s = sources
    assert refs.branches == {'master': s['E'], 'stable/2025.2': s['SA'], 'stable/2026.1': s['S2'],
                             'review/unmerged': s['U'], 'feature/side': s['F']}
    assert refs.default_branch == 'master'


def test_list_refs_of_a_bare_mirror(sources: Sources) -> None:
    mirror = sources.mirror_parent / 'openstack/nova'
    assert git(mirror, 'rev-parse', '--is-bare-repository') == 'true'
    assert gitrepo.list_refs(mirror) == gitrepo.list_refs(sources.path())


def test_list_refs_of_a_plain_clone_knows_branches_as_origin(sources: Sources, tmp_path: Path) -> None:
    clone = tmp_path / 'clone'
    git(tmp_path, 'clone', '-q', str(sources.path()), str(clone))
    refs = gitrepo.list_refs(clone)
    assert refs.branches['stable/2026.1'] == sources['S2']
    assert refs.branches['master'] == sources['E']
    assert refs.default_branch == 'master'
    assert refs.tags['3.0.0'] == sources['M']


def test_plain_clone_default_is_the_remotes_not_the_checked_out_branch(sources: Sources, tmp_path: Path) -> None:
    clone = tmp_path / 'clone'
    git(tmp_path, 'clone', '-q', str(sources.path()), str(clone))
    git(clone, 'checkout', '-q', '-b', 'my-topic', 'origin/stable/2026.1')
    refs = gitrepo.list_refs(clone)
    assert refs.default_branch == 'master'
    assert refs.branches['my-topic'] == sources['S2']


def test_plain_clone_branches_are_the_remotes_not_local_heads(sources: Sources, tmp_path: Path) -> None:
    """A local master behind origin/master (not pulled) or ahead of it (not pushed) is not the branch of record."""
    clone = tmp_path / 'clone'
    git(tmp_path, 'clone', '-q', str(sources.path()), str(clone))
    git(clone, 'reset', '-q', '--hard', sources['D'])
    assert gitrepo.list_refs(clone).branches['master'] == sources['E']
    git(clone, 'reset', '-q', '--hard', sources['E'])
    commit_file(clone, {'local.txt': 'never pushed\n'}, 'Local work')
    assert gitrepo.list_refs(clone).branches['master'] == sources['E']


def test_default_branch_main(tmp_path: Path) -> None:
    make_package_repo(tmp_path / 'r', {'a': '1'}, branch='main')
    assert gitrepo.list_refs(tmp_path / 'r').default_branch == 'main'


def test_default_branch_master_when_head_is_detached(tmp_path: Path) -> None:
    first, _ = make_package_repo(tmp_path / 'r', {'a': '1'}, {'a': '2'})
    git(tmp_path / 'r', 'checkout', '-q', '--detach', first)
    assert gitrepo.list_refs(tmp_path / 'r').default_branch == 'master'


def test_no_default_branch(tmp_path: Path) -> None:
    make_package_repo(tmp_path / 'r', {'a': '1'}, branch='trunk')
    git(tmp_path / 'r', 'checkout', '-q', '--detach')
    assert gitrepo.list_refs(tmp_path / 'r').default_branch is None


# --- objects ------------------------------------------------------------------------------

def test_object_types(sources: Sources) -> None:
    s = sources
    answer = gitrepo.object_types(s.path(), [s['C'], s['tree-E'], s['blob-setup.cfg'], s['tag-2.0.0'], MISSING,
                                             s['C']])
    assert answer == {s['C']: 'commit', s['tree-E']: 'tree', s['blob-setup.cfg']: 'blob', s['tag-2.0.0']: 'tag',
                      MISSING: 'missing'}
    assert gitrepo.object_types(s.path(), []) == {}


def test_shallow_boundary(sources: Sources) -> None:
    assert gitrepo.shallow_boundary(sources.shallow_parent / 'openstack/nova') == frozenset({sources['E']})
    assert gitrepo.shallow_boundary(sources.path()) == frozenset()


# --- ancestry -----------------------------------------------------------------------------

LINEAR = [('A', 'C', True), ('R0', 'E', True), ('C', 'C', True), ('C', 'A', False), ('E', 'D', False),
          ('A', 'S2', True), ('S1', 'S2', True), ('S1', 'E', False), ('D', 'S1', False), ('SA', 'S1', False)]
MERGE = [('F', 'M', True), ('D2', 'M', True), ('D', 'M', True), ('F', 'E', True), ('U', 'M', False),
         ('F', 'D2', False), ('D2', 'F', False), ('M', 'F', False), ('U', 'F', False)]


@pytest.mark.parametrize(('ancestor', 'descendant', 'expected'), LINEAR + MERGE)
def test_is_ancestor(sources: Sources, ancestor: str, descendant: str, expected: bool) -> None:
    s = sources
    tips = [s[n] for n in ('E', 'S2', 'SA', 'U')]
    ancestry = gitrepo.Ancestry(s.path(), tips)
    assert ancestry.is_ancestor(s[ancestor], s[descendant]) is expected


def test_is_ancestor_agrees_with_git_merge_base(sources: Sources) -> None:
    """Every pair of commits of the fixture, against ``git merge-base --is-ancestor``."""
    s = sources
    names = ['R0', 'A', 'B', 'C', 'SA', 'S1', 'S2', 'D', 'U', 'F', 'D2', 'M', 'E']
    ancestry = gitrepo.Ancestry(s.path(), [s['E'], s['S2'], s['SA'], s['U']])
    script = ''.join(f'git merge-base --is-ancestor {s[a]} {s[b]} && echo 1 || echo 0\n'
                     for a in names for b in names)
    out = subprocess.run(['sh', '-c', script], cwd=s.path(), capture_output=True, text=True, check=True).stdout
    truth = [line == '1' for line in out.split()]
    ours = [ancestry.is_ancestor(s[a], s[b]) for a in names for b in names]
    assert ours == truth


def test_is_ancestor_unknown_commit(sources: Sources) -> None:
    s = sources
    ancestry = gitrepo.Ancestry(s.path(), [s['C']])  # E was not walked
    assert ancestry.is_ancestor(s['A'], s['E']) is None
    assert ancestry.is_ancestor(s['E'], s['A']) is None
    assert ancestry.is_ancestor(MISSING, s['C']) is None
    assert ancestry.known(s['A']) and not ancestry.known(s['E'])


def test_ancestry_without_tips_runs_no_git(sources: Sources) -> None:
    before = gitrepo.CALLS['count']
    ancestry = gitrepo.Ancestry(sources.path(), [])
    assert gitrepo.CALLS['count'] == before
    assert ancestry.is_ancestor(sources['A'], sources['C']) is None


def test_ancestry_without_tips_reaches_nothing(sources: Sources) -> None:
    # A repository whose walk had no tips used to leave the reach cache unset (AttributeError).
    ancestry = gitrepo.Ancestry(sources.path(), [])
    assert ancestry.reachable(sources['A']) == frozenset()


def test_reachable(sources: Sources) -> None:
    s = sources
    ancestry = gitrepo.Ancestry(s.path(), [s['E'], s['S2'], s['U']])
    assert ancestry.reachable(s['M']) == {s[n] for n in ('M', 'D2', 'F', 'D', 'C', 'B', 'A', 'R0')}
    assert ancestry.reachable(s['S2']) == {s[n] for n in ('S2', 'S1', 'C', 'B', 'A', 'R0')}
    assert ancestry.reachable(s['R0']) == {s['R0']}
    assert ancestry.reachable(MISSING) == frozenset()


# --- file contents ------------------------------------------------------------------------

def test_read_blobs_spec(sources: Sources) -> None:
    s = sources
    e, c = s['E'], s['C']
    answer = gitrepo.read_blobs_spec(s.path(), [f'{e}:requirements.txt', f'{c}:requirements.txt', f'{e}:nope.txt',
                                                f'{e}:', f'{MISSING}:setup.cfg', f'{e}:setup.cfg',
                                                f'{e}:requirements.txt'])
    assert answer == {
        f'{e}:requirements.txt': b'pbr>=2.0.0  # Apache-2.0\noslo.config>=9.2.0\nrequests>=2.25.0\n',
        f'{c}:requirements.txt': b'pbr>=2.0.0  # Apache-2.0\noslo.config>=9.0.0\nrequests>=2.25.0\n',
        f'{e}:nope.txt': None,
        f'{e}:': None,  # a tree, not a file
        f'{MISSING}:setup.cfg': None,
        f'{e}:setup.cfg': b'[metadata]\nname = nova\nsummary = A test package\n\n[files]\npackages = nova\n',
    }
    assert gitrepo.read_blobs_spec(s.path(), []) == {}


def test_read_blobs_and_read_files_at(sources: Sources) -> None:
    s = sources
    assert gitrepo.read_blobs(s.path(), s['F'], ['side.txt', 'fix.txt']) == {'side.txt': b'side work\n',
                                                                            'fix.txt': None}
    assert gitrepo.read_files_at(s.path(), [(s['S1'], 'fix.txt'), (s['SA'], 'fix.txt'), (s['C'], 'fix.txt')]) == {
        (s['S1'], 'fix.txt'): b'fix on 2026.1\n', (s['SA'], 'fix.txt'): b'fix on 2025.2\n', (s['C'], 'fix.txt'): None}


def test_changed_paths(tmp_path: Path) -> None:
    root = tmp_path / 'data'
    base, = make_package_repo(root, {'deliverables/a/kept.yaml': 'k\n', 'deliverables/a/changed.yaml': 'c\n',
                                     'deliverables/b/gone.yaml': 'g\n', 'data/outside.yaml': 'o\n'})
    (root / 'deliverables/a/changed.yaml').write_text('c2\n')
    (root / 'deliverables/b/gone.yaml').unlink()
    (root / 'deliverables/b/new.yaml').write_text('n\n')
    (root / 'data/outside.yaml').write_text('o2\n')
    (root / 'data/untracked.yaml').write_text('u\n')
    (root / '.gitignore').write_text('*.ignored\n')
    (root / 'deliverables/a/x.ignored').write_text('i\n')
    present, deleted = gitrepo.changed_paths(root, base, 'deliverables')
    assert present == ['deliverables/a/changed.yaml', 'deliverables/b/new.yaml']
    assert deleted == ['deliverables/b/gone.yaml']
    # Staged changes count too: the comparison is with the working tree.
    git(root, 'add', '-A')
    assert gitrepo.changed_paths(root, base, 'deliverables') == (present, deleted)


def test_resolve_commit_and_default_base(tmp_path: Path) -> None:
    first, second = make_package_repo(tmp_path / 'r', {'a': '1'}, {'a': '2'})
    r = tmp_path / 'r'
    git(r, 'tag', '-a', '-m', 'x', 'v1', first)
    assert gitrepo.resolve_commit(r, 'v1') == first
    assert gitrepo.resolve_commit(r, 'HEAD') == second
    assert gitrepo.resolve_commit(r, 'no-such-rev') is None
    assert gitrepo.resolve_commit(r, f'{second}^{{tree}}') is None
    assert gitrepo.default_base(r) == first
    assert gitrepo.is_work_tree(r)
    assert not gitrepo.is_work_tree(tmp_path)


# --- run_git ------------------------------------------------------------------------------

def test_calls_counts_every_git_process(sources: Sources) -> None:
    before = gitrepo.CALLS['count']
    gitrepo.run_git(['rev-parse', 'HEAD'], sources.path())
    assert gitrepo.CALLS['count'] == before + 1
    gitrepo.list_refs(sources.path())  # for-each-ref, symbolic-ref and one peel of the nested tag
    assert gitrepo.CALLS['count'] == before + 4
    gitrepo.read_blobs_spec(sources.path(), [f'{sources["E"]}:a', f'{sources["C"]}:b', f'{sources["A"]}:c'])
    assert gitrepo.CALLS['count'] == before + 5


def test_run_git_failure_carries_gits_message(tmp_path: Path) -> None:
    with pytest.raises(GitError, match=r"git rev-parse --verify failed in .*: fatal: "):
        gitrepo.run_git(['rev-parse', '--verify', 'nope'], tmp_path)
    proc = gitrepo.run_git(['rev-parse', '--verify', 'nope'], tmp_path, check=False)
    assert proc.returncode != 0



def test_git_output_has_no_colour_whatever_the_user_configures(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A user's ``color.ui = always`` (which colours even into a pipe) never reaches what git prints for us."""
    config = tmp_path / 'gitconfig'
    config.write_text('[color]\n\tui = always\n\tdiff = always\n\tdecorate = always\n')
    make_package_repo(tmp_path / 'r', {'a': '1\n'}, {'a': '2\n'})
    monkeypatch.setenv('GIT_CONFIG_GLOBAL', str(config))
    plain = subprocess.run(['git', 'log', '--oneline', '--decorate', '--stat'], cwd=tmp_path / 'r',
                           capture_output=True, check=True).stdout
    assert b'\x1b[' in plain  # the configuration does colour git's own output into a pipe
    ours = gitrepo.run_git(['log', '--oneline', '--decorate', '--stat'], tmp_path / 'r').stdout
    assert b'\x1b' not in ours
    assert ours.count(b'\n') == plain.count(b'\n')
