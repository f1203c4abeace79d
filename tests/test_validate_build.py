"""``validate --build``: each new Python release is built at its hash with the release job's code (RT901-RT903)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from releasetools.cli import main
from releasetools.core.findings import Report
from releasetools.testing.gitcmd import commit_file
from releasetools.testing.pbrproject import Project, ReleaseData
from releasetools.validate import ValidateOptions, validate

BROKEN_README = 'widget\n====\n\nA demo package.\n\n.. unknown-directive:: nothing\n'


def _check(tmp_path: Path, project: Project, data: ReleaseData, **extra: Any) -> Report:
    settings: dict[str, Any] = {'root': data.root, 'base': 'HEAD^', 'repos': project.template,
                                'cache_dir': tmp_path / 'cache', 'build': True, 'build_isolation': False}
    return validate(ValidateOptions(**{**settings, **extra}))


def _release_line(data: ReleaseData, project: Project, version: str) -> int:
    lines = data.path(project).read_text().splitlines()
    return lines.index(f'  - version: {version}') + 1


def _build_findings(report: Report) -> list[tuple[str, int]]:
    return [(f.check, f.line) for f in report.findings if f.check.startswith('RT9')]


def test_a_good_release_builds_and_passes(tmp_path: Path) -> None:
    project = Project(tmp_path)
    data = ReleaseData(tmp_path, project)
    data.request(project, '1.0.0', project.commits[0])
    report = _check(tmp_path, project, data)
    assert report.findings == []
    assert [s for s in report.skipped if s.check.startswith('RT9')] == []


def test_a_static_version_other_than_the_requested_one_is_rt902(tmp_path: Path) -> None:
    project = Project(tmp_path, 'static', pyproject_version='0.0.1')
    data = ReleaseData(tmp_path, project)
    data.request(project, '1.0.0', project.commits[0])
    report = _check(tmp_path, project, data)
    assert _build_findings(report) == [('RT902', _release_line(data, project, '1.0.0'))]
    finding = next(f for f in report.findings if f.check == 'RT902')
    assert 'builds version 0.0.1, not 1.0.0' in finding.message and finding.hint
    assert finding.file == 'deliverables/_independent/static.yaml'


def test_a_readme_that_does_not_render_is_rt903(tmp_path: Path) -> None:
    project = Project(tmp_path)
    sha = project.commit({'README.rst': BROKEN_README}, 'a README that does not render')
    data = ReleaseData(tmp_path, project)
    data.request(project, '1.0.0', sha)
    report = _check(tmp_path, project, data)
    assert _build_findings(report) == [('RT903', _release_line(data, project, '1.0.0'))]
    assert 'twine check --strict failed' in next(f.message for f in report.findings if f.check == 'RT903')


def test_a_release_that_does_not_build_is_rt901(tmp_path: Path) -> None:
    project = Project(tmp_path)
    sha = project.commit({'setup.py': 'import setuptools\nsetuptools.setup(pbr=True\n'}, 'broken setup.py')
    data = ReleaseData(tmp_path, project)
    data.request(project, '1.0.0', sha)
    report = _check(tmp_path, project, data)
    assert _build_findings(report) == [('RT901', _release_line(data, project, '1.0.0'))]
    message = next(f.message for f in report.findings if f.check == 'RT901')
    assert f'at {sha[:12]}' in message and 'SyntaxError' in message


def test_several_releases_of_one_request_are_built_and_judged_each(tmp_path: Path) -> None:
    good = Project(tmp_path, 'widget')
    static = Project(tmp_path, 'static', pyproject_version='0.0.1')
    data = ReleaseData(tmp_path, good, static)
    for p in (good, static):
        with open(data.path(p), 'a') as fh:
            fh.write(f'  - version: 2.0.0\n    projects:\n      - repo: {p.repo}\n        hash: {p.commits[0]}\n')
    commit_file(data.root, {}, 'release widget and static 2.0.0')
    report = _check(tmp_path, good, data)
    assert [(f.file, f.check, f.line) for f in report.findings if f.check.startswith('RT9')] == [
        ('deliverables/_independent/static.yaml', 'RT902', _release_line(data, static, '2.0.0'))]


def test_only_what_the_request_adds_is_built(tmp_path: Path) -> None:
    project = Project(tmp_path)
    broken = project.commit({'setup.py': 'raise SystemExit(3)\n'}, 'broken')
    good = project.commit({'setup.py': 'import setuptools\n\nsetuptools.setup(setup_requires=["pbr"], pbr=True)\n'},
                          'fixed')
    data = ReleaseData(tmp_path, project)
    data.request(project, '0.9.0', broken)  # merged before: history, never rebuilt
    data.request(project, '1.0.0', good)
    report = _check(tmp_path, project, data)
    assert _build_findings(report) == []


def test_a_repository_that_cannot_be_read_is_skipped_not_passed(tmp_path: Path) -> None:
    project = Project(tmp_path)
    data = ReleaseData(tmp_path, project)
    data.request(project, '1.0.0', project.commits[0])
    report = _check(tmp_path, project, data, repos=str(tmp_path / 'nowhere') + '/{repo}')
    assert ('RT901', 'demo/widget') in {(s.check, s.repo) for s in report.skipped}
    assert _build_findings(report) == []


def test_off_by_default(tmp_path: Path) -> None:
    project = Project(tmp_path, 'static', pyproject_version='0.0.1')
    data = ReleaseData(tmp_path, project)
    data.request(project, '1.0.0', project.commits[0])
    report = _check(tmp_path, project, data, build=False)
    assert _build_findings(report) == []


def test_cli_build_isolated_reports_the_id_and_fails(tmp_path: Path) -> None:
    project = Project(tmp_path, 'static', pyproject_version='0.0.1')
    data = ReleaseData(tmp_path, project)
    data.request(project, '1.0.0', project.commits[0])
    out = io.StringIO()
    code = main(['validate', '--root', str(data.root), '--base', 'HEAD^', '--repos', project.template,
                 '--cache-dir', str(tmp_path / 'cache'), '--build'], out=out)
    assert code == 1, out.getvalue()
    line = _release_line(data, project, '1.0.0')
    assert f'deliverables/_independent/static.yaml:{line}: error [RT902]' in out.getvalue()


def test_build_with_all_is_a_usage_error(tmp_path: Path) -> None:
    project = Project(tmp_path)
    data = ReleaseData(tmp_path, project)
    code = main(['validate', '--root', str(data.root), '--all', '--build', '--repos', project.template],
                out=io.StringIO())
    assert code == 2


def test_progress_says_each_build_and_check_as_it_starts(tmp_path: Path) -> None:
    project = Project(tmp_path)
    data = ReleaseData(tmp_path, project)
    data.request(project, '1.0.0', project.commits[0])
    lines: list[str] = []
    report = _check(tmp_path, project, data, progress=lines.append)
    assert report.findings == []
    assert [line for line in lines if not line.startswith('repositories ')] == [
        f'building 1/1: {project.repo} 1.0.0', f'checking 1/1: {project.repo} 1.0.0: twine check --strict']
    assert lines[0].startswith('repositories 1/')  # the repository is located (read) before it is built
