"""Safe, fast YAML reading that keeps line numbers and refuses ambiguity.

libyaml (through PyYAML's C parser) turns the text into a stream of events; a
small builder of our own turns the stream straight into plain Python values,
with no node tree in between. Building the values ourselves is both faster
than PyYAML's composer and constructor and the one place where we can:

* record the line of every mapping, sequence and mapping key (``YMap.line``,
  ``YMap.key_lines``, ``YList.item_lines``) so findings can point at a line;
* reject duplicate keys, which PyYAML silently resolves to the last value;
* reject aliases (and merge keys), which release data never needs and which
  make "billion laughs" documents possible, at the line of the first one;
* refuse nesting deeper than :data:`MAX_DEPTH` as soon as it is reached.

Nothing here recurses: libyaml's parser keeps its own stacks and the builder
keeps a list of the open collections, so no document, however deep, can
exhaust the C stack (PyYAML's composer, recursive in C, could).
"""

from __future__ import annotations

import datetime
import gc
import os
import re
import stat
from sys import intern
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode

from .loadchecks import YamlProblem, loader_problem

__all__ = ['MAX_FILE_SIZE', 'YList', 'YMap', 'YamlProblem', 'parse_yaml', 'read_yaml_file']

#: Release data files are a few kilobytes; anything this big is a mistake.
MAX_FILE_SIZE = 2 * 1024 * 1024

#: Deeper than this is not release data.
MAX_DEPTH = 64

#: A number or a date written with more characters than this is not release data.
MAX_NUMBER_TEXT = 100

#: Keys of one mapping that are not text (numbers, dates...): release data has none, and such keys
#: can be made to share one hash, which makes filling the mapping take quadratic time.
MAX_OTHER_KEYS = 256

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

_STR = 'tag:yaml.org,2002:str'
_NULL = 'tag:yaml.org,2002:null'
#: The "=" key of YAML 1.1, which PyYAML reads as the string "=".
_VALUE = 'tag:yaml.org,2002:value'
_SEQ = 'tag:yaml.org,2002:seq'
_MAP = 'tag:yaml.org,2002:map'
_MERGE = 'tag:yaml.org,2002:merge'

#: The tags PyYAML's resolver gave plain scalars: release data repeats the same
#: keys and values thousands of times, so each answer is looked up once.
_RESOLVED: dict[tuple[str, Any], str] = {}
_COMMIT_ID = re.compile(r'(?=[0-9]*[a-f])[0-9a-f]{40}\Z')
#: The first characters of the implicit types (bool, int, float, null, timestamp, merge...).
_TYPED_FIRST = frozenset(k for k in yaml.resolver.Resolver.yaml_implicit_resolvers if k)


class YMap(dict[Any, Any]):
    """A mapping that remembers its line and the line of each key."""

    __slots__ = ('_by_key', '_lines', 'line', 'scalar_text')

    def __init__(self, line: int = 0) -> None:
        # No dict.__init__(): a new mapping is already empty, and a file makes thousands.
        self.line = line
        #: The line of each key, in key order: a list, made into a dict only when a line is asked
        #: for (a dict per mapping made the thousands of releases of a file half as big again).
        self._lines: list[int] = []
        self._by_key: dict[Any, int] | None = None
        #: The source text of values that YAML did not read as strings
        #: (``version: 1.10`` reads as the float 1.1; the hint needs "1.10").
        self.scalar_text: dict[Any, str] | None = None

    @property
    def key_lines(self) -> dict[Any, int]:
        """The line of each key."""
        if self._by_key is None:
            self._by_key = dict(zip(self, self._lines, strict=True))
        return self._by_key

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
# constructors (ints in every base, floats, booleans, timestamps).
_SCALARS = {
    'tag:yaml.org,2002:null': yaml.constructor.SafeConstructor.construct_yaml_null,
    'tag:yaml.org,2002:bool': yaml.constructor.SafeConstructor.construct_yaml_bool,
    'tag:yaml.org,2002:int': yaml.constructor.SafeConstructor.construct_yaml_int,
    'tag:yaml.org,2002:float': yaml.constructor.SafeConstructor.construct_yaml_float,
    'tag:yaml.org,2002:timestamp': yaml.constructor.SafeConstructor.construct_yaml_timestamp,
}


