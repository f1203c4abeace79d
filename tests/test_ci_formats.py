"""The shipped CI jobs show the findings where reviewers look: annotations and a step summary on
GitHub, the log and a Gerrit ReviewInput artifact on Zuul."""

from __future__ import annotations

import re
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


# The fan-out of the release job (issue 15): every releasetools command line in every shipped CI
# file parses with the real parser, and the workflow's structure is the one doc/source/ci.rst describes.

_CI_FILES = ('ci/github/check.yaml', 'ci/github/post.yaml', 'ci/zuul/playbooks/validate.yaml',
             'ci/zuul/playbooks/release-plan.yaml', 'ci/zuul/playbooks/release-batch.yaml',
             'ci/zuul/playbooks/release-summary.yaml', 'ci/zuul/playbooks/site.yaml')


def _scripts(node: Any) -> list[str]:
    """Every shell script of a workflow or playbook: run steps, command and shell tasks."""
    if isinstance(node, dict):
        found = [v for k, v in node.items() if k in ('run', 'command', 'shell') and isinstance(v, str)]
        return found + [s for v in node.values() for s in _scripts(v)]
    if isinstance(node, list):
        return [s for v in node for s in _scripts(v)]
    return []


def _command_lines(script: str) -> list[list[str]]:
    """The arguments of each releasetools invocation in a script (templates become a word X)."""
    text = re.sub(r'\$\{\{.*?\}\}|\{\{.*?\}\}', 'X', script, flags=re.S)
    text = text.replace('"$unit"', 'X').replace('"$UNIT"', 'X')
    commands = []
    for line in text.splitlines():  # a literal block: one command a line; a folded one is one line
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        words: list[str] = []
        for token in [*lexer, ';']:
            if token and (set(token) <= set('();<>|&') or token == 'do'):  # the end of a command
                if 'releasetools' in words and 'pip' not in words:
                    commands.append(words[words.index('releasetools') + 1:])
                words = []
            else:
                words.append(token)
    return commands


def _shipped_commands() -> list[tuple[str, list[str]]]:
    return [(rel, argv) for rel in _CI_FILES for script in _scripts(_load(rel)) for argv in _command_lines(script)]


def test_every_shipped_command_line_parses_with_the_real_parser() -> None:
    commands = _shipped_commands()
    assert len(commands) >= 14, commands  # the scan finds them all, not none
    parser = build_parser()
    for rel, argv in commands:
        try:
            parser.parse_args(argv)
        except SystemExit:  # argparse exits on an unknown flag: name the line instead
            pytest.fail(f'{rel}: releasetools {shlex.join(argv)} does not parse')
    release = [argv for _, argv in commands if argv[0] == 'release']
    modes = {next((f for f in ('--plan', '--unit', '--summary') if f in argv), 'all') for argv in release}
    assert modes == {'--plan', '--unit', '--summary'}  # no shipped job runs the whole request serially


def _post() -> dict[str, Any]:
    jobs: dict[str, Any] = _load('ci/github/post.yaml')['jobs']
    return jobs


def _runs(job: dict[str, Any]) -> list[str]:
    return [str(step.get('run', '')) for step in job['steps']]


def test_github_plan_job_exposes_the_units_as_json_outputs() -> None:
    plan = _post()['plan']
    step = next(s for s in plan['steps'] if s.get('id') == 'plan')
    for name in ('units', 'independent', 'dependent'):
        assert plan['outputs'][name] == f'${{{{ steps.plan.outputs.{name} }}}}'
        assert f'echo "{name}=$(jq -c' in step['run']  # one JSON list a line, for fromJSON
    plan_line = next(r for r in _runs(plan) if '--plan' in r)
    args = build_parser().parse_args(_command_lines(plan_line)[0])
    assert args.format == 'json' and 'plan.json' in plan_line


def test_github_units_fan_out_in_two_matrices_from_the_plan() -> None:
    jobs = _post()
    for name, output, needs in (('release', 'independent', 'plan'), ('dependent', 'dependent', ['plan', 'release'])):
        job = jobs[name]
        assert job['needs'] == needs
        strategy = job['strategy']
        assert strategy['matrix']['unit'] == f'${{{{ fromJSON(needs.plan.outputs.{output}) }}}}'
        assert strategy['fail-fast'] is False and int(strategy['max-parallel']) >= 2
        unit_line = next(r for r in _runs(job) if '--unit' in r)
        assert '--unit "$UNIT"' in unit_line  # the id reaches the shell as data, never as script text
        assert next(s for s in job['steps'] if '--unit' in str(s.get('run')))['env']['UNIT'] == '${{ matrix.unit }}'
        assert 'concurrency' not in job  # units of one request run in parallel
    assert jobs['dependent']['if'].startswith('${{ always()')  # runs after failed independent units too
    assert jobs['release']['steps'] == jobs['dependent']['steps']
    assert 'concurrency' not in _load('ci/github/post.yaml')  # not the whole request


def test_github_summary_always_runs_last_then_the_site() -> None:
    jobs = _post()
    summary = jobs['summary']
    assert summary['if'] == '${{ always() }}'
    assert set(summary['needs']) == {'plan', 'release', 'dependent', 'catch-up'}
    line = next(r for r in _runs(summary) if '--summary' in r)
    assert 'pipefail' in summary['steps'][-1]['shell']  # exit 1 of --summary is not hidden by tee
    assert build_parser().parse_args(_command_lines(line)[0]).summary
    assert jobs['catch-up']['if'].startswith('${{ always()')
    assert jobs['site']['needs'] == 'summary' and jobs['site']['if'] == '${{ always() }}'
    serial = {name for name, job in jobs.items() if 'concurrency' in job}
    assert serial == {'summary', 'site'}


def test_zuul_plan_returns_child_jobs_and_a_semaphore_guards_only_the_serial_jobs() -> None:
    config = _load('ci/zuul/zuul.yaml')
    jobs = {item['job']['name']: item['job'] for item in config if 'job' in item}
    batches = sorted(n for n in jobs if re.fullmatch(r'releasetools-release-batch-\d+', n))
    assert len(batches) == jobs['releasetools-release-base']['vars']['releasetools_batches'] >= 2
    assert [jobs[n]['vars']['releasetools_batch'] for n in batches] == list(range(len(batches)))
    guarded = {n for n, job in jobs.items() if 'semaphore' in job}
    assert guarded == {'releasetools-release-summary', 'releasetools-site'}
    tasks = _load('ci/zuul/playbooks/release-plan.yaml')[0]['tasks']
    returned = next(t for t in tasks if 'zuul_return' in t)['zuul_return']['data']
    assert 'releasetools_units' in returned
    assert 'releasetools-release-batch-' in returned['zuul']['child_jobs']
    batch = _load('ci/zuul/playbooks/release-batch.yaml')[0]['tasks'][-1]
    assert batch['loop'] == '{{ releasetools_units[releasetools_batch::releasetools_batches] }}'
    post = next(item['project']['post']['jobs'] for item in config if 'project' in item)
    summary = next(j['releasetools-release-summary'] for j in post if isinstance(j, dict)
                   and 'releasetools-release-summary' in j)
    assert {d['name'] for d in summary['dependencies'] if isinstance(d, dict)} == set(batches)
