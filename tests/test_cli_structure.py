"""The command line's shape: one module per command, options built once from argv, no import cycle."""

from __future__ import annotations

import argparse
import ast
import dataclasses
from pathlib import Path

import pytest

import releasetools
from releasetools.cli.main import COMMANDS, build_parser, check_approval, list_changes, new_release, release, validate
from releasetools.release.job import ReleaseOptions
from releasetools.testing.datarepo import DataRepo

TOP = Path(releasetools.__file__).resolve().parent.parent


def parse(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(list(argv))


def test_every_command_module_is_listed_once_in_help_order() -> None:
    names = [module.__name__.rsplit('.', 1)[-1].replace('_', '-') for module in COMMANDS]
    assert names == ['validate', 'new-release', 'propose-final', 'propose-milestone', 'propose-branches',
                     'init-series', 'check-approval', 'release', 'rules', 'list-changes', 'countdown', 'unreleased',
                     'audit', 'site', 'demo']
    assert len(set(names)) == len(names)


@pytest.fixture
def inside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data repository at tmp_path/data, the working directory one of its series folders; returns its root."""
    DataRepo(tmp_path / 'data')
    monkeypatch.chdir(tmp_path / 'data' / 'deliverables' / 'hibiscus')
    return tmp_path / 'data'


def test_validate_options_come_from_argv_and_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv('RELEASETOOLS_REQUIRE_GIT', 'yes')
    monkeypatch.chdir(tmp_path)
    opts = validate.options(parse('validate', '--root', 'data', '--base', 'HEAD~2', '--offline', '--cache-dir',
                                  'c', '--no-baseline', 'deliverables/x/nova.yaml'))
    # Paths are resolved once, against the working directory.
    assert (opts.root, opts.base, opts.offline, opts.cache_dir) == (tmp_path / 'data', 'HEAD~2', True, tmp_path / 'c')
    assert (opts.require_git, opts.no_baseline, opts.files) == (True, True, ['deliverables/x/nova.yaml'])
    with pytest.raises(dataclasses.FrozenInstanceError):
        opts.base = 'HEAD'  # type: ignore[misc]


def test_new_release_and_list_changes_options_are_frozen(inside: Path) -> None:
    sha = 'a' * 40
    proposal = new_release.options(parse('new-release', 'oak', 'alpha', 'feature', '--hash', f'demo/alpha={sha}'))
    assert (proposal.series, proposal.deliverable, proposal.kind) == ('oak', 'alpha', 'feature')
    assert dict(proposal.hashes) == {'demo/alpha': sha}
    changes = list_changes.options(parse('list-changes', '--date', '2027-01-02', '--repos', '/srv/{repo}'))
    assert (str(changes.date), changes.repos) == ('2027-01-02', '/srv/{repo}')
    assert proposal.root == changes.root == inside  # found upwards from deliverables/hibiscus
    for opts in (proposal, changes):
        with pytest.raises(dataclasses.FrozenInstanceError):
            opts.root = Path('elsewhere')  # type: ignore[misc]


def test_release_options_keep_their_defaults_for_absent_flags(inside: Path) -> None:
    absent, given = release.options(parse('release')), release.options(
        parse('release', '--remotes', '/srv/{repo}', '--workdir', 'w', '--mail-to', 'a@x', '--mail-to', 'b@x'))
    default = ReleaseOptions()
    assert (absent.remotes, absent.workdir, absent.mail_to) == (default.remotes, default.workdir, default.mail_to)
    assert (given.remotes, given.workdir, given.mail_to) == ('/srv/{repo}', Path.cwd() / 'w', ['a@x', 'b@x'])
    assert absent.root == given.root == inside


@pytest.mark.parametrize('flag', ['--repos', '--remotes'])
def test_one_repos_flag_everywhere_with_the_old_spelling_kept(inside: Path, flag: str) -> None:
    """release said --remotes, the others --repos: each command takes both, for the same option."""
    sha = 'a' * 40
    assert release.options(parse('release', flag, 'git/{repo}')).remotes == f'{Path.cwd()}/git/{{repo}}'
    assert validate.options(parse('validate', flag, 'https://git.example.org/{repo}')).repos == \
        'https://git.example.org/{repo}'  # a URL is left as it is
    assert new_release.options(parse('new-release', 'oak', 'alpha', 'feature', flag, '~/git/{repo}',
                                     '--hash', f'demo/alpha={sha}')).repos == str(Path.home() / 'git' / '{repo}')
    assert list_changes.options(parse('list-changes', flag, 'file:///srv/{repo}')).repos == 'file:///srv/{repo}'
    assert list_changes.options(parse('list-changes', flag, 'git@example.org:{repo}')).repos == \
        'git@example.org:{repo}'


def test_check_approval_merges_the_review_file_with_the_flags(tmp_path: Path) -> None:
    exported = tmp_path / 'review.json'
    exported.write_text('{"author": "alice", "approvers": ["bob"]}')
    review = check_approval.review(parse('check-approval', '--review', str(exported), '--approver', 'carol'))
    assert (review.author, review.approvers) == ('alice', frozenset({'bob', 'carol'}))


def imported(path: Path, top: Path = TOP) -> set[str]:
    """The modules a source file imports, anywhere in it (also inside functions), spelled in full."""
    package = path.relative_to(top).parts[:-1]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = list(package[:len(package) - node.level + 1]) if node.level else []
            names.add('.'.join([*base, node.module] if node.module else base))
    return names


def test_the_demo_does_not_import_the_command_line() -> None:
    """The CLI hands the demo its dispatcher: demo/ importing cli/ was the package's one import cycle."""
    sources = sorted((TOP / 'releasetools' / 'demo').glob('*.py'))
    assert sources
    for path in sources:
        names = imported(path)
        assert path.name == '__init__.py' or any(n.startswith('releasetools.') for n in names), (path, names)
        assert not {name for name in names if name.startswith('releasetools.cli')}, path


def test_cycle_wide_request_options_are_frozen() -> None:
    from releasetools.cli.main import propose_branches, propose_final, propose_milestone

    final = propose_final.options(parse('propose-final', 'hibiscus', '--offline', '--repos', '/srv/{repo}',
                                        '--dry-run'))
    assert (final.series, final.offline, final.repos, final.dry_run) == ('hibiscus', True, '/srv/{repo}', True)
    milestone = propose_milestone.options(parse('propose-milestone', 'hibiscus', 'rc', '--cache-dir', 'c'))
    # a relative path is resolved against the working directory, once, when the options are built
    assert (milestone.kind, milestone.cache_dir, milestone.dry_run) == ('rc', Path.cwd() / 'c', False)
    branches = propose_branches.options(parse('propose-branches', 'hibiscus', '--type', 'library, client-library'))
    assert branches.types == ('library', 'client-library')
    assert propose_branches.options(parse('propose-branches', 'hibiscus')).types == ()
    for opts in (final, milestone, branches):
        with pytest.raises(dataclasses.FrozenInstanceError):
            opts.root = Path('elsewhere')  # type: ignore[misc]