def _scalar_tag(loader: Any, value: str, implicit: tuple[bool, bool]) -> str:
    """The tag PyYAML's resolver gives a scalar written without one (``implicit``: plain, quoted)."""
    # Quoted scalars, and plain ones whose first character starts no implicit
    # type, are strings; so are a version (two dots or more make no number,
    # date or boolean) and a commit id (hex digits, a letter among them), and
    # each of those is new: asking the resolver would fill the memo with one
    # entry per release.
    if not implicit[0] or (value and value[0] not in _TYPED_FIRST) or value.count('.') > 1 \
            or (_COMMIT_ID.match(value) is not None and not value.startswith('0b')):
        return _STR
    key = (value, implicit)
    tag = _RESOLVED.get(key)
    if tag is None:
        tag = loader.resolve(ScalarNode, value, implicit)
        if len(_RESOLVED) < 200_000:
            _RESOLVED[key] = tag
    return tag


def _scalar(loader: Any, event: Any, tag: str) -> Any:
    """The value of a scalar that is not a plain string, by PyYAML's constructor for ``tag``."""
    line = event.start_mark.line + 1
    make = _SCALARS.get(tag)
    if make is None:
        raise loader_problem('tag', line, tag=tag)
    value, kind = event.value, tag.rsplit(':', 1)[1]
    if len(value) > MAX_NUMBER_TEXT and tag != _NULL:
        # PyYAML's int of "1:0:0:...:0" (base 60) takes time that grows with the square of its length.
        raise loader_problem('bad-value', line, problem=f'{len(value)} characters for one {kind} '
                             f'(at most {MAX_NUMBER_TEXT})')
    try:
        return make(loader, ScalarNode(tag, value, event.start_mark, event.end_mark))
    except yaml.constructor.ConstructorError as exc:
        raise loader_problem('bad-value', line, problem=exc.problem) from None
    except (ValueError, OverflowError) as exc:  # 2026-13-45: "month must be in 1..12"
        raise loader_problem('bad-value', line, problem=exc) from None
    except Exception:
        # Whatever else PyYAML's constructor raises on a value it cannot read (explicit tags):
        # "!!bool x" a KeyError, "!!int ''" an IndexError, "!!timestamp x" an AttributeError.
        raise loader_problem('bad-value', line, problem=f'{value!r} is not a {kind}') from None


_STARTS = (MappingStartEvent, SequenceStartEvent)
_ENDS = (MappingEndEvent, SequenceEndEvent)
_NO_KEY: Any = object()  # a mapping waiting for its next key


def _other_key(loader: Any, event: Any, tag: str, mapping: YMap, counts: dict[int, int]) -> Any:
    """The key a scalar that is not a plain string makes: ``1:``, ``2026-01-01:``, ``=:``.

    ``counts`` holds how many such keys each mapping (by id) has had.
    """
    line = event.start_mark.line + 1
    if tag == _MERGE:
        raise loader_problem('merge-key', line)
    if tag == _VALUE:
        return intern(event.value)  # as PyYAML reads it: a string
    seen = counts[id(mapping)] = counts.get(id(mapping), 0) + 1
    if seen > MAX_OTHER_KEYS:
        raise loader_problem('other-keys', line, limit=MAX_OTHER_KEYS)
    return _scalar(loader, event, tag)


def _anchor(event: Any, anchors: dict[str, int]) -> None:
    """Note the anchor (``&name``) ``event`` defines; one defined twice is an error, as in PyYAML."""
    line = event.start_mark.line + 1
    first = anchors.get(event.anchor)
    if first is not None:
        raise loader_problem('syntax', line, problem=f'the anchor &{event.anchor} is defined twice',
                             context=f' (first at line {first})')
    anchors[event.anchor] = line


