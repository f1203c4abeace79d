"""Checks made while reading a file, before any rule sees it.

These are findings of the loader (``yamlio``/``load``, made by
``data.loadchecks``); they are documented here so that every check id has a
title and an explanation in the registry, and each names the function that
makes its finding.
"""

from __future__ import annotations

from ..core.findings import Severity
from . import describe

#: The one function that makes every loader finding.
_LOADER = ('releasetools/data/loadchecks.py', 'loader_problem')

RT001 = describe('RT001', 'files', """The file can be read as UTF-8 text.

    A binary file (reported at its first NUL byte), a file that is not valid
    UTF-8 (UTF-16 is named as such), or a path that cannot be read (a
    directory, a dangling link, no permission) cannot hold release data.
    Fix: save the file as UTF-8 YAML text.""", made_by=_LOADER)

RT002 = describe('RT002', 'files', """The file is valid YAML.

    A syntax error (unclosed bracket, bad indentation, a tab, a second
    document, an anchor defined twice), an explicit tag such as
    ``!!python/object``, a value its tag cannot read (``!!bool x``,
    ``2026-13-45``), or what no release data holds and a hostile file uses
    to make the reader slow or crash: nesting deeper than 64 levels, a number
    or date of over 100 characters, more than 256 keys of one mapping that
    are not text. The finding points at the line where reading stopped. Fix:
    correct the YAML around that line.""", made_by=_LOADER)

RT003 = describe('RT003', 'files', """No key appears twice in a mapping.

    YAML parsers silently keep the last of two identical keys, so a duplicated
    ``version:`` or ``hash:`` would lose data without a word. Fix: merge the
    two entries into one.""", made_by=_LOADER)

RT004 = describe('RT004', 'files', """A deliverable file is a mapping of keys.

    A file that is empty, a list or a bare string is not a deliverable. Fix:
    start the file with keys such as ``team:`` and ``type:``.""", made_by=_LOADER)

RT005 = describe('RT005', 'files', """No YAML aliases or merge keys.

    Release data never needs them, reviewers cannot see what an alias expands
    to, and nested aliases allow "billion laughs" documents that exhaust
    memory. The finding stands at the first alias (``*name``) or merge key
    (``<<``); an anchor (``&name``) that nothing refers to changes nothing.
    Fix: write the value out in full.""", made_by=_LOADER)

RT006 = describe('RT006', 'files', """The file is of a sensible size.

    Deliverable files are a few kilobytes; anything over 2 MiB is refused
    unread. Fix: remove the stray file.""", made_by=_LOADER)

RT007 = describe('RT007', 'files', """No symbolic link leads outside the data repository.

    A link out of the repository would make validation depend on files that
    are not under review. Fix: replace the link with the file itself.""", made_by=_LOADER)

RT110 = describe('RT110', 'baseline', """Every entry of the validation baseline still matches a finding.

    The baseline (``data/validate-baseline.yaml``) lists findings accepted
    when the repository adopted releasetools. An entry that matches nothing
    any more (the rule was fixed, or the data was) is dead weight that could
    hide a later mistake with the same words: delete it. A warning.""",
                 made_by=('releasetools/data/baseline.py', 'apply'), severity=Severity.WARNING)
