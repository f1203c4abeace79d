"""releasetools: release management built around reviewable release requests."""

__all__ = ['__version__']

try:
    from importlib.metadata import version as _version

    __version__ = _version('releasetools')
except Exception:  # pragma: no cover - running from a source tree without metadata
    __version__ = '0.0.0'
