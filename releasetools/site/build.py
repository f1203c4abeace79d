"""``releasetools site``: build the static releases site with Sphinx.

The output directory holds ``html/`` (the site to publish) and ``.cache/``
(the generated page sources, Sphinx's doctrees, environment and HTML, and the
parse cache of the data files). Keeping ``.cache/`` makes the next build
incremental.

Sphinx writes into ``.cache/html``; only a build that finished is published,
as a complete copy put in place of ``html/`` by renames. A build that fails (a
full disk, an error) leaves the published site as it was, never half-written.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import ReleaseToolsError, UsageError
from ..data.atomic import write_text
from ..data.load import SERIES_STATUS
from .data import load_site_config

__all__ = ['OWN_FOLDER', 'BuildResult', 'build_site', 'default_output', 'own_folder', 'readable']


@dataclass(frozen=True)
class BuildResult:
    """What a build did."""

    html: Path  # the directory to publish
    index: Path
    pages: int  # Sphinx documents of the site
    rebuilt: tuple[str, ...]  # documents read and written again by this build
    sources_written: tuple[str, ...]  # page sources whose text changed
    warnings: tuple[str, ...]
    seconds: float


#: The folder of the data repository that releasetools keeps to itself; it ignores itself (``*``).
OWN_FOLDER = '.releasetools'


#: A function's or method's repr, as Sphinx puts a failing event handler in its message.
_HANDLER_RE = re.compile(r'<function (\S+) at 0x[0-9a-fA-F]+>|<bound method (\S+) of .*? at 0x[0-9a-fA-F]+>>')


def readable(exc: BaseException) -> str:
    """A Sphinx error's message with each handler named (``Class.on_x``), not shown as ``<function on_x at 0x...>``."""
    def name(match: re.Match[str]) -> str:
        return (match.group(1) or match.group(2)).rsplit('<locals>.', 1)[-1]

    return _HANDLER_RE.sub(name, str(exc))


def default_output(root: Path) -> Path:
    """``ROOT/.releasetools/site``: next to the data it shows, in a folder git ignores (see own_folder)."""
    return root / OWN_FOLDER / 'site'


def own_folder(root: Path) -> Path:
    """``ROOT/.releasetools``, created with a ``.gitignore`` of ``*``, so ``git status`` stays clean.

    In the data repository rather than in ``$XDG_CACHE_HOME``: the site of each
    data repository stays apart and is found next to it, and the ignore rule
    travels with the folder (no line to add to the repository's own
    ``.gitignore``, nothing to commit), as a virtual environment's folder does.
    """
    folder = root / OWN_FOLDER
    ignore = folder / '.gitignore'
    if not ignore.is_file():
        folder.mkdir(exist_ok=True)
        write_text(ignore, '# made by releasetools: nothing here is data\n*\n')
    return folder


def _writable_output(output: Path, srcdir: Path) -> None:
    """--output must be (or become) a directory: a file, or a parent that is a file, is a clear error."""
    for path in (output, *output.parents):
        if path.exists():
            if not path.is_dir():
                why = 'is a file, not a directory' if path == output else f'cannot be a directory: {path} is a file'
                raise UsageError(f'{output}: --output {why}',
                                 'pass --output a directory (it is created when missing)')
            break
    try:
        srcdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f'{exc.filename or output}: cannot create the site directory: {exc.strerror or exc}',
                         'pass --output a writable directory') from None


#: ANSI escape sequences (CSI ... final byte), as Sphinx writes them for a terminal.
_ESCAPES = re.compile(r'\x1b\[[0-9;?]*[ -/]*[@-~]')


class _ProgressLines(io.StringIO):
    """Sphinx's status stream: kept whole, and each line with a count ("[ 40%] page") passed to ``progress``."""

    def __init__(self, progress: Callable[[str], None] | None) -> None:
        super().__init__()
        self.progress = progress
        self.pending = ''

    def write(self, text: str) -> int:
        if self.progress is not None:
            self.pending += text
            *lines, self.pending = re.split(r'[\r\n]', self.pending)
            # Without TERM, Sphinx starts each status line with an erase-line code (ESC [2K) even
            # with colours off: its lines are text here, so escape sequences go.
            for line in filter(None, (_ESCAPES.sub('', line).strip() for line in lines)):
                self.progress(f'site: {line}')
        return super().write(text)


