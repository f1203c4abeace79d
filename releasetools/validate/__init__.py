"""``releasetools validate``: the validation run over a request.

A request (:mod:`releasetools.data.request`) becomes deliverable contexts, git and
build facts are gathered for them, and every rule (:mod:`releasetools.rules`) runs.
"""

from .engine import ValidateOptions, check_request, validate

__all__ = ['ValidateOptions', 'check_request', 'validate']
