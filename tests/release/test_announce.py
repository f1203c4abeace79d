"""The announcement and the tag as the community expects them: real aiosmtpd, real git, real reno notes."""

from __future__ import annotations

import email
import email.policy
import io
import json
import re
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from releasetools.artifacts.plan import Item
from releasetools.cli import main
from releasetools.core import lineage
from releasetools.data.load import load_deliverable_file
from releasetools.notes.render import text_notes
from releasetools.release.announce import series_line
from releasetools.release.gitops import tag_message
from releasetools.testing.gitcmd import git
from releasetools.testing.pbrproject import NOTE, Project, ReleaseData
from releasetools.testing.series import table
from tests.release.servers import Mailer

LINEAGE = Path(__file__).parents[1] / 'fixtures' / 'lineage'

#: A note with a named link (reno's usual `Bug #N`_ with its target) and a title underline to lose.
FIX_NOTE = """\
---
fixes:
  - |
    Widgets stop wobbling, fixing `Bug #4242`_ (see `the guide <https://docs.example.org/widget>`_).

    .. _Bug #4242: https://bugs.launchpad.net/widget/+bug/4242
"""


@pytest.fixture
def mailer() -> Iterator[Mailer]:
    server = Mailer().start()
    yield server
    server.stop()


def run(data: ReleaseData, project: Project, top: Path, *extra: str) -> str:
    out = io.StringIO()
    code = main(['release', '--root', str(data.root), '--remotes', project.template, '--workdir', str(top / 'work'),
                 '--cache-dir', str(top / 'cache'), '--no-build-isolation', *extra], out=out)
    assert code == 0, out.getvalue()
    return out.getvalue()


def body_of(message: EmailMessage) -> str:
    """The text as a reader sees it (a message taken off the wire has CRLF line ends)."""
    text: str = message.get_content()
    return text.replace('\r\n', '\n')


