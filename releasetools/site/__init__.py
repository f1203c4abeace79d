"""The static releases site: a Sphinx extension and the command that runs it.

Importing this package does not import Sphinx; :func:`build_site` does.
"""

from .build import BuildResult, build_site, default_output

__all__ = ['BuildResult', 'build_site', 'default_output']
