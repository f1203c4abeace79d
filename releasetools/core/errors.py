"""Exceptions raised by the library for the CLI to turn into exit status 2.

Rule violations are never exceptions: they are findings. An exception here means
the command could not do its work at all (no such root, unknown revision, ...).
"""

from __future__ import annotations

__all__ = ['GitError', 'ReleaseToolsError', 'UsageError']


class ReleaseToolsError(Exception):
    """A failure written for users: a message and, where there is one, a fix hint."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class UsageError(ReleaseToolsError):
    """The command was called with arguments that cannot work (exit status 2)."""


class GitError(ReleaseToolsError):
    """A git command failed; the message carries git's own words."""
