"""``list-changes --format markdown|gerrit``: a pull-request comment and Gerrit robot comments.

The Markdown is rendered with GitHub's own renderer (cmark-gfm) to check that
what the data and the repositories hold stays text.
"""

from __future__ import annotations

import io
import json
import re

import pytest

from releasetools.cli import main
from releasetools.review.changes import ChangesReport, Commit, NotesPreview, ReleaseReview, RepoReview
from releasetools.review.gerrit import render_gerrit
from releasetools.review.markdown import render_markdown
from releasetools.testing.datarepo import DataRepo
from tests.review.conftest import LIB, Library, library_file
from tests.test_validate_formats import gfm_html

HOSTILE = '<script>alert(1)</script> [click](http://evil.example) @release-team #42 **bold**\n# heading'


def cli(data: DataRepo, library: Library, *extra: str) -> tuple[int, str]:
    data.write('hibiscus', 'oslo.demo', library_file(('1.0.0', library.ids['C0']), ('1.0.1', library.ids['C4'])),
               header=False)
    out = io.StringIO()
    code = main(['list-changes', '--root', str(data.root), '--base', 'HEAD', '--offline', '--repos',
                 library.template, '--cache-dir', str(data.cache_dir), '--date', '2026-08-26', *extra], out)
    return code, out.getvalue()


def test_markdown_reads_as_a_pull_request_comment(request_repo: DataRepo, library: Library) -> None:
    code, text = cli(request_repo, library, '--format', 'markdown')
    assert code == 0
    lines = text.splitlines()
    assert lines[0] == '## releasetools list-changes: 1 new release, 3 warnings'
    heading = lines.index('### oslo\\.demo 1\\.0\\.1 (hibiscus)')
    # The warnings come first, before the step and the repositories.
    assert lines[heading + 2].startswith('> **Warning:** openstack\\/oslo\\.demo\\: the release notes call for')
    step = next(n for n, line in enumerate(lines) if line.startswith('**Step:**'))
    assert step > heading + 2 + 2
    assert lines[step].startswith('**Step:** patch from 1\\.0\\.0')
    html = gfm_html(text)
    assert '<h4>openstack/oslo.demo @ <code>' in html
    assert 'commits: 5 since the previous release' in html
    assert '<summary>5 commits</summary>' in html and 'Replace helper() with shiny()' in html
    assert '<pre lang="text"><code>' in html and 'Added ``shiny()``.' in html  # the notes, verbatim
    assert 'a <strong>minor</strong> step (features)' in html
    assert '<code>oslo.config</code>: &gt;=9.0.0 → &gt;=9.1.0' in html
    assert LIB in html


def hostile_report() -> ChangesReport:
    repo = RepoReview(repo=LIB, hash='a' * 40, previous_hash='b' * 40,
                      commits=(Commit('c' * 40, HOSTILE, HOSTILE),), branches=('master',),
                      notes=NotesPreview(files=('n.yaml',), sections={}, preview=f'Fixes\n=====\n\n```\n{HOSTILE}\n',
                                         implied_step='patch', implied_by=('fixes',)))
    return ChangesReport(date='2026-08-26', releases=(ReleaseReview(
        file='deliverables/hibiscus/x.yaml', deliverable='x', series='hibiscus', team=HOSTILE, type='library',
        model='cycle-with-intermediary', release_type='python', version='1.0.1', previous_version='1.0.0',
        step='patch', repos=(repo,), hints=(HOSTILE,), warnings=(HOSTILE,), line=12),),
        problems=(HOSTILE,))


def test_markdown_keeps_untrusted_text_as_text() -> None:
    html = gfm_html(render_markdown(hostile_report()))
    outside_code = re.sub(r'<pre.*?</pre>', '', html, flags=re.S)  # GitHub finds no mention in code
    assert '<script' not in html and 'href="http://evil.example"' not in html
    assert '&lt;script&gt;' in html  # shown, as text
    assert '<strong>bold</strong>' not in html
    assert '@release-team' not in outside_code and '#42' not in outside_code  # no mention, no issue reference
    assert html.count('<h1') == 0 and html.count('<h3>') == 1  # the data's '# heading' is no heading
    # The notes preview cannot close its fence: the rest of the report is still Markdown.
    assert '<h4>' in html and html.count('<pre') == 1


@pytest.mark.parametrize('fmt', ['markdown', 'gerrit'])
def test_cli_offers_the_format(request_repo: DataRepo, library: Library, fmt: str,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('RELEASETOOLS_RUN_ID', 'run-7')
    code, text = cli(request_repo, library, '--format', fmt)
    assert code == 0
    if fmt == 'gerrit':
        review = json.loads(text)
        (comments,) = review['robot_comments'].values()
        assert list(review['robot_comments']) == ['deliverables/hibiscus/oslo.demo.yaml']
        warnings = [c for c in comments if c['message'].startswith('WARNING: ')]
        assert len(warnings) == 3
        # the line of the 1.0.1 release in the file (library_file: 7 lines, then the two releases)
        assert {(c['robot_id'], c['robot_run_id'], c['line'], c['unresolved']) for c in warnings} == {
            ('releasetools', 'run-7', 10, True)}
        assert review['message'].splitlines()[1].startswith('- oslo.demo 1.0.1 (hibiscus): patch step from 1.0.0')
    else:
        assert text.startswith('## releasetools list-changes')


def test_gerrit_comments_per_release_line() -> None:
    review = json.loads(render_gerrit(hostile_report(), 'r'))
    comments = review['robot_comments']['deliverables/hibiscus/x.yaml']
    assert [(c['line'], c['message']) for c in comments] == [(12, f'WARNING: {HOSTILE}'), (12, f'hint: {HOSTILE}')]
    assert review['tag'] == 'autogenerated:releasetools'
