"""What building a release gave: the fact ``validate --build`` gathers and the build rules read."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ['BuildOutcome']


@dataclass(frozen=True)
class BuildOutcome:
    """What building one repository at one release gave: an error, another version, a twine failure, or files."""

    repo: str
    version: str
    hash: str
    error: str | None = None  # the build failed: the tail of its output
    built: str | None = None  # the version the files carry, when it is not the requested one
    twine: str | None = None  # twine check --strict's complaint
    files: tuple[str, ...] = ()