def _build(loader: Any, *, may_anchor: bool) -> Any:  # noqa: PLR0912, PLR0915 - parse hot path: one loop
    """The values of the one document of ``loader``'s stream (None: an empty stream).

    ``top`` is the innermost open collection (None at the top level) and
    ``key`` the key whose value comes next when ``top`` is a mapping; the open
    collections around it are on ``stack``. ``may_anchor``: the text may define
    anchors (it has a ``&``), which are then checked.
    """
    get = loader.get_event
    get()  # the stream's start
    if get().__class__ is StreamEndEvent:  # else the document's start
        return None
    root: Any = None
    top: Any = None
    key: Any = _NO_KEY
    stack: list[Any] = []
    anchors: dict[str, int] | None = {} if may_anchor else None  # name -> line
    other_keys: dict[int, int] = {}  # id(mapping) -> its keys that are not text
    # The line of the last event that needed one, and its number: the events of a line share
    # one int (a release's mapping, first key and list item are on one line).
    at, line = -1, 0
    while True:
        event = get()
        kind = event.__class__
        if kind is ScalarEvent:
            value = event.value
            tag = event.tag
            if tag is None or tag == '!':
                tag = _scalar_tag(loader, value, event.implicit)
            if anchors is not None and event.anchor is not None:
                _anchor(event, anchors)
            if top.__class__ is YMap and key is _NO_KEY:
                if (mark := event.start_mark.line) != at:
                    at, line = mark, mark + 1
                if tag == _STR:
                    # One string object per distinct key: a file's thousands of "version:" keys become
                    # the one the code looks up (found by identity; the parser's copies are freed).
                    value = intern(value)
                else:
                    value = _other_key(loader, event, tag, top, other_keys)
                if value in top:
                    raise loader_problem('duplicate-key', line, key=value, first=top.line_of(value))
                top._lines.append(line)
                key = value
                continue
            text = None
            if tag != _STR:
                text = value
                value = _scalar(loader, event, tag)
            if top.__class__ is YMap:
                top[key] = value
                if text is not None:
                    if top.scalar_text is None:
                        top.scalar_text = {}
                    top.scalar_text[key] = text
                key = _NO_KEY
            elif top is not None:
                top.append(value)
                if (mark := event.start_mark.line) != at:
                    at, line = mark, mark + 1
                top.item_lines.append(line)
            else:
                root = value
        elif kind in _STARTS:
            if (mark := event.start_mark.line) != at:
                at, line = mark, mark + 1
            if anchors is not None and event.anchor is not None:
                _anchor(event, anchors)
            tag = event.tag
            if tag is not None and tag not in ('!', _MAP if kind is MappingStartEvent else _SEQ):
                raise loader_problem('tag', line, tag=tag)
            new: Any = YMap(line) if kind is MappingStartEvent else YList(line)
            if top.__class__ is YMap:
                if key is _NO_KEY:
                    raise loader_problem('collection-key', line)
                top[key] = new
            elif top is not None:
                top.append(new)
                top.item_lines.append(line)
            else:
                root = new
            if len(stack) >= MAX_DEPTH:
                raise loader_problem('too-deep', line, depth=MAX_DEPTH)
            stack.append(top)
            top, key = new, _NO_KEY
        elif kind in _ENDS:
            top, key = stack.pop(), _NO_KEY  # the value of the parent's key (if any) is complete
        elif kind is AliasEvent:
            raise loader_problem('alias', event.start_mark.line + 1)
        elif kind is DocumentEndEvent:
            break
    event = get()
    if event.__class__ is not StreamEndEvent:
        raise loader_problem('syntax', event.start_mark.line + 1, problem='but found another document',
                             context=' (expected a single document in the stream)')
    return root


def parse_yaml(data: bytes | str) -> Any:
    """Parse one YAML document into YMap/YList/scalars; raise YamlProblem."""
    if isinstance(data, str):
        text = data
        try:
            data = text.encode('utf-8')
        except UnicodeEncodeError as exc:  # a lone surrogate
            raise loader_problem('not-utf8', _breaks(text[:exc.start]) + 1, error=exc.reason) from None
    if data.startswith((b'\xff\xfe', b'\xfe\xff')):
        raise loader_problem('not-utf8', 1, error='it is UTF-16 text (it starts with a UTF-16 byte order mark)')
    if (nul := data.find(b'\0')) >= 0:
        raise loader_problem('binary', _line_at(data, nul))
    loader = _Loader(data)
    paused = gc.isenabled()
    # A file of 16,000 releases is a million new objects and no cycle: the
    # collector would walk them again and again, making parsing quadratic.
    gc.disable()
    try:
        return _build(loader, may_anchor=b'&' in data)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or str(exc)
        context = f' ({exc.context})' if exc.context else ''
        raise loader_problem('syntax', line, problem=problem, context=context) from None
    except yaml.YAMLError as exc:
        # Reader errors: bad encoding or control characters, at a byte offset.
        position = getattr(exc, 'position', None)
        line = _line_at(data, position) if isinstance(position, int) else 1
        raise loader_problem('not-utf8', line, error=exc) from None
    finally:
        loader.dispose()
        if paused:
            gc.enable()


#: YAML's line breaks (``str.splitlines`` knows more: form feed, vertical tab...).
_BREAK = re.compile('\r\n|[\r\n\x85\u2028\u2029]')


def _breaks(text: str) -> int:
    return len(_BREAK.findall(text))


def _line_at(data: bytes, offset: int) -> int:
    """The line of the byte at ``offset``, as YAML counts lines."""
    return _breaks(data[:offset].decode('utf-8', 'replace')) + 1


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