def build_site(root: Path, output: Path | None = None, jobs: int = 1, *, title: str | None = None,
               progress: Callable[[str], None] | None = None) -> BuildResult:
    """Build (or update) the site of the data repository ``root`` into ``output``.

    ``progress`` gets Sphinx's status lines ("site: writing output... [ 40%] team/nova").
    Warnings are plain text, without Sphinx's colour codes: the caller decides where they go.
    """
    start = time.perf_counter()
    root = root.resolve()
    if not (root / SERIES_STATUS).is_file():
        raise UsageError(f'{root} has no {SERIES_STATUS}: it is not a release data repository',
                         'pass --root with the top of a data repository')
    if jobs < 1:
        raise UsageError(f'--jobs must be 1 or more, not {jobs}')
    if output is None:
        own_folder(root)
        output = default_output(root)
    try:
        output = output.resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symbolic link loop (Python < 3.13)
        raise UsageError(f'{output}: --output cannot be used: {exc}',
                         'pass --output a directory (it is created when missing)') from None
    config = load_site_config(root)
    overrides: dict[str, object] = {
        'extensions': ['releasetools.site.ext'],
        'releasetools_root': str(root),
        **{f'releasetools_{name}': getattr(config, name) for name in config.__dataclass_fields__},
    }
    if title is not None:
        overrides['releasetools_title'] = title
    cache = output / '.cache'
    srcdir, doctrees, staging, html = cache / 'source', cache / 'doctrees', cache / 'html', output / 'html'
    _writable_output(output, srcdir)

    # Sphinx is imported here only: `import releasetools` (and validate) stays fast.
    from sphinx.application import Sphinx
    from sphinx.errors import SphinxError
    from sphinx.util.console import nocolor
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    from . import ext

    nocolor()  # Sphinx colours its messages by default, whatever its streams are: ours are text
    status, warnings = _ProgressLines(progress), io.StringIO()
    try:
        with patch_docutils(None), docutils_namespace():
            app = Sphinx(str(srcdir), None, str(staging), str(doctrees), 'html', confoverrides=overrides,
                         status=status, warning=warnings, parallel=jobs, keep_going=True)
            app.build()
        publish(staging, html)
    except SphinxError as exc:
        cause = getattr(exc, 'orig_exc', None)  # an extension's error, wrapped by Sphinx with its handler's repr
        if isinstance(cause, ReleaseToolsError):
            raise cause from None
        if isinstance(cause, OSError):
            raise ReleaseToolsError(f'{cause.filename or output}: cannot write the site: {cause.strerror or cause}; '
                                    f'the published site in {html} is unchanged') from None
        raise ReleaseToolsError(f'the site build failed: {readable(exc)}; the published site in {html} is unchanged',
                                warnings.getvalue().strip() or None) from exc
    except OSError as exc:
        raise ReleaseToolsError(f'{exc.filename or output}: cannot write the site: {exc.strerror or exc}; '
                                f'the published site in {html} is unchanged') from None
    state = ext.current_state()
    assert state is not None
    return BuildResult(
        html=html,
        index=html / 'index.html',
        pages=len(app.env.found_docs),
        rebuilt=tuple(state.read),
        sources_written=tuple(state.sources_written),
        warnings=tuple(line for line in warnings.getvalue().splitlines() if line.strip()),
        seconds=time.perf_counter() - start,
    )


def publish(built: Path, html: Path) -> None:
    """Put a complete copy of ``built`` in place of ``html``: readers see the old site or the new one.

    The copy is made under a temporary name beside ``html`` (so on the same
    file system) and renamed into place; on any failure it is removed and
    ``html`` is left as it was.
    """
    stamp = f'{os.getpid()}-{time.monotonic_ns()}'
    fresh, old = html.with_name(f'.{html.name}.new-{stamp}'), html.with_name(f'.{html.name}.old-{stamp}')
    try:
        shutil.copytree(built, fresh, symlinks=True)
        if html.exists() or html.is_symlink():
            os.rename(html, old)
        os.rename(fresh, html)
    except BaseException:
        if old.exists() and not html.exists():
            os.rename(old, html)
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    with contextlib.suppress(OSError):
        if old.is_symlink():
            old.unlink()
        else:
            shutil.rmtree(old)
