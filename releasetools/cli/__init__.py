"""The ``releasetools`` command line: argument parsing and output, nothing else.

``main.py`` dispatches; ``args.py`` declares the arguments several commands share;
each command is one module (``validate.py``, ``new_release.py`` ...).
"""

from .main import build_parser, main

__all__ = ['build_parser', 'main']
