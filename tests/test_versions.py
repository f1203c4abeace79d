"""releasetools.core.versions: parsing, canonical spelling, semver steps, pre-releases."""

from __future__ import annotations

import pytest

from releasetools.core.versions import (
    SemVer,
    SpecialTag,
    XStatic,
    canonical_spelling,
    parse_semver,
    parse_special,
    parse_xstatic,
    prerelease_problem,
    step_kind,
    step_problem,
)

P = pytest.param


def v(text: str) -> SemVer:
    parsed = parse_semver(text)
    assert parsed is not None, text
    return parsed


@pytest.mark.parametrize(('text', 'expected'), [
    ('1.2.3', (1, 2, 3, 3, 0)),
    ('0.0.0', (0, 0, 0, 3, 0)),
    ('10.20.30', (10, 20, 30, 3, 0)),
    ('1.2.0.0a1', (1, 2, 0, 0, 1)),
    ('1.2.0.0b3', (1, 2, 0, 1, 3)),
    ('33.0.0.0rc1', (33, 0, 0, 2, 1)),
])
def test_parse_semver(text: str, expected: tuple[int, ...]) -> None:
    parsed = v(text)
    assert (parsed.major, parsed.minor, parsed.patch, parsed.pre_rank, parsed.pre_num) == expected
    assert str(parsed) == text


@pytest.mark.parametrize('text', [
    '1.2', 'v1.2.3', '1.0.0rc1', '33.0.0rc1', '01.2.3', '1.02.3', '1.2.3.0rc01', '1.2.3.1rc1', '1.2.3.4',
    '1.2.3.dev1', '1.2.3.post1', '1.2.3-eol', '', ' 1.2.3', '1.2.3 ', '1.2.3\n', '2026.1-eol',
])
def test_parse_semver_rejects_non_canonical(text: str) -> None:
    assert parse_semver(text) is None


def test_semver_order_is_pbr_order() -> None:
    texts = ['1.0.0.0a1', '1.0.0.0a2', '1.0.0.0b1', '1.0.0.0rc1', '1.0.0.0rc2', '1.0.0', '1.0.1', '1.1.0', '2.0.0.0b1',
             '2.0.0', '10.0.0']
    scrambled = [texts[i] for i in (5, 10, 0, 7, 3, 9, 1, 6, 4, 8, 2)]
    assert sorted(scrambled, key=v) == texts
    assert v('1.0.0.0rc1').is_prerelease and not v('1.0.0').is_prerelease
    assert [v(t).pre_kind for t in ('1.0.0.0a1', '1.0.0.0b1', '1.0.0.0rc1', '1.0.0')] == ['a', 'b', 'rc', None]


def test_xstatic() -> None:
    assert parse_xstatic('1.2.3.4') == XStatic((1, 2, 3), 4, '1.2.3.4')
    assert parse_xstatic('1.2.3') is None
    assert parse_xstatic('1.2.3.0rc1') is None


@pytest.mark.parametrize(('text', 'expected'), [
    ('2026.1-eol', SpecialTag('2026.1', 'eol')),
    ('gazpacho-eom', SpecialTag('gazpacho', 'eom')),
    ('ocata-em', SpecialTag('ocata', 'em')),
    ('nova-gazpacho-last', SpecialTag('nova-gazpacho', 'last')),
    ('1.2.3', None),
    ('-eol', None),
    ('gazpacho-eol2', None),
])
def test_parse_special(text: str, expected: SpecialTag | None) -> None:
    assert parse_special(text) == expected


@pytest.mark.parametrize(('text', 'expected'), [
    ('1.2', '1.2.0'),
    ('1', '1.0.0'),
    ('v1.2.3', '1.2.3'),
    ('1.0.0rc1', '1.0.0.0rc1'),
    ('1.0.0-rc.2', '1.0.0.0rc2'),
    ('1.0.0a1', '1.0.0.0a1'),
    ('1.0.0b2', '1.0.0.0b2'),
    ('01.2.3', '1.2.3'),
    ('1.2.3', None),  # already canonical
    ('1.0.0.0rc1', None),  # already canonical (four release parts for packaging)
    ('1.2.3.4', None),
    ('1.2.3.post1', None),
    ('1.2.3.dev1', None),
    ('1!1.2.3', None),
    ('1.2.3+local', None),
    ('banana', None),
    ('2026.1-eol', None),
])
def test_canonical_spelling(text: str, expected: str | None) -> None:
    assert canonical_spelling(text) == expected


def test_canonical_spelling_with_four_parts() -> None:
    assert canonical_spelling('1.2.3', parts=4) == '1.2.3.0'


