"""validate --require-git: in CI the gate fails closed, a git check that cannot run is an error (RT708)."""

from __future__ import annotations

import configparser
import io
import re
import shlex
from pathlib import Path

import pytest
import yaml

from releasetools.cli.main import build_parser, main
from releasetools.core.findings import Skipped
from releasetools.rules.git import _SHALLOW
from releasetools.testing.datarepo import GIT_RULES, DataRepo
from releasetools.testing.deliverables import deliverable, rel
from releasetools.testing.sources import HIBISCUS, Sources
from releasetools.validate import ValidateOptions, validate

HIB_300 = {HIBISCUS: deliverable([rel('3.0.0', '@M')])}
REQUEST = {HIBISCUS: deliverable([rel('3.0.0', '@M'), rel('3.1.0', '@E')])}
ALL_GIT = ','.join(GIT_RULES)
CHECKOUT = Path(__file__).resolve().parent.parent


def strict(data: DataRepo, repos: str, *, offline: bool = True) -> list[tuple[str, str, int, str]]:
    report = validate(ValidateOptions(root=data.root, base='HEAD', repos=repos, offline=offline,
                                      cache_dir=data.cache_dir, require_git=True))
    return [(f.check, f.file, f.line, f.message) for f in report.findings]


def test_unreachable_repository_is_an_error(data: DataRepo, sources: Sources, tmp_path: Path) -> None:
    data.request(sources, REQUEST, HIB_300)
    assert strict(data, f'{tmp_path}/nowhere/{{repo}}') == [
        ('RT708', HIBISCUS, 9, f'git checks {ALL_GIT} could not run for openstack/nova: '
                               f'no repository at {tmp_path}/nowhere/openstack/nova')]


def test_default_mode_still_skips(data: DataRepo, sources: Sources, tmp_path: Path) -> None:
    data.request(sources, REQUEST, HIB_300)
    report = data.validate(f'{tmp_path}/nowhere/{{repo}}')
    assert report.findings == []
    assert [s.check for s in report.skipped] == list(GIT_RULES)


def test_offline_without_a_mirror_is_an_error(data: DataRepo, sources: Sources) -> None:
    data.request(sources, REQUEST, HIB_300)
    [(check, _, line, message)] = strict(data, 'https://git.invalid/{repo}')
    assert (check, line) == ('RT708', 9)
    assert message.endswith('offline, and https://git.invalid/openstack/nova has no local mirror in '
                            f'{data.cache_dir}')


def test_shallow_clone_is_an_error(data: DataRepo, sources: Sources) -> None:
    """Only the check that could not run is named; the others ran and passed."""
    data.request(sources, REQUEST, HIB_300)
    assert strict(data, f'{sources.shallow_parent}/{{repo}}') == [
        ('RT708', HIBISCUS, 9, f'git checks RT703 could not run for openstack/nova: {_SHALLOW}')]


def test_full_repository_passes(data: DataRepo, sources: Sources) -> None:
    data.request(sources, REQUEST, HIB_300)
    assert strict(data, sources.template) == []


def test_cli_flag_and_environment(data: DataRepo, sources: Sources, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    data.request(sources, REQUEST, HIB_300)
    args = ['validate', '--root', str(data.root), '--base', 'HEAD', '--offline', '--cache-dir', str(data.cache_dir),
            '--repos', f'{tmp_path}/nowhere/{{repo}}']
    monkeypatch.delenv('RELEASETOOLS_REQUIRE_GIT', raising=False)
    out = io.StringIO()
    assert main(args, out=out) == 0
    assert 'skipped [' in out.getvalue()
    out = io.StringIO()
    assert main([*args, '--require-git'], out=out) == 1
    assert f'{HIBISCUS}:9: error [RT708] git checks {ALL_GIT} could not run for openstack/nova: no repository at' \
        in out.getvalue()
    monkeypatch.setenv('RELEASETOOLS_REQUIRE_GIT', '1')
    out = io.StringIO()
    assert main([*args, '--format', 'json'], out=out) == 1
    assert '"check": "RT708"' in out.getvalue()


# --- the shipped CI jobs use it ----------------------------------------------------------------

def _validate_commands() -> dict[str, list[str]]:
    """Every `releasetools validate` command line of the shipped CI definitions, as argument lists."""
    texts = {
        'ci/zuul/playbooks/validate.yaml': ' '.join(str(t.get('command', '')) for t in
                                                    yaml.safe_load((CHECKOUT / 'ci/zuul/playbooks/validate.yaml')
                                                                   .read_text())[0]['tasks']),
        'ci/github/check.yaml': ' '.join(str(s.get('run', '')) for s in
                                         yaml.safe_load((CHECKOUT / 'ci/github/check.yaml').read_text())
                                         ['jobs']['validate']['steps']),
    }
    tox = configparser.ConfigParser(interpolation=None)
    tox.read(CHECKOUT / 'tox.ini')
    texts['tox.ini'] = tox['testenv:validate']['commands']
    found: dict[str, list[str]] = {}
    for name, raw in texts.items():
        text = re.sub(r'\{\{[^}]*\}\}|\$\{\{[^}]*\}\}|\{posargs\}', 'X', raw)
        match = re.search(r'releasetools (validate[^\n]*?)(?=(?:python3 -m )?releasetools|\Z|\n)', text)
        assert match, f'{name} runs no releasetools validate'
        found[name] = shlex.split(match.group(1))
    return found


@pytest.mark.parametrize('name', ['ci/zuul/playbooks/validate.yaml', 'ci/github/check.yaml', 'tox.ini'])
def test_shipped_ci_jobs_fail_closed(name: str) -> None:
    if not (CHECKOUT / 'ci').is_dir():
        pytest.skip('the ci/ directory is not in this checkout')
    argv = _validate_commands()[name]
    args = build_parser().parse_args(argv)
    assert args.require_git is True, argv


def test_skips_are_kept_in_the_report(data: DataRepo, sources: Sources, tmp_path: Path) -> None:
    """The JSON "skipped" list keeps its meaning: what did not run, also in CI mode."""
    data.request(sources, REQUEST, HIB_300)
    report = validate(ValidateOptions(root=data.root, base='HEAD', repos=f'{tmp_path}/nowhere/{{repo}}',
                                      offline=True, cache_dir=data.cache_dir, require_git=True))
    reason = f'no repository at {tmp_path}/nowhere/openstack/nova'
    assert report.skipped == [Skipped(check, 'openstack/nova', reason) for check in GIT_RULES]
