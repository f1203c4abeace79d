"""Untrusted text in Markdown (pull-request comments, step summaries): it stays text.

Commit subjects, authors, notes and messages quoting a data file are written
by anyone who proposes a change. In Markdown output they must not become raw
HTML, a link with a misleading label, a heading, a table cell break, or a
mention that notifies somebody. :func:`md_text` makes inline text of them and
:func:`md_block` a fenced block; our own markup is added around them only.
"""

from __future__ import annotations

import re

__all__ = ['md_block', 'md_code', 'md_text']

#: Every ASCII punctuation character may be backslash-escaped in CommonMark (and GFM):
#: escaping them all leaves no emphasis, link, HTML tag, entity, table cell or heading.
_PUNCT = re.compile(r'([!"#$%&\'()*+,\-./:;<=>?@\[\\\]^_`{|}~])')
#: Control characters (other than tab) and line breaks become spaces: inline text stays one line.
_BREAKS = re.compile(r'[\x00-\x08\x0a-\x1f\x7f\u2028\u2029]+')


def md_text(text: str) -> str:
    """``text`` as literal inline Markdown: one line, every markup character escaped.

    ``@`` is followed by a zero-width space as well, since GitHub finds
    mentions (and ``#123`` references) in the text *after* parsing, where a
    backslash escape has already gone.
    """
    flat = _BREAKS.sub(' ', text)
    return _PUNCT.sub(r'\\\1', flat).replace('@', '@\u200b').replace('#', '#\u200b')


def md_code(text: str) -> str:
    """``text`` as an inline code span (a path, a hash), one line, any backticks in it kept."""
    flat = _BREAKS.sub(' ', text)
    longest = max((len(m) for m in re.findall('`+', flat)), default=0)
    fence = '`' * (longest + 1)
    return f'{fence} {flat} {fence}'


def md_block(text: str, info: str = 'text') -> str:
    """``text`` as a fenced code block: nothing in it is markup, whatever it holds.

    The fence is longer than any run of backticks (or tildes) in ``text``, so
    the text cannot close it (CommonMark 4.5).
    """
    body = text.replace('\r\n', '\n').replace('\r', '\n').rstrip('\n')
    longest = max((len(m) for m in re.findall('`{3,}', body)), default=0)
    fence = '`' * max(3, longest + 1)
    return f'{fence}{info}\n{body}\n{fence}'
