"""releasetools.data.yamlio: safe YAML reading with line numbers (RT001-RT006)."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from releasetools.data.yamlio import MAX_DEPTH, MAX_FILE_SIZE, YamlProblem, YList, YMap, parse_yaml, read_yaml_file

P = pytest.param


def problem(data: bytes | str) -> tuple[str, int]:
    with pytest.raises(YamlProblem) as info:
        parse_yaml(data)
    return info.value.check, info.value.line


# -- values and line numbers ------------------------------------------------------

def test_lines_of_mappings_keys_and_items() -> None:
    data = parse_yaml(b'---\nteam: nova\nreleases:\n  - version: 1.0.0\n    projects:\n      - repo: openstack/nova\n'
                      b'        hash: abc\n  - {version: 2.0.0, projects: []}\n')
    assert isinstance(data, YMap)
    assert data.line == 2
    assert data.key_lines == {'team': 2, 'releases': 3}
    releases = data['releases']
    assert isinstance(releases, YList)
    assert (releases.line, releases.item_lines) == (4, [4, 8])
    first = releases[0]
    assert (first.line, first.key_lines) == (4, {'version': 4, 'projects': 5})
    assert first['projects'].item_lines == [6]
    assert first['projects'][0].key_lines == {'repo': 6, 'hash': 7}
    assert (releases[1].line, releases[1].key_lines) == (8, {'version': 8, 'projects': 8})


def test_line_of_falls_back_to_the_mapping_line() -> None:
    data = parse_yaml('\n\nteam: nova\n')
    assert data.line_of('team') == 3
    assert data.line_of('type') == 3


def test_values_are_plain_python_values() -> None:
    data = parse_yaml("a: '1.10'\nb: 1.10\nc: 7\nd: true\ne: null\nf: 2026-04-01\ng: [x, 'y']\nh: ''\n")
    assert data == {'a': '1.10', 'b': 1.1, 'c': 7, 'd': True, 'e': None, 'f': datetime.date(2026, 4, 1),
                    'g': ['x', 'y'], 'h': ''}
    assert type(data['a']) is str and type(data['b']) is float


def test_scalar_text_keeps_what_was_written() -> None:
    """``version: 1.10`` is read as 1.1; the source text stays available for hints."""
    data = parse_yaml("version: 1.10\nquoted: '2.0'\ncount: 010\n")
    assert data['version'] == 1.1
    assert data.scalar_text == {'version': '1.10', 'count': '010'}


def test_strings_needing_no_resolution_stay_strings() -> None:
    data = parse_yaml('a: openstack/nova\nb: stable/2026.1\nc: 2026.1-eol\nd: 1.0.0.0rc1\ne: yes-please\n')
    assert data == {'a': 'openstack/nova', 'b': 'stable/2026.1', 'c': '2026.1-eol', 'd': '1.0.0.0rc1',
                    'e': 'yes-please'}


def _shape(value: object) -> object:
    """A parsed value with every line number and source text it carries, for comparison."""
    if isinstance(value, YMap):
        return ('map', value.line, dict(value.key_lines), value.scalar_text,
                [(k, _shape(v)) for k, v in value.items()])
    if isinstance(value, YList):
        return ('list', value.line, list(value.item_lines), [_shape(v) for v in value])
    return (type(value).__name__, value)


def test_text_with_no_alias_builds_the_same_values_and_lines() -> None:
    # A "*" in a comment is no alias: the text reads the same with or without one.
    doc = (b'team: nova\nrelease-model: cycle-with-rc\nreleases:\n  - version: 1.10\n    projects:\n'
           b'      - repo: openstack/nova\n        hash: 0123abc\n        comment: "quoted"\n'
           b'  - version: 2.0.0\n    flags: [hidden, 3]\n    projects: []\n1: int key\n')
    tracked = doc + b'# *\n'
    assert _shape(parse_yaml(doc)) == _shape(parse_yaml(tracked))
    hashes = parse_yaml(doc)['releases'][0]['projects'][0]
    assert hashes == {'repo': 'openstack/nova', 'hash': '0123abc', 'comment': 'quoted'}
    assert hashes.key_lines == {'repo': 6, 'hash': 7, 'comment': 8}
    assert parse_yaml(doc)['releases'][0].scalar_text == {'version': '1.10'}
    bad = doc + b'? [not, allowed]\n: x\n'
    assert problem(bad) == problem(bad + b'# *\n') == ('RT002', 13)


def test_empty_document_is_none() -> None:
    assert parse_yaml(b'') is None
    assert parse_yaml(b'---\n# only a comment\n') is None


def test_str_input_is_accepted() -> None:
    assert parse_yaml('team: nova\n') == {'team': 'nova'}


# -- problems ---------------------------------------------------------------------------

@pytest.mark.parametrize(('data', 'expected'), [
    P(b'team: nova\ntype: service\nteam: other\n', ('RT003', 3), id='duplicate-top-level-key'),
    P(b'releases:\n  - version: 1.0.0\n    projects: []\n    version: 1.0.1\n', ('RT003', 4),
      id='duplicate-key-in-a-release'),
    P(b'a: {x: 1, x: 2}\n', ('RT003', 1), id='duplicate-key-in-flow'),
    P(b'team: nova\ntype: service\nreleases:\n  - version: [1.0\n  - x: y\n', ('RT002', 5), id='unclosed-flow'),
    P(b'team: nova\ntype: service\n  bad: 1\n', ('RT002', 3), id='bad-indentation'),
    P(b'team: nova\n\ttype: x\n', ('RT002', 2), id='tab'),
    P(b'team: nova\n---\nteam: neutron\n', ('RT002', 2), id='two-documents'),
    P(b'team: "nova\n', ('RT002', 2), id='unclosed-quote'),
    P(b'a: !!python/object:os.system x\n', ('RT002', 1), id='python-tag'),
    P(b'a: 1\nb: !custom x\n', ('RT002', 2), id='custom-tag'),
    P(b'? [1, 2]\n: x\n', ('RT002', 1), id='collection-as-key'),
    P(b'a: 2026-13-45\n', ('RT002', 1), id='impossible-date'),
    P(b'a: &x [1, 2]\nb: *x\n', ('RT005', 2), id='alias'),
    P(b'base: &b {x: 1}\nthing:\n  <<: *b\n', ('RT005', 3), id='merge-key-with-alias'),
    P(b'thing:\n  <<: {x: 1}\n', ('RT005', 2), id='merge-key-inline'),
    P(b'team: nova\n\x00\x01\x02', ('RT001', 2), id='nul-bytes'),
    P(b'team: nova\ntype: \xff\xfe\n', ('RT001', 2), id='invalid-utf8'),
    P(b'team: nova\ntype: service\nlaunchpad: caf\xc3\n', ('RT001', 3), id='truncated-utf8'),
    P(b'team: nova\ntype: \x07\n', ('RT001', 2), id='control-character'),
    P('\ufeffteam: nova\n'.encode('utf-16-le'), ('RT001', 1), id='utf-16'),
])
def test_problems(data: bytes, expected: tuple[str, int]) -> None:
    assert problem(data) == expected


@pytest.mark.parametrize(('data', 'expected'), [
    # What a fuzzing session of the event builder found: each a clear problem at its line, never another error.
    P(b'a: 1\nb: !!bool x\n', ('RT002', 2), id='explicit-bool-of-no-bool'),
    P(b'a: !!int\n', ('RT002', 1), id='explicit-int-of-nothing'),
    P(b'a: 1\nb: !!float ""\n', ('RT002', 2), id='explicit-float-of-empty'),
    P(b'a: !!timestamp x\n', ('RT002', 1), id='explicit-timestamp-of-no-date'),
    P(b'- &a 1\n- &a 2\n', ('RT002', 2), id='anchor-defined-twice'),
    P(b'a: 1\nb: 1' + b':0' * 60, ('RT002', 2), id='a-number-too-long-to-be-data'),
    P('a: 1\nb: \ud800\n', ('RT001', 2), id='lone-surrogate-in-str-input'),
    P('a: 1\nb: 2\nc: \x01\n', ('RT001', 3), id='control-character-in-str-input'),
    P(b'a: 1\rb: \x01\n', ('RT001', 2), id='control-character-after-a-cr-line-break'),
    P(b'a: 1\xc2\x85b: \x01\n', ('RT001', 2), id='control-character-after-a-nel-line-break'),
    P(b'a: 1\nb: \x00\n', ('RT001', 2), id='nul-byte-at-its-line'),
    P('\ufeffteam: nova\n'.encode('utf-16-be'), ('RT001', 1), id='utf-16-big-endian'),
])
def test_problems_found_by_fuzzing(data: bytes | str, expected: tuple[str, int]) -> None:
    assert problem(data) == expected


def test_utf16_is_named_as_such() -> None:
    with pytest.raises(YamlProblem) as info:
        parse_yaml('\ufeffteam: nova\n'.encode('utf-16-le'))
    assert 'UTF-16' in info.value.message and info.value.hint == 'save the file as UTF-8'


def test_the_yaml_1_1_value_key_reads_as_pyyaml_reads_it() -> None:
    assert parse_yaml(b'=: 1\n') == yaml.load(b'=: 1\n', Loader=yaml.CSafeLoader) == {'=': 1}


def test_keys_that_are_not_text_are_limited() -> None:
    """Int keys can be made to share one hash (here, multiples of 2**61 - 1): filling a dict is then quadratic.

    Release data keys are names; a mapping of more than a few hundred number keys is refused at once.
    """
    from releasetools.data.yamlio import MAX_OTHER_KEYS

    colliding = b''.join(b'%d: 0\n' % (i * (2 ** 61 - 1)) for i in range(1, 80_000))
    start = time.perf_counter()
    assert problem(colliding) == ('RT002', MAX_OTHER_KEYS + 1)
    assert time.perf_counter() - start < 2.0
    fine = b''.join(b'%d: 0\n' % i for i in range(MAX_OTHER_KEYS))
    assert len(parse_yaml(fine)) == MAX_OTHER_KEYS


def test_duplicate_key_message_names_both_lines() -> None:
    with pytest.raises(YamlProblem) as info:
        parse_yaml(b'team: nova\ntype: service\nteam: other\n')
    assert info.value.message == "duplicate key 'team' (first at line 1)"
    assert info.value.hint and 'last value' in info.value.hint


def test_utf8_with_bom_is_fine() -> None:
    assert parse_yaml('\ufeffteam: café\n'.encode()) == {'team': 'café'}


def test_billion_laughs_is_refused_fast() -> None:
    lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]']
    lines += [f'a{i}: &a{i} [' + ', '.join([f'*a{i - 1}'] * 10) + ']' for i in range(1, 30)]
    data = '\n'.join(lines).encode()
    start = time.perf_counter()
    assert problem(data) == ('RT005', 2)  # the first alias
    assert time.perf_counter() - start < 1.0


def test_alias_is_reported_where_it_stands() -> None:
    assert problem(b'a: &x [1, 2]\nb: 1\nc: *x\n') == ('RT005', 3)
    assert problem(b'a: &x scalar\nb:\n  - 1\n  - *x\n') == ('RT005', 4)


def test_depth_limit() -> None:
    ok = '[' * (MAX_DEPTH - 1) + ']' * (MAX_DEPTH - 1)
    assert parse_yaml(ok) is not None
    assert problem('[' * 200 + ']' * 200) == ('RT002', 1)
    nested = ''.join('  ' * i + f'k{i}:\n' for i in range(100)) + '  ' * 100 + 'x: 1\n'
    assert problem(nested) == ('RT002', MAX_DEPTH + 1)


@pytest.mark.parametrize('expression', [
    P("b'[' * 100000 + b']' * 100000", id='flow-sequences'),
    P("b'{a: ' * 100000 + b'x' + b'}' * 100000", id='flow-mappings'),
    P("b'- ' * 100000 + b'x'", id='compact-block-sequences'),
    P("b''.join(b' ' * i + b'a:\\n' for i in range(1000))", id='indented-block-mappings'),
    P("b'? ' * 100000 + b'x'", id='compact-explicit-keys'),
    P("b'? - ' * 50000 + b'x'", id='explicit-keys-and-sequences'),
    P("b'- &a ' * 50000 + b'x'", id='anchors-between-entries'),
    P("b'- !t ' * 50000 + b'x'", id='tags-between-entries'),
    P("b'- ? ' * 50000 + b'x'", id='sequences-and-explicit-keys'),
    P("b''.join(b' ' * (14 * i) + b'- - - - - - -\\n' for i in range(300)) + b' ' * 4200 + b'x'",
      id='short-compact-runs-indented'),
])
def test_very_deep_nesting_does_not_crash_the_process(expression: str) -> None:
    """libyaml composes recursively in C: a few hundred kB of nesting can overflow the C stack (SIGSEGV).

    Run in a child process, so that a crash fails this test instead of ending the test run.
    """
    code = ('from releasetools.data.yamlio import parse_yaml, YamlProblem\n'
            f'data = {expression}\n'
            'try:\n    parse_yaml(data)\n'
            'except YamlProblem as p:\n    print(p.check)\n')
    proc = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=60, check=False)
    assert (proc.returncode, proc.stdout.strip()) == (0, 'RT002')


# -- files ---------------------------------------------------------------------------------

def test_read_file(tmp_path: Path) -> None:
    path = tmp_path / 'nova.yaml'
    path.write_text('team: nova\n')
    assert read_yaml_file(path) == {'team': 'nova'}


def test_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / 'big.yaml'
    with open(path, 'wb') as fh:
        fh.truncate(3 * 1024 * 1024)  # sparse: all NUL bytes, never read
    start = time.perf_counter()
    with pytest.raises(YamlProblem) as info:
        read_yaml_file(path)
    assert (info.value.check, info.value.line) == ('RT006', 1)
    assert time.perf_counter() - start < 0.5


def test_file_at_the_size_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / 'padded.yaml'
    text = b'team: nova\n'
    path.write_bytes(text + b'#' * (MAX_FILE_SIZE - len(text) - 1) + b'\n')
    assert os.path.getsize(path) == MAX_FILE_SIZE
    assert read_yaml_file(path) == {'team': 'nova'}


def test_directory_is_rt001_at_line_0(tmp_path: Path) -> None:
    (tmp_path / 'x.yaml').mkdir()
    with pytest.raises(YamlProblem) as info:
        read_yaml_file(tmp_path / 'x.yaml')
    assert (info.value.check, info.value.line) == ('RT001', 0)


def test_missing_file_is_rt001_at_line_0(tmp_path: Path) -> None:
    with pytest.raises(YamlProblem) as info:
        read_yaml_file(tmp_path / 'missing.yaml')
    assert (info.value.check, info.value.line) == ('RT001', 0)


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / 'logo.yaml'
    path.write_bytes(b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR')
    with pytest.raises(YamlProblem) as info:
        read_yaml_file(path)
    assert info.value.check == 'RT001'


def test_fifo_does_not_hang(tmp_path: Path) -> None:
    """A FIFO named *.yaml once blocked the reader forever, waiting for a writer."""
    fifo = tmp_path / 'pipe.yaml'
    os.mkfifo(fifo)
    outcome: list[object] = []

    def read() -> None:
        try:
            outcome.append(read_yaml_file(fifo))
        except YamlProblem as exc:
            outcome.append(exc.check)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(1.0)
    hung = reader.is_alive()
    if hung:  # let the reader go: open the other end and close it at once
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(5.0)
    assert not hung
    assert outcome == ['RT001']


@pytest.mark.parametrize('value', [
    'ab' * 20, '12' * 19 + 'ab', 'f' + '0' * 39, '0b' + '01' * 19, '0b' + 'a' * 38, '1' * 40, '0x' + 'a' * 38,
    '12' * 20 + 'a', '12345', '1.10', '2015-01-01', '0o17', 'false', 'fa' * 20, '1.2.3', '12.0.0.0rc1', '.5.',
    '1_0.5', '1.5e+3', '2001-12-14t21:59:43.10-05:00', '190:20:30.15', '.inf', '-.inf.', '1..2',
])
def test_plain_scalars_resolve_as_pyyaml_resolves_them(value: str) -> None:
    # The reader's shortcuts (commit ids, a memo) must agree with PyYAML's implicit resolvers.
    expected = yaml.load(f'k: {value}\n', Loader=yaml.SafeLoader)['k']
    got = parse_yaml(f'k: {value}\n')['k']
    assert (type(got), got) == (type(expected), expected)


# -- real data ---------------------------------------------------------------------------------

SAMPLE = Path(__file__).resolve().parents[2] / 'shared' / 'upstream-sample'


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _node_lines(node: yaml.Node) -> list[tuple[str, int]]:
    """Every collection and mapping key of PyYAML's node tree, with its line, in document order."""
    out: list[tuple[str, int]] = []
    if isinstance(node, yaml.MappingNode):
        out.append(('map', node.start_mark.line + 1))
        for key, value in node.value:
            out.append((f'key {key.value}', key.start_mark.line + 1))
            out.extend(_node_lines(value))
    elif isinstance(node, yaml.SequenceNode):
        out.append(('list', node.start_mark.line + 1))
        for item in node.value:
            out.append(('item', item.start_mark.line + 1))
            out.extend(_node_lines(item))
    return out


def _our_lines(value: object) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    if isinstance(value, YMap):
        out.append(('map', value.line))
        for key, item in value.items():
            out.append((f'key {key}', value.key_lines[key]))
            out.extend(_our_lines(item))
    elif isinstance(value, YList):
        out.append(('list', value.line))
        for line, item in zip(value.item_lines, value, strict=True):
            out.append(('item', line))
            out.extend(_our_lines(item))
    return out


@pytest.mark.skipif(not SAMPLE.is_dir(), reason=f'the upstream data sample is not at {SAMPLE}')
def test_every_real_file_reads_as_pyyaml_reads_it() -> None:
    """The builder reads libyaml's events itself: on the 1,879 real files it must agree with PyYAML.

    Values (types included) with ``yaml.safe_load``, and the line of every
    collection, key and item with the start of PyYAML's node for it.
    """
    files = sorted(SAMPLE.rglob('*.yaml'))
    assert len(files) > 1000
    for path in files:
        data = path.read_bytes()
        ours = parse_yaml(data)
        assert _plain(ours) == yaml.load(data, Loader=yaml.CSafeLoader), path
        assert _our_lines(ours) == _node_lines(yaml.compose(data, Loader=yaml.CSafeLoader)), path