STEP_CASES = [
    # first release: nothing to follow
    P('1.0.0', [], None, id='first'),
    P('7.3.1', [], None, id='first-anything'),
    P('3.0.0', ['2.0.0.0rc1'], None, id='only-pre-releases-before'),
    # patch: follows the highest of its own X.Y line
    P('2.1.1', ['2.0.0', '2.1.0'], None, id='patch'),
    P('2.1.1', ['2.0.0', '2.1.0', '3.0.0', '3.1.0'], None, id='patch-on-an-older-line'),
    P('2.1.2', ['2.1.0'], '2.1.2 does not follow 2.1.0 by one semver step (expected 2.1.1)', id='patch-skips'),
    P('2.2.1', ['2.1.0'], '2.2.1 is a patch release of the 2.2 line, which has no release; '
      'the next step would start it at 2.2.0', id='patch-of-unreleased-line'),
    # minor: follows its major line
    P('2.2.0', ['2.0.0', '2.1.0', '2.1.1'], None, id='minor'),
    P('2.2.0', ['2.1.0', '3.0.0'], None, id='minor-on-an-older-major'),
    P('2.3.0', ['2.1.0'], '2.3.0 does not follow 2.1.0 by one semver step (expected 2.2.0)', id='minor-skips'),
    P('2.1.0', ['2.1.0', '2.2.0'], '2.1.0 goes backwards: 2.2.0 is already released', id='minor-backwards'),
    P('3.1.0', ['2.1.0'], '3.1.0 does not follow 2.1.0 by one semver step (expected 3.0.0)',
      id='minor-of-unreleased-major'),
    P('1.1.0', ['2.0.0'], '1.1.0 has no release of the 1.x line before it', id='minor-of-an-old-unreleased-major'),
    P('0.2.0', ['0.1.0'], None, id='minor-zero-major'),
    # major: follows the highest release
    P('3.0.0', ['2.0.0', '2.1.0'], None, id='major'),
    P('1.0.0', ['0.5.6'], None, id='one-point-oh'),
    P('4.0.0', ['2.1.0'], '4.0.0 does not follow 2.1.0 by one semver step (expected 3.0.0)', id='major-skips'),
    P('1.0.0', ['2.0.0'], '1.0.0 goes backwards: 2.0.0 is already released', id='major-backwards'),
    # pre-releases before do not count; the step is from finals
    P('3.0.0', ['2.1.0', '4.0.0.0rc1'], None, id='pre-releases-ignored'),
]


@pytest.mark.parametrize(('new', 'prior', 'expected'), STEP_CASES)
def test_step_problem(new: str, prior: list[str], expected: str | None) -> None:
    assert step_problem(v(new), [v(p) for p in prior]) == expected


def test_step_problem_uses_only_the_release_part() -> None:
    assert step_problem(v('3.0.0.0b1'), [v('2.1.0')]) is None
    assert step_problem(v('4.0.0.0b1'), [v('2.1.0')]) is not None


PRE_CASES = [
    P('3.0.0.0b1', [], True, None, id='first-beta'),
    P('3.0.0.0b2', [], True, None, id='first-beta-carries-milestone'),
    P('3.0.0.0a1', [], True, None, id='first-alpha'),
    P('3.0.0.0rc1', [], True, None, id='first-rc'),
    P('3.0.0.0rc2', [], True, '3.0.0.0rc2 must be the first release candidate: 3.0.0.0rc1', id='first-rc-not-1'),
    P('3.0.0.0b2', ['3.0.0.0b1'], True, None, id='next-beta'),
    P('3.0.0.0b3', ['3.0.0.0b1'], True, '3.0.0.0b3 skips a number: the next after 3.0.0.0b1 is 3.0.0.0b2',
      id='beta-skips'),
    P('3.0.0.0rc1', ['3.0.0.0a1', '3.0.0.0b1'], True, None, id='alpha-beta-rc'),
    P('3.0.0.0rc3', ['3.0.0.0b1', '3.0.0.0rc1', '3.0.0.0rc2'], True, None, id='next-rc'),
    P('3.0.0.0b1', ['3.0.0.0rc1'], True, '3.0.0.0b1 goes backwards: 3.0.0.0rc1 is already released',
      id='beta-after-rc'),
    P('3.0.0.0rc1', ['3.0.0.0rc1'], True, '3.0.0.0rc1 goes backwards: 3.0.0.0rc1 is already released',
      id='rc-twice'),
    P('3.0.0', ['3.0.0.0rc1'], True, None, id='final-after-rc'),
    P('3.0.0', ['3.0.0.0b1'], True,
      'the final 3.0.0 must follow a release candidate, but the last pre-release is 3.0.0.0b1', id='final-after-beta'),
    P('3.0.0', ['3.0.0.0b1'], False, None, id='final-after-beta-allowed'),
    P('3.0.0', [], True, None, id='final-alone'),
    P('3.0.0.0rc1', ['3.0.0'], True, '3.0.0 is already released; 3.0.0.0rc1 cannot come after it', id='after-final'),
    P('3.0.0', ['3.0.0'], True, '3.0.0 is already released; 3.0.0 cannot come after it', id='final-twice'),
]


@pytest.mark.parametrize(('new', 'earlier', 'needs_rc', 'expected'), PRE_CASES)
def test_prerelease_problem(new: str, earlier: list[str], needs_rc: bool, expected: str | None) -> None:
    assert prerelease_problem(v(new), [v(e) for e in earlier], final_needs_rc=needs_rc) == expected


def test_prerelease_problem_sorts_what_came_before() -> None:
    assert prerelease_problem(v('3.0.0.0rc2'), [v('3.0.0.0rc1'), v('3.0.0.0b1')]) is None


@pytest.mark.parametrize(('previous', 'new', 'expected'), [
    (None, '1.0.0', 'first'),
    ('1.0.0', '1.0.1', 'patch'),
    ('1.0.1', '1.1.0', 'minor'),
    ('1.1.0', '2.0.0', 'major'),
    ('2.1.0', '3.0.0.0rc1', 'major'),
    ('3.0.0.0b1', '3.0.0.0rc1', 'pre-release'),
    ('3.0.0.0rc1', '3.0.0', 'final'),
])
def test_step_kind(previous: str | None, new: str, expected: str) -> None:
    assert step_kind(v(previous) if previous else None, v(new)) == expected
