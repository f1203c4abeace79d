"""``validate --format github|sarif|junit|gerrit``, each read back by a real consumer.

SARIF is checked against the OASIS schema (jsonschema), JUnit parsed with
xml.etree, the GitHub commands parsed as the Actions runner parses them, the
Gerrit ReviewInput by its documented fields.
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import cmarkgfm
import jsonschema
import pytest
from cmarkgfm.cmark import Options as cmarkgfm_options

from releasetools.cli import main
from releasetools.core.findings import Finding, Report, Severity, Skipped
from releasetools.rules import RULES
from releasetools.testing.datarepo import DataRepo
from releasetools.testing.deliverables import R, doc
from releasetools.validate.formats import render_gerrit, render_github, render_github_summary, render_junit, sarif_log

RC = 'release-model: cycle-with-rc'
SCHEMA = Path(__file__).parent / 'fixtures' / 'sarif-schema-2.1.0.json'
#: Text a contributor controls, trying to end a workflow command and start another one.
HOSTILE = 'bad, very: bad%0A\r\n::add-mask::secret\n::error file=x::forged <img src=x> [a](http://evil) @team'


def run(fmt: str, repo: DataRepo, tmp_path: Path) -> tuple[int, str]:
    out = io.StringIO()
    code = main(['validate', '--offline', '--cache-dir', str(tmp_path / 'cache'), '--all', '--root', str(repo.root),
                 '--format', fmt], out=out)
    return code, out.getvalue()


@pytest.fixture
def mistakes(repo: DataRepo) -> DataRepo:
    """An error (RT201 at line 6, with a hint), a warning (RT107 at line 1), a clean file."""
    repo.write('hibiscus', 'nova', doc(RC, releases=[R('1.0.0rc1')]))
    repo.write('hibiscus', 'neutron', 'team: neutron\ntype: service\nrelease-model: cycle-with-rc\n', header=False)
    repo.write('hibiscus', 'glance', doc(RC, releases=[R('1.0.0.0rc1'), R('1.0.0')]))
    return repo


def hostile_report() -> Report:
    return Report(findings=[Finding('RT201', Severity.ERROR, 'deliverables/x/a,b:c.yaml', 3, HOSTILE, HOSTILE),
                            Finding('RT107', Severity.WARNING, 'deliverables/x/a,b:c.yaml', 0, 'w')],
                  checked=1, files=['deliverables/x/a,b:c.yaml'], skipped=[Skipped('RT701', 'o/r', 'offline')])


def gfm_html(markdown: str) -> str:
    """``markdown`` as GitHub renders it (cmark-gfm with its extensions), raw HTML not filtered."""
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=cmarkgfm_options.CMARK_OPT_UNSAFE)


# --- GitHub workflow commands --------------------------------------------------------------------

#: How the runner reads a command: ``::name k=v,k=v::message``, one per line (actions/runner ActionCommand).
COMMAND = re.compile(r'^::(?P<name>[a-z-]+)(?: (?P<props>[^:]*))?::(?P<data>.*)$')


def unescape(text: str, prop: bool = False) -> str:
    pairs = [('%0D', '\r'), ('%0A', '\n')] + ([('%3A', ':'), ('%2C', ',')] if prop else []) + [('%25', '%')]
    for escaped, char in pairs:
        text = text.replace(escaped, char)
    return text


def commands(text: str) -> list[tuple[str, dict[str, str], str]]:
    out = []
    for line in text.splitlines():
        m = COMMAND.match(line)
        if m:
            props = dict(p.split('=', 1) for p in (m['props'] or '').split(',') if p)
            out.append((m['name'], {k: unescape(v, True) for k, v in props.items()}, unescape(m['data'])))
    return out


def test_github_one_annotation_per_finding_with_the_hint(mistakes: DataRepo, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / 'summary.md'
    summary.write_text('earlier step\n')
    monkeypatch.setenv('GITHUB_STEP_SUMMARY', str(summary))
    code, text = run('github', mistakes, tmp_path)
    assert code == 1
    found = commands(text)
    assert found[:2] == [
        ('warning', {'file': 'deliverables/hibiscus/neutron.yaml', 'line': '1', 'title': 'RT107'},
         'no bug tracker: neither launchpad nor storyboard is set\n'
         'hint: add launchpad: <project> or storyboard: <project>'),
        ('error', {'file': 'deliverables/hibiscus/nova.yaml', 'line': '6', 'title': 'RT201'},
         "'1.0.0rc1' is not a canonical version\nhint: write '1.0.0.0rc1'"),
    ]
    assert found[2][0] == 'notice'
    assert text.endswith('checked 3 files: 1 error, 1 warning, 7 checks skipped\n')
    written = summary.read_text()
    assert written.startswith('earlier step\n### releasetools validate: failed\n')  # appended, not replaced
    assert 'RT201' in written and 'deliverables/hibiscus/nova.yaml:6' in written


def test_github_with_an_unwritable_step_summary_still_annotates(mistakes: DataRepo, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv('GITHUB_STEP_SUMMARY', str(tmp_path))  # a directory: cannot be appended to
    code, text = run('github', mistakes, tmp_path)
    assert code == 1 and [c[0] for c in commands(text)] == ['warning', 'error', 'notice']
    assert f'cannot write the step summary to {tmp_path}' in capsys.readouterr().err


def test_hostile_text_cannot_start_a_second_command() -> None:
    text = render_github(hostile_report())
    lines = text.splitlines()
    assert len(lines) == 4  # two findings, the skipped notice, the summary line
    assert [line.split(' ', 1)[0] for line in lines[:3]] == ['::error', '::warning', '::notice']
    name, props, data = commands(text)[0]
    assert (name, props['file'], props['line'], props['title']) == ('error', 'deliverables/x/a,b:c.yaml', '3',
                                                                    'RT201')
    assert data == f'{HOSTILE}\nhint: {HOSTILE}'  # the runner gets the text back exactly
    assert '::add-mask::' not in ''.join(line for line in lines if not line.startswith('::error '))
    assert 'line=' not in lines[1]  # a finding about the whole file (line 0) has no line


def test_step_summary_is_text_not_markup() -> None:
    """Rendered by GitHub's own Markdown (cmark-gfm, raw HTML let through): the hostile text is text."""
    html = gfm_html(render_github_summary(hostile_report()))
    assert '<img' not in html and 'href="http://evil"' not in html and '&lt;img src=x&gt;' in html
    assert '@team' not in html  # no mention: a zero-width space follows the @
    assert html.count('<li>') == 2  # the hostile newlines did not start items or commands of their own


