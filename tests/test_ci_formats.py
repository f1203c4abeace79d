"""The shipped CI jobs show the findings where reviewers look: annotations and a step summary on
GitHub, the log and a Gerrit ReviewInput artifact on Zuul."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from releasetools.cli.main import build_parser

CHECKOUT = Path(__file__).resolve().parent.parent


def _load(rel: str) -> Any:
    path = CHECKOUT / rel
    if not path.is_file():
        pytest.skip(f'{rel} is not in this checkout')
    return yaml.safe_load(path.read_text())


def _argv(command: str) -> list[str]:
    """The releasetools arguments of a shell command line (templates replaced, redirections cut)."""
    text = command.replace('${{ github.base_ref }}', 'main')
    for template in ('{{ zuul.project.src_dir }}', '{{ releasetools_repos }}'):
        text = text.replace(template, 'X')
    words = shlex.split(text.split('|')[0].split('>')[0])
    return words[words.index('releasetools') + 1:]


def test_github_workflow_annotates_and_summarises() -> None:
    steps = _load('ci/github/check.yaml')['jobs']['validate']['steps']
    runs = [str(s.get('run', '')) for s in steps]
    validate = next(r for r in runs if r.startswith('releasetools validate'))
    args = build_parser().parse_args(_argv(validate))
    assert (args.format, args.require_git) == ('github', True)  # the summary goes to $GITHUB_STEP_SUMMARY
    changes_step = next(s for s in steps if 'list-changes' in str(s.get('run', '')))
    assert build_parser().parse_args(_argv(changes_step['run'])).format == 'markdown'
    assert '"$GITHUB_STEP_SUMMARY"' in changes_step['run']
    assert changes_step['if'] == '${{ !cancelled() }}'  # shown also when validation failed


def test_zuul_job_keeps_the_log_and_offers_the_gerrit_json() -> None:
    tasks = _load('ci/zuul/playbooks/validate.yaml')[0]['tasks']
    lines = [(t['name'], str(t.get('command') or t.get('shell') or '')) for t in tasks]
    formats = {}
    for name, line in lines:
        if 'releasetools' in line and 'pip install' not in line:
            words = shlex.split(line.replace('{{ zuul.project.src_dir }}', 'X')
                                .replace('{{ releasetools_repos }}', 'X').split('>')[0])
            argv = words[words.index('releasetools') + 1:]
            formats[name] = (argv[0], build_parser().parse_args(argv).format, line)
    gate = [v for v in formats.values() if v[0] == 'validate' and v[1] == 'text']
    assert len(gate) == 1 and '--build' in gate[0][2]  # the log output, as before
    artifacts = [v for v in formats.values() if v[1] == 'gerrit']
    assert sorted(v[0] for v in artifacts) == ['list-changes', 'validate']
    assert all('zuul-output/artifacts/' in v[2] for v in artifacts)
    # The artifacts are written before the gate, so they exist when it fails.
    names = [n for n, _ in lines]
    gate_name = next(n for n, v in formats.items() if v[1] == 'text' and v[0] == 'validate')
    assert all(names.index(n) < names.index(gate_name) for n, v in formats.items() if v[1] == 'gerrit')
