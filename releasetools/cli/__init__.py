"""The ``releasetools`` command line: argument parsing and output, nothing else."""

from .main import main

__all__ = ['main']
