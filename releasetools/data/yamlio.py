"""Safe, fast YAML reading that keeps line numbers and refuses ambiguity.

libyaml (through PyYAML's C parser) builds the node tree; a small constructor of
our own turns it into plain Python values. Doing the construction ourselves is
both faster than PyYAML's generic constructor and the one place where we can:

* record the line of every mapping, sequence and mapping key (``YMap.line``,
  ``YMap.key_lines``, ``YList.item_lines``) so findings can point at a line;
* reject duplicate keys, which PyYAML silently resolves to the last value;
* reject anchors and aliases, which release data never needs and which make
  "billion laughs" documents possible.
"""

from __future__ import annotations

import datetime
import gc
import operator
import os
import re
import stat
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .loadchecks import YamlProblem, loader_problem

__all__ = ['MAX_FILE_SIZE', 'YList', 'YMap', 'YamlProblem', 'parse_yaml', 'read_yaml_file']

#: Release data files are a few kilobytes; anything this big is a mistake.
MAX_FILE_SIZE = 2 * 1024 * 1024

#: Deeper than this is not release data (and would exhaust the C stack).
MAX_DEPTH = 64

try:
    _Base: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Base = yaml.SafeLoader

_RESOLVED: dict[tuple[Any, str, Any], str] = {}
_COMMIT_ID = re.compile(r'(?=[0-9]*[a-f])[0-9a-f]{40}\Z')
_TYPED_FIRST = frozenset(k for k in yaml.resolver.Resolver.yaml_implicit_resolvers if k)


class _Parser(_Base):  # type: ignore[misc]
    """libyaml's parser with a memo in front of PyYAML's tag resolver.

    The composer asks the (Python) resolver for the tag of every scalar;
    release data repeats the same keys and values thousands of times, so
    remembering the answers halves the cost of reading a file.
    """

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        if not self.yaml_path_resolvers:
            # The composer calls these two around every node; with no path
            # resolvers registered they do nothing, so C built-ins stand in for
            # them (a Python call each costs a tenth of the whole read).
            self.descend_resolver = operator.is_
            self.ascend_resolver = tuple

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is not ScalarNode and not self.yaml_path_resolvers:
            # Without path resolvers a collection takes its default tag (the memo keeps strings only).
            return _SEQ if kind is SequenceNode else _MAP
        # Quoted scalars, and plain ones whose first character starts no
        # implicit type (bool, int, float, null, timestamp...), are strings.
        if kind is ScalarNode and (not implicit[0] or (value and value[0] not in _TYPED_FIRST)):
            return _STR
        # A commit id (hex digits, a letter among them) is a string too, and each
        # is new: asking the resolver would run three patterns and fill the memo.
        if kind is ScalarNode and _COMMIT_ID.match(value) and not value.startswith('0b'):
            return _STR
        key = (kind, value, implicit)
        try:
            return _RESOLVED[key]
        except (KeyError, TypeError):
            pass
        tag: str = super().resolve(kind, value, implicit)
        if isinstance(value, str) and len(_RESOLVED) < 200_000:
            _RESOLVED[key] = tag
        return tag

_STR = 'tag:yaml.org,2002:str'
_SEQ = 'tag:yaml.org,2002:seq'
_MAP = 'tag:yaml.org,2002:map'
_MERGE = 'tag:yaml.org,2002:merge'


class YMap(dict[Any, Any]):
    """A mapping that remembers its line and the line of each key."""

    __slots__ = ('key_lines', 'line', 'scalar_text')

    def __init__(self, line: int = 0) -> None:
        # No dict.__init__(): a new mapping is already empty, and a file makes thousands.
        self.line = line
        self.key_lines: dict[Any, int] = {}
        #: The source text of values that YAML did not read as strings
        #: (``version: 1.10`` reads as the float 1.1; the hint needs "1.10").
        self.scalar_text: dict[Any, str] | None = None

    def line_of(self, key: Any) -> int:
        """The line of ``key`` if present, else the mapping's own line."""
        return self.key_lines.get(key, self.line)


class YList(list[Any]):
    """A sequence that remembers its line and the line of each item."""

    __slots__ = ('item_lines', 'line')

    def __init__(self, line: int = 0) -> None:
        # No list.__init__(): a new list is already empty.
        self.line = line
        self.item_lines: list[int] = []


