"""Text rules RT801-RT805: contributor RST and URLs that would not stay text on the site.

The first line of a snippet is line 4 of the file (releasetools.testing.deliverables.HEADER).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from releasetools.core.textsafety import may_have_markup, scan_rst
from releasetools.testing.datarepo import DataRepo, only
from tests.site.hostile import write_hostile_tree

P = pytest.param
TEXT_RULES = ('RT801', 'RT802', 'RT803', 'RT804', 'RT805')
SAMPLE = Path(__file__).resolve().parent.parent.parent / '..' / 'shared' / 'upstream-sample'

CASES = [
    P("""
      cycle-highlights:
        - Plain text, ``code``, *emphasis* and a `link <https://docs.example.org/x>`_.
        - Mail `us <mailto:team@example.org>`_ or read `the guide <../guide.html>`_.
      release-notes: https://docs.example.org/releasenotes/nova/
      """, [], id='pass-ordinary-highlights'),
    # -- RT801 raw HTML ----------------------------------------------------------
    P("""
      cycle-highlights:
        - Fine.
        - |
          Intro.

          .. raw:: html

             <script>alert(1)</script>
      """, [('RT801', 9)], id='RT801-raw-directive'),
    P("""
      cycle-highlights:
        - |
          * first
          * .. raw:: html

               <b>in a list item</b>
      """, [('RT801', 7)], id='RT801-raw-in-a-list-item'),
    P("""
      cycle-highlights:
        - |
          .. role:: html(raw)
             :format: html

          :html:`<script>x</script>`
      """, [('RT801', 6)], id='RT801-raw-role'),
    # -- RT802 files ---------------------------------------------------------------
    P("""
      cycle-highlights:
        - |
          .. include:: /etc/passwd
             :literal:
      """, [('RT802', 6)], id='RT802-include'),
    P("""
      cycle-highlights:
        - |
          .. note::

             .. literalinclude:: ../../../setup.cfg
      """, [('RT802', 8)], id='RT802-literalinclude-inside-a-note'),
    P("""
      cycle-highlights:
        - |
          .. csv-table:: Secrets
             :file: /etc/shadow
        - "Copy :download:`this <../../../../etc/passwd>`."
        - |
          .. image:: ../../../etc/passwd
        - |
          .. image:: https://img.example.org/ok.png
      """, [('RT802', 6), ('RT802', 8), ('RT802', 10)], id='RT802-table-download-image'),
    # -- RT803 links -----------------------------------------------------------------
    P("""
      cycle-highlights:
        - Click `x <javascript:alert(1)>`_ now.
        - |
          A reference_ to a target.

          .. _reference: JavaScript:alert(document.cookie)
        - |
          An `anonymous`__ one.

          __ data:text/html,<script>alert(1)</script>
      """, [('RT803', 5), ('RT803', 9), ('RT803', 13)], id='RT803-embedded-named-anonymous'),
    P("""
      cycle-highlights:
        - |
          .. admonition:: Read `this <vbscript:x>`_

             And `that <javascript:y>`_.
      """, [('RT803', 6), ('RT803', 8)], id='RT803-in-a-directive-title-and-body'),
    # -- RT804 page-level directives ----------------------------------------------------
    P("""
      cycle-highlights:
        - |
          .. meta::
             :http-equiv=refresh: 0; url=https://evil.example/
      """, [('RT804', 6)], id='RT804-meta'),
    # -- RT805 release-notes URLs --------------------------------------------------------
    P("""
      release-notes: javascript:alert(1)
      """, [('RT805', 4)], id='RT805-release-notes'),
    P("""
      release-notes:
        openstack/nova: https://docs.example.org/nova/
        openstack/placement: " javascript:alert(1)"
      """, [('RT805', 6)], id='RT805-release-notes-map'),
]


@pytest.mark.parametrize(('snippet', 'expected'), CASES)
def test_text_rules(tmp_path: Path, snippet: str, expected: list[tuple[str, int]]) -> None:
    data = DataRepo(tmp_path / 'data')
    rel = data.write('hibiscus', 'nova', snippet)
    assert only(data.findings(rel), *TEXT_RULES) == expected


def test_the_hostile_tree_is_rejected_line_by_line(tmp_path: Path) -> None:
    data, lines = write_hostile_tree(tmp_path / 'data', tmp_path / 'out')
    report = data.report()
    found = sorted((f.check, f.line) for f in report.findings if f.check in TEXT_RULES)
    assert found == sorted([
        ('RT805', lines['release-notes']), ('RT801', lines['raw']), ('RT802', lines['include']),
        ('RT802', lines['passwd']), ('RT803', lines['link']), ('RT802', lines['image']),
    ])
    assert {f.check for f in report.errors} >= set(TEXT_RULES) - {'RT804'}


def test_scanning_reads_no_file_and_leaves_docutils_as_it_was(tmp_path: Path) -> None:
    from docutils.parsers.rst import directives

    secret = tmp_path / 'secret.txt'
    secret.write_text('rt-secret\n')
    before = dict(directives._directives)  # type: ignore[attr-defined]
    issues = scan_rst(f'.. include:: {secret}\n\n.. raw:: html\n   :file: {secret}\n')
    assert [(i.kind, i.line) for i in issues] == [('file', 1), ('file', 3), ('raw', 3)]
    assert 'rt-secret' not in repr(issues)
    assert dict(directives._directives) == before  # type: ignore[attr-defined]


def test_plain_text_is_not_parsed() -> None:
    assert not may_have_markup('Nova boots faster. Note: it does ``[DEFAULT]/x`` (RFC 2317) -> `y`.')
    for text in ('.. raw:: html', 'javascript:x', ':raw:`x`', '`x <java script :y>`_', '__ data:x', 'a\n.. _t: y'):
        assert may_have_markup(text), text
    assert scan_rst('`x <javascript\n:alert(1)>`_')[0].kind == 'link'


@pytest.mark.skipif(not (SAMPLE / 'data' / 'series_status.yaml').is_file(),
                    reason=f'the upstream data sample is not at {SAMPLE}')
def test_upstream_highlights_pass_and_stay_fast() -> None:
    from releasetools.data.load import list_deliverable_files, load_deliverable_file

    paths, _ = list_deliverable_files(SAMPLE)
    texts = []
    for rel in paths:
        d = load_deliverable_file(SAMPLE, rel).deliverable
        if d is not None and isinstance(d.raw.get('cycle-highlights'), list):
            texts.extend(t for t in d.raw['cycle-highlights'] if isinstance(t, str))
    assert len(texts) > 200
    scan_rst('`warm <https://x>`_')
    start = time.perf_counter()
    issues = [(t[:40], i) for t in texts for i in scan_rst(t)]
    elapsed = time.perf_counter() - start
    assert issues == []
    assert elapsed < 2.0, f'{len(texts)} highlights took {elapsed:.2f} s'


def test_a_request_adding_a_script_fails_validate_in_request_mode(tmp_path: Path) -> None:
    data = DataRepo(tmp_path / 'data')
    data.init_git()
    rel = data.write('hibiscus', 'nova', """
      release-model: cycle-with-rc
      cycle-highlights:
        - Nova boots faster.
      """)
    base = data.commit()
    data.write('hibiscus', 'nova', """
      release-model: cycle-with-rc
      cycle-highlights:
        - Nova boots faster.
        - |
          .. raw:: html

             <script>alert(1)</script>
      """)
    assert only(data.findings(rel, base=base), *TEXT_RULES) == [('RT801', 8)]


def test_cli_reports_each_attack_with_its_id_and_line(tmp_path: Path) -> None:
    import io
    import json

    from releasetools.cli import main

    data, lines = write_hostile_tree(tmp_path / 'data', tmp_path / 'out')
    out = io.StringIO()
    code = main(['validate', '--all', '--offline', '--cache-dir', str(tmp_path / 'cache'), '--root', str(data.root),
                 '--format', 'json'], out=out)
    assert code == 1
    found = {(f['check'], f['line']) for f in json.loads(out.getvalue())['findings']
             if f['file'] == 'deliverables/hibiscus/nova.yaml'}
    assert {('RT805', lines['release-notes']), ('RT801', lines['raw']), ('RT802', lines['include']),
            ('RT803', lines['link'])} <= found
