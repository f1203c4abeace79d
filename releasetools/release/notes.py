"""The notes step's files: the RST of one release (``notes.release``) and its HTML, written atomically."""

from __future__ import annotations

from pathlib import Path

from ..core.textsafety import UNTRUSTED_RST_SETTINGS
from .paths import atomic_write

__all__ = ['write_notes']


def write_notes(text: str, path: Path) -> list[Path]:
    """Write the notes' RST at ``path``, and their HTML beside it when docutils is there; the files written."""
    atomic_write(path, text)
    written = [path]
    html = _rst_to_html(text)
    if html is not None:
        atomic_write(path.with_suffix('.html'), html)
        written.append(path.with_suffix('.html'))
    return written


def _rst_to_html(text: str) -> str | None:
    try:
        from docutils.core import publish_string
        from docutils.writers.html5_polyglot import Writer
    except ImportError:  # pragma: no cover - docutils comes with reno and Sphinx
        return None
    # Notes are contributor text: no raw HTML, no file read into the page (as the site renders them).
    settings = {**UNTRUSTED_RST_SETTINGS, 'report_level': 5, 'halt_level': 5}
    out = publish_string(text, writer=Writer(), settings_overrides=settings)
    return out.decode('utf-8') if isinstance(out, bytes) else str(out)