# Scalars other than plain strings go through PyYAML's own, well-tested
# resolvers (ints in every base, floats, booleans, timestamps).
_SCALARS = {
    'tag:yaml.org,2002:null': yaml.constructor.SafeConstructor.construct_yaml_null,
    'tag:yaml.org,2002:bool': yaml.constructor.SafeConstructor.construct_yaml_bool,
    'tag:yaml.org,2002:int': yaml.constructor.SafeConstructor.construct_yaml_int,
    'tag:yaml.org,2002:float': yaml.constructor.SafeConstructor.construct_yaml_float,
    'tag:yaml.org,2002:timestamp': yaml.constructor.SafeConstructor.construct_yaml_timestamp,
}


class _Builder:
    __slots__ = ('ctor', 'seen', 'track')

    def __init__(self, ctor: Any, track: bool = True) -> None:
        self.seen: set[int] = set()
        self.ctor = ctor
        #: False when the text can hold no alias and cannot nest deep: plain string
        #: children are then taken in line, without a call and a visit each.
        self.track = track

    def build(self, node: Node, depth: int = 0) -> Any:  # noqa: PLR0912 - parse hot path: no call per case
        if self.track:
            if id(node) in self.seen:
                raise loader_problem('alias', node.start_mark.line + 1)
            self.seen.add(id(node))
        if depth > MAX_DEPTH:
            raise loader_problem('too-deep-built', node.start_mark.line + 1, depth=MAX_DEPTH)
        if node.__class__ is ScalarNode:
            if node.tag == _STR:
                return node.value
            make = _SCALARS.get(node.tag)
            if make is None:
                raise loader_problem('tag', node.start_mark.line + 1, tag=node.tag)
            return make(self.ctor, node)
        if node.tag not in (_SEQ, _MAP):
            raise loader_problem('tag', node.start_mark.line + 1, tag=node.tag)
        if node.__class__ is SequenceNode:
            seq = YList(node.start_mark.line + 1)
            lines = seq.item_lines
            inline = not self.track
            for item in node.value:
                lines.append(item.start_mark.line + 1)
                if inline and item.__class__ is ScalarNode and item.tag == _STR:
                    seq.append(item.value)
                else:
                    seq.append(self.build(item, depth + 1))
            return seq
        if node.__class__ is MappingNode:
            mapping = YMap(node.start_mark.line + 1)
            key_lines = mapping.key_lines
            inline = not self.track
            for key_node, value_node in node.value:
                line = key_node.start_mark.line + 1
                if inline and key_node.__class__ is ScalarNode and key_node.tag == _STR:
                    key = key_node.value
                else:
                    if key_node.tag == _MERGE:
                        raise loader_problem('merge-key', line)
                    key = self.build(key_node, depth + 1)
                    if key.__class__ in (YMap, YList):
                        raise loader_problem('collection-key', line)
                if key in mapping:
                    raise loader_problem('duplicate-key', line, key=key, first=key_lines[key])
                key_lines[key] = line
                if value_node.__class__ is ScalarNode:
                    if value_node.tag == _STR:
                        if inline:
                            mapping[key] = value_node.value
                            continue
                    else:
                        if mapping.scalar_text is None:
                            mapping.scalar_text = {}
                        mapping.scalar_text[key] = value_node.value
                mapping[key] = self.build(value_node, depth + 1)
            return mapping
        raise loader_problem('unexpected-node', node.start_mark.line + 1, node=node)  # pragma: no cover


_DEEP_INDENT = re.compile(rb'^[ \t]{16,}', re.MULTILINE)
# Compact nesting on one line: "- - -", "? ? ?", ": - ?", with anchors or tags between.
_COMPACT_RUN = re.compile(rb'^[ \t]*(?:(?:[-?:]|[&!][^ \t\r\n]*)[ \t]+){8,}', re.MULTILINE)
_TWO_INDICATORS = re.compile(rb'[-?:][ \t]+[-?:]')
_INDENT_16 = b' ' * 16


def _may_nest_deep(data: bytes) -> bool:
    """Whether a document could nest deeper than MAX_DEPTH (cheap, no parsing).

    A level of nesting costs a flow bracket, a column of indentation (at most
    two levels per column: a sequence may sit at its key's indentation) or a
    compact indicator on the line ("- - -", "? ? ?"). Fewer than 16 brackets,
    16 columns and 8 compact indicators cannot reach 64 levels.
    """
    if data.count(b'[') + data.count(b'{') >= 16:
        return True
    # Substring searches first, the patterns only when they could match: a
    # line indented by 16 spaces (with no tab anywhere), two indicators in a
    # row (with no anchor or tag anywhere, indicators are single characters).
    indented = b'\t' in data or data.startswith(_INDENT_16) or b'\n' + _INDENT_16 in data
    if indented and _DEEP_INDENT.search(data) is not None:
        return True
    if b'&' in data or b'!' in data or _TWO_INDICATORS.search(data) is not None:
        return _COMPACT_RUN.search(data) is not None
    return False