def received(mailer: Mailer, n: int) -> EmailMessage:
    assert len(mailer.messages) == n
    message = email.message_from_bytes(mailer.messages[-1], policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def assert_plain_text(body: str) -> None:
    """No RST left: no link targets, no `named`_ references, no ``====`` lines, no directive."""
    assert '.. _' not in body and '`_' not in body and '.. ' not in body
    assert not re.search(r'^=+$', body, re.M), body


def test_series_release_mail_and_tags_as_the_community_expects(tmp_path: Path, mailer: Mailer) -> None:
    project = Project(tmp_path)
    data = ReleaseData(tmp_path, project, series='hibiscus')
    data.request(project, '1.0.0', project.commits[0])
    mail_args = ('--smtp', mailer.address, '--mail-to', 'announce@example.invalid', '--subject-prefix', '[ANN]',
                 '--reply-to', 'discuss@example.invalid', '--change-id', 'I0123456789abcdef', '--approver', 'alice')
    run(data, project, tmp_path, *mail_args)

    first = received(mailer, 1)
    assert first['Subject'] == '[ANN] widget 1.0.0 (hibiscus)'
    assert first['Reply-To'] == 'discuss@example.invalid'
    body = body_of(first)
    assert 'This is the first release of widget in the hibiscus series.' in body
    assert '    https://opendev.org/demo/widget' in body
    assert '    https://bugs.launchpad.net/widget/+bugs' in body
    assert 'New Features\n------------\n\n- Widgets now spin.' in body
    assert 'Changes in demo/widget up to 1.0.0' in body and 'Initial layout' in body
    assert 'requirements.txt' in body.split('Diffstat', 1)[1]  # the whole tree: no release before
    assert_plain_text(body)
    tag = git(project.bare, 'cat-file', '-p', '1.0.0')
    assert 'widget 1.0.0, the first release of the hibiscus series, made on master.' in tag
    assert 'Approved by alice in change I0123456789abcdef.' in tag
    for line in ('meta:branch: master', 'meta:team: demo', 'meta:first-of-series: yes',
                 'meta:change-id: I0123456789abcdef', 'meta:approver: alice', 'meta:series: hibiscus'):
        assert line in tag.splitlines(), tag

    fix = project.commit({'releasenotes/notes/wobble-fedcba9876543210.yaml': FIX_NOTE,
                          'requirements.txt': 'pbr>=5.5\nrequests>=2.25  # Apache-2.0\n'}, 'Stop the wobble')
    data.request(project, '1.1.0', fix)
    run(data, project, tmp_path, '--smtp', mailer.address, '--mail-to', 'announce@example.invalid')

    second = received(mailer, 2)
    assert second['Subject'] == '[release] widget 1.1.0 (hibiscus)'
    assert second['Reply-To'] is None
    body = body_of(second)
    assert 'This release is part of the hibiscus release series.' in body
    assert 'Bug #4242 <https://bugs.launchpad.net/widget/+bug/4242>' in ' '.join(body.split())
    assert 'the guide <https://docs.example.org/widget>' in ' '.join(body.split())
    assert 'Changes in demo/widget 1.0.0..1.1.0' in body and 'Stop the wobble' in body
    assert 'Initial layout' not in body  # the shortlog starts at the previous release
    diffstat = body.split('Diffstat\n', 1)[1].split('\n\n', 1)[0]
    assert 'requirements.txt' in diffstat and 'setup.cfg' not in diffstat
    assert '    pbr: >=5.0 -> >=5.5' in body and '    requests>=2.25 (added)' in body
    assert_plain_text(body)
    tag = git(project.bare, 'cat-file', '-p', '1.1.0')
    assert 'meta:first-of-series: no' in tag.splitlines() and 'meta:diff-start: 1.0.0' in tag.splitlines()
    assert 'meta:approver: -' in tag.splitlines() and 'Approved by' not in tag and 'change-id' not in tag


def test_settings_come_from_the_environment_and_an_empty_prefix_leaves_none(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = Project(tmp_path)
    data = ReleaseData(tmp_path, project)
    data.request(project, '1.0.0', project.commits[0])
    monkeypatch.setenv('RELEASETOOLS_SUBJECT_PREFIX', '')
    monkeypatch.setenv('RELEASETOOLS_REPLY_TO', 'list@example.invalid')
    monkeypatch.setenv('RELEASETOOLS_SOURCE_URL', 'https://git.example.org/{repo}.git')
    monkeypatch.setenv('RELEASETOOLS_CHANGE_ID', 'https://review.example.org/c/42')
    run(data, project, tmp_path)
    # An empty variable is unset, as for every RELEASETOOLS_* setting: the default prefix stays.
    message = email.message_from_bytes((tmp_path / 'work' / 'announce' / 'widget-1.0.0.eml').read_bytes(),
                                       policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    assert message['Subject'] == '[release] widget 1.0.0'
    assert message['Reply-To'] == 'list@example.invalid'
    body = body_of(message)
    assert 'widget is released independently: this release is part of no release series.' in body
    assert '    https://git.example.org/demo/widget.git' in body
    tag = git(project.bare, 'cat-file', '-p', '1.0.0')
    assert 'meta:change-id: https://review.example.org/c/42' in tag.splitlines()
    assert 'Merged through change https://review.example.org/c/42.' in tag.splitlines()
    assert 'widget 1.0.0, an independent release made on master.' in tag


def test_an_empty_subject_prefix_leaves_none_and_the_review_file_names_the_approvers(tmp_path: Path) -> None:
    project = Project(tmp_path)
    data = ReleaseData(tmp_path, project)
    data.request(project, '1.0.0', project.commits[0])
    review = tmp_path / 'review.json'
    review.write_text(json.dumps({'author': 'dave', 'approvers': ['carol', 'bob']}))
    run(data, project, tmp_path, '--subject-prefix', '', '--review', str(review), '--approver', 'alice')
    message = email.message_from_bytes((tmp_path / 'work' / 'announce' / 'widget-1.0.0.eml').read_bytes())
    assert message['Subject'] == 'widget 1.0.0'
    assert message['Reply-To'] is None
    tag = git(project.bare, 'cat-file', '-p', '1.0.0')
    assert 'meta:approver: alice, bob, carol' in tag.splitlines()
    assert 'Approved by alice, bob, carol.' in tag.splitlines()


def test_hostile_notes_stay_text_in_the_mail_and_the_html(tmp_path: Path, mailer: Mailer) -> None:
    secret = tmp_path / 'secret.txt'
    secret.write_text('TOP-SECRET-CONTENT\n')
    hostile = NOTE.format(text=f'Spins.\n\n    .. include:: {secret}\n\n    .. raw:: html\n\n       <script>x</script>')
    project = Project(tmp_path)
    sha = project.commit({'releasenotes/notes/hostile-00112233445566aa.yaml': hostile}, 'Hostile note')
    data = ReleaseData(tmp_path, project)
    data.request(project, '1.0.0', sha)
    run(data, project, tmp_path, '--smtp', mailer.address)
    body = body_of(received(mailer, 1))
    assert 'TOP-SECRET-CONTENT' not in body
    assert f'.. include:: {secret}' in body and '<script>x</script>' in body  # shown as the text it was
    html = (tmp_path / 'work' / 'notes' / 'widget' / '1.0.0.html').read_text()
    assert 'TOP-SECRET-CONTENT' not in html and '<script>x</script>' not in html


# -- the pieces, on real values ---------------------------------------------------------------------------


RENO = """\
.. _relnotes_33.0.2:

======
33.0.2
======

.. _relnotes_33.0.2_Bug Fixes:

Bug Fixes
---------

.. releasenotes/notes/fix-0123.yaml @ b'abc'

- Fixes `Bug #2112187`_: a long sentence that has to be wrapped because it goes on well past the width of a mail.

  .. _Bug #2112187: https://bugs.launchpad.net/nova/+bug/2112187

- See https://docs.openstack.org/nova/ and ``nova-manage``.

  ::

      nova-manage db sync
"""


def test_text_notes_write_links_out_and_leave_no_rst() -> None:
    text = text_notes(RENO)
    assert text.startswith('33.0.2\n------\n\nBug Fixes\n---------\n\n- Fixes Bug #2112187 <https://')
    assert 'Fixes Bug #2112187 <https://bugs.launchpad.net/nova/+bug/2112187>: a long sentence' in \
        ' '.join(text.split())
    assert '\n  width of a mail.' in text  # wrapped, continued under the item's text
    assert max(len(line) for line in text.splitlines()) <= 72
    assert '- See https://docs.openstack.org/nova/ and nova-manage.' in text
    assert '\n      nova-manage db sync' in text  # literal blocks kept, indented under their item
    assert_plain_text(text)
    assert text_notes(RENO, untitled=['33.0.2']).startswith('Bug Fixes\n')
    assert text_notes('') == ''


def test_text_notes_never_read_a_file_or_pass_html(tmp_path: Path) -> None:
    secret = tmp_path / 'secret.txt'
    secret.write_text('TOP-SECRET-CONTENT\n')
    text = text_notes(f'- a\n\n.. include:: {secret}\n\n.. raw:: html\n\n   <b>x</b>\n\n'
                      f'`evil <javascript:alert(1)>`_ and :unknown:`role`\n')
    assert 'TOP-SECRET-CONTENT' not in text
    assert f'    .. include:: {secret}' in text and '       <b>x</b>' in text
    assert 'evil <javascript:alert(1)>' in text  # written out as text, for a reader to judge


def _item(series: str, *, first: bool = False, status: str | None = None) -> Item:
    return Item('nova', series, 'nova', '33.0.2', 'python-service', 'cycle-with-rc', None, (), False, True,
                first_of_series=first, series_status=status)


def test_series_line_names_the_series_and_its_kind() -> None:
    assert series_line(_item('gazpacho', status='maintained')) == \
        'This release is part of the gazpacho stable release series.'
    assert series_line(_item('hibiscus', status='development')) == \
        'This release is part of the hibiscus release series.'
    assert series_line(_item('hibiscus', first=True, status='development')) == \
        'This is the first release of nova in the hibiscus series.'
    assert 'part of no release series' in series_line(_item('_independent'))


def test_lineage_says_first_of_series_and_the_branch_on_real_nova() -> None:
    loaded = load_deliverable_file(LINEAGE, 'deliverables/gazpacho/nova.yaml')
    d = loaded.deliverable
    assert d is not None
    by_version = {r.version: r for r in d.releases}
    series = table('hibiscus', 'gazpacho')
    assert lineage.first_of_series(d, by_version['33.0.0.0rc1'])
    assert not lineage.first_of_series(d, by_version['33.0.2'])
    assert lineage.release_branch(d, by_version['33.0.0.0rc1'], series) == 'master'  # the branch starts there
    assert lineage.release_branch(d, by_version['33.0.2'], series) == 'stable/2026.1'


def test_tag_message_with_and_without_a_review_trail() -> None:
    bare = tag_message(deliverable='nova', series='gazpacho', version='33.0.2', release_type='python-service',
                       previous='33.0.1', approver=None, branch='stable/2026.1', team='nova')
    assert bare.splitlines()[:3] == ['nova 33.0.2', '', 'nova 33.0.2, a release of the gazpacho series, '
                                     'made on stable/2026.1.']
    assert 'Approved' not in bare and 'Merged' not in bare and 'meta:approver: -' in bare.splitlines()
    full = tag_message(deliverable='nova', series='gazpacho', version='33.0.2', release_type='python-service',
                       previous='33.0.1', approver='bob', branch='stable/2026.1', team='nova',
                       change_id='Iabc', approvers=('alice', 'bob'))
    assert 'Approved by alice, bob in change Iabc.' in full
    assert 'meta:approver: alice, bob' in full.splitlines() and 'meta:change-id: Iabc' in full.splitlines()