# --- SARIF ---------------------------------------------------------------------------------------

@pytest.fixture(scope='module')
def validator() -> Any:
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def test_sarif_validates_against_the_schema(mistakes: DataRepo, tmp_path: Path, validator: Any) -> None:
    code, text = run('sarif', mistakes, tmp_path)
    assert code == 1
    log = json.loads(text)
    validator.validate(log)
    (sarif_run,) = log['runs']
    rules = sarif_run['tool']['driver']['rules']
    assert [r['id'] for r in rules] == list(RULES)  # each rule once
    results = {(r['ruleId'], r['level'], r['locations'][0]['physicalLocation']['artifactLocation']['uri'],
                r['locations'][0]['physicalLocation']['region']['startLine']) for r in sarif_run['results']}
    assert results == {('RT201', 'error', 'deliverables/hibiscus/nova.yaml', 6),
                       ('RT107', 'warning', 'deliverables/hibiscus/neutron.yaml', 1)}
    for result in sarif_run['results']:
        assert rules[result['ruleIndex']]['id'] == result['ruleId']
    rt201 = rules[list(RULES).index('RT201')]
    assert rt201['help']['text'] == (RULES['RT201'].doc or RULES['RT201'].title)
    assert rt201['shortDescription']['text'] == RULES['RT201'].title
    notes = sarif_run['invocations'][0]['toolExecutionNotifications']
    assert notes and all('skipped' in n['message']['text'] for n in notes)