def _line(mark: Any) -> int:
    return int(mark.line) + 1 if mark is not None else 1


def _too_deep(data: bytes | str) -> int | None:
    """The line where nesting passes MAX_DEPTH, found from the flat event stream."""
    depth = 0
    loader = _Base(data)
    try:
        while (event := loader.get_event()) is not None:
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return _line(event.start_mark)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return None  # the parser proper reports syntax errors with their line
    finally:
        loader.dispose()
    return None


def _first_alias_line(data: bytes | str) -> int | None:
    """Where the first alias (*name) stands: the composer only shows its anchor."""
    loader = _Base(data)
    try:
        while (event := loader.get_event()) is not None:
            if isinstance(event, yaml.AliasEvent):
                return _line(event.start_mark)
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    return None


def parse_yaml(data: bytes | str) -> Any:
    """Parse one YAML document into YMap/YList/scalars; raise YamlProblem."""
    if isinstance(data, bytes) and b'\0' in data:
        raise loader_problem('binary', 1)
    raw = data.encode('utf-8', 'surrogateescape') if isinstance(data, str) else data
    # libyaml composes recursively in C: a document nested thousands deep would
    # overflow the C stack, so nesting is measured first (exactly, from the flat
    # event stream, only when the cheap bound says it could be deep).
    deep = _may_nest_deep(raw)
    if deep and (line := _too_deep(data)) is not None:
        raise loader_problem('too-deep', line, depth=MAX_DEPTH)
    loader = _Parser(data)
    paused = gc.isenabled()
    # A file of 16,000 releases is a million new objects and no cycle: the
    # collector would walk them again and again, making parsing quadratic.
    gc.disable()
    try:
        node = _compose(loader, data)
        return None if node is None else _build(loader, node, data, track=deep or b'*' in raw)
    finally:
        loader.dispose()
        if paused:
            gc.enable()


def _compose(loader: Any, data: bytes | str) -> Node | None:
    """libyaml's node tree of the document; a syntax or encoding error is a YamlProblem."""
    try:
        node: Node | None = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or str(exc)
        context = f' ({exc.context})' if exc.context else ''
        raise loader_problem('syntax', line, problem=problem, context=context) from None
    except yaml.YAMLError as exc:
        # Reader errors: bad encoding or control characters.
        position = getattr(exc, 'position', None)
        line = 1
        if position is not None and isinstance(data, bytes):
            line = data.count(b'\n', 0, position) + 1
        raise loader_problem('not-utf8', line, error=exc) from None
    return node


def _build(loader: Any, node: Node, data: bytes | str, *, track: bool) -> Any:
    """The values of ``node``'s tree; what release data may not hold is a YamlProblem.

    ``track``: the text may hold an alias or nest deep, so every node is visited (see ``_Builder``).
    """
    try:
        return _Builder(loader, track).build(node)
    except YamlProblem as problem:
        if problem.check == 'RT005':
            problem.line = _first_alias_line(data) or problem.line
        raise
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        raise loader_problem('bad-value', mark.line + 1 if mark else 1, problem=exc.problem) from None
    except (ValueError, OverflowError) as exc:
        raise loader_problem('bad-value', node.start_mark.line + 1, problem=exc) from None
    except RecursionError:
        raise loader_problem('recursion', 1) from None


def read_yaml_file(path: str | os.PathLike[str]) -> Any:
    """Read and parse a YAML file, turning every kind of bad input into YamlProblem."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; we refuse it below.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, 'rb') as fh:
            st = os.fstat(fd)
            if stat.S_ISDIR(st.st_mode):
                raise IsADirectoryError(path)
            if not stat.S_ISREG(st.st_mode):
                raise loader_problem('not-regular', 0)
            size = st.st_size
            if size > MAX_FILE_SIZE:
                raise loader_problem('too-big', 1, mb=size / 1e6, limit=MAX_FILE_SIZE // (1024 * 1024))
            data = fh.read()
    except IsADirectoryError:
        raise loader_problem('directory', 0) from None
    except OSError as exc:
        raise loader_problem('unreadable', 0, error=exc.strerror or exc) from None
    return parse_yaml(data)


def date_to_str(value: Any) -> str | None:
    """Dates in release data are written unquoted; normalise them to ISO strings."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return value
    return None
