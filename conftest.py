"""Fixtures shared by test modules in several folders are registered here, at the root,
as pytest requires of ``pytest_plugins``."""

pytest_plugins = ['tests.gitfixtures']