def test_sarif_of_hostile_text_and_baseline_suppressions(validator: Any) -> None:
    report = hostile_report()
    report.accepted = [Finding('RT999', Severity.ERROR, 'f.yaml', 2, 'accepted')]
    log = sarif_log(report)
    validator.validate(log)
    results = log['runs'][0]['results']
    assert results[0]['message']['text'] == f'{HOSTILE}\nhint: {HOSTILE}'
    assert results[1]['locations'][0]['physicalLocation']['region'] == {'startLine': 1}  # line 0: the file
    assert results[2]['suppressions'][0]['kind'] == 'external'
    assert log['runs'][0]['tool']['driver']['rules'][results[2]['ruleIndex']]['id'] == 'RT999'


def test_schema_rejects_a_broken_log(validator: Any) -> None:
    """The validator is no rubber stamp: a result without a message fails."""
    log = sarif_log(hostile_report())
    del log['runs'][0]['results'][0]['message']
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(log)


# --- JUnit ---------------------------------------------------------------------------------------

def test_junit_one_test_case_per_file(mistakes: DataRepo, tmp_path: Path) -> None:
    code, text = run('junit', mistakes, tmp_path)
    assert code == 1
    root = ET.fromstring(text.encode('utf-8'))
    (suite,) = root.findall('testsuite')
    cases = {c.get('name'): c for c in suite.findall('testcase')}
    assert sorted(cases) == ['deliverables/hibiscus/glance.yaml', 'deliverables/hibiscus/neutron.yaml',
                             'deliverables/hibiscus/nova.yaml']
    assert (suite.get('tests'), suite.get('failures')) == ('3', '1')
    (failure,) = cases['deliverables/hibiscus/nova.yaml'].findall('failure')
    assert failure.get('type') == 'RT201' and "hint: write '1.0.0.0rc1'" in (failure.text or '')
    neutron = cases['deliverables/hibiscus/neutron.yaml']
    assert not neutron.findall('failure') and '[RT107]' in (neutron.findtext('system-out') or '')
    assert list(cases['deliverables/hibiscus/glance.yaml']) == []


def test_junit_of_hostile_text_parses_back() -> None:
    report = hostile_report()
    report.findings.append(Finding('RT201', Severity.ERROR, 'f.yaml', 1, 'nul \x00 and \x1b[31m'))
    root = ET.fromstring(render_junit(report).encode('utf-8'))
    failures = root.findall('.//failure')
    assert failures[0].get('message') == HOSTILE  # attributes keep their line ends (&#13;&#10;)
    assert failures[1].get('message') == 'nul \ufffd and \ufffd[31m'


# --- Gerrit --------------------------------------------------------------------------------------

def test_gerrit_review_input_per_file_and_line(mistakes: DataRepo, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('RELEASETOOLS_RUN_ID', 'build-42')
    code, text = run('gerrit', mistakes, tmp_path)
    assert code == 1
    review = json.loads(text)
    assert review['tag'].startswith('autogenerated:')
    assert review['message'].startswith('releasetools validate: failed. Checked 3 files')
    comments = review['robot_comments']
    assert sorted(comments) == ['deliverables/hibiscus/neutron.yaml', 'deliverables/hibiscus/nova.yaml']
    (nova,) = comments['deliverables/hibiscus/nova.yaml']
    assert (nova['robot_id'], nova['robot_run_id'], nova['line'], nova['unresolved']) == \
        ('releasetools', 'build-42', 6, True)
    assert nova['message'].startswith('error [RT201]') and "hint: write '1.0.0.0rc1'" in nova['message']
    assert comments['deliverables/hibiscus/neutron.yaml'][0]['unresolved'] is False


def test_gerrit_file_comment_without_a_line() -> None:
    review = json.loads(render_gerrit(hostile_report(), 'r1'))
    first, second = review['robot_comments']['deliverables/x/a,b:c.yaml']
    assert first['line'] == 3 and HOSTILE in first['message']
    assert 'line' not in second
