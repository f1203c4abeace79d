"""The loader's checks (RT001-RT007): every finding of reading a file, made in one place.

The YAML reader (``yamlio``) and the model loader (``load``) name what went
wrong (a :data:`LoaderCheck`); :func:`loader_problem` gives it its check id,
message and hint from :data:`CHECKS`, and :func:`loader_finding` turns it into
the finding of a file. The checks' documentation is in ``rules/files.py``.
"""

from __future__ import annotations

from typing import Literal

from ..core.findings import Finding, Severity

__all__ = ['CHECKS', 'LoaderCheck', 'YamlProblem', 'loader_finding', 'loader_problem']

LoaderCheck = Literal[
    'binary', 'not-utf8', 'not-regular', 'directory', 'unreadable', 'too-big',
    'syntax', 'too-deep', 'tag', 'collection-key', 'other-keys', 'bad-value',
    'duplicate-key', 'series-twice', 'not-mapping', 'series-not-list', 'alias', 'merge-key', 'link-escapes',
]

#: What each loader check reports: check id, message (``str.format`` fields) and hint.
CHECKS: dict[LoaderCheck, tuple[str, str, str | None]] = {
    # RT001: not text that can be read.
    'binary': ('RT001', 'the file is binary (a NUL byte here), not YAML text', None),
    'not-utf8': ('RT001', 'the file is not valid UTF-8 YAML text: {error}', 'save the file as UTF-8'),
    'not-regular': ('RT001', 'this is not a regular file (a pipe, socket or device)',
                    'replace it with a regular YAML file'),
    'directory': ('RT001', 'this is a directory, not a file', None),
    'unreadable': ('RT001', 'cannot read the file: {error}', None),
    # RT002: not valid YAML.
    'syntax': ('RT002', 'YAML syntax error: {problem}{context}', 'check the indentation and quoting around this line'),
    'too-deep': ('RT002', 'the document nests deeper than {depth} levels',
                 'release data is a few levels deep: check the brackets and indentation'),
    'tag': ('RT002', 'unsupported YAML tag {tag!r}', 'remove the explicit tag (!...)'),
    'collection-key': ('RT002', 'a mapping key must be a plain value, not a collection', None),
    'other-keys': ('RT002', 'more than {limit} keys of this mapping are not text (numbers, dates...)',
                   'release data keys are names such as "version": quote a key that must stay as written'),
    'bad-value': ('RT002', 'invalid YAML value: {problem}', None),
    # RT003: a key (or a series) twice.
    'duplicate-key': ('RT003', 'duplicate key {key!r} (first at line {first})',
                      'YAML keeps only the last value of a duplicated key: merge the two entries'),
    'series-twice': ('RT003', 'series {name!r} is listed twice', None),
    # RT004: not the expected shape.
    'not-mapping': ('RT004', 'a deliverable file must be a mapping of keys (team, type, releases, ...), but this one '
                    'is {shape}', 'see the data format: the file starts with keys such as "team:" at the left margin'),
    'series-not-list': ('RT004', 'the series list must be a YAML list of series, newest first', None),
    # RT005: anchors, aliases, merge keys.
    'alias': ('RT005', 'YAML anchors and aliases are not allowed in release data',
              'write the value out in full where the alias (*name) stands'),
    'merge-key': ('RT005', 'YAML merge keys (<<) are not allowed in release data', 'write the keys out in full'),
    # RT006: too big to be release data.
    'too-big': ('RT006', 'the file is {mb:.1f} MB; release data files are limited to {limit} MiB',
                'is this really a deliverable file? split or remove it'),
    # RT007: a link out of the repository.
    'link-escapes': ('RT007', 'this is a symbolic link that leads outside the data repository',
                     'replace the link with the file itself'),
}


class YamlProblem(Exception):
    """A file that cannot be read as YAML data; carries a check id and a line."""

    def __init__(self, check: str, line: int, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.check = check
        self.line = line
        self.message = message
        self.hint = hint


def loader_problem(kind: LoaderCheck, line: int, **fields: object) -> YamlProblem:
    """The problem ``kind`` at ``line``: its id, its message (with ``fields``) and its hint."""
    check, message, hint = CHECKS[kind]
    return YamlProblem(check, line, message.format(**fields) if fields else message, hint)


def loader_finding(path: str, problem: YamlProblem) -> Finding:
    """The finding of ``path`` for a loader problem (every loader check is an error)."""
    return Finding(problem.check, Severity.ERROR, path, problem.line, problem.message, problem.hint)
