"""Reviewing release requests: ``list-changes`` (what each new release contains)."""

from .changes import ChangesReport, ReleaseReview, RepoReview
from .command import ChangesOptions, list_changes
from .render import JSON_SCHEMA, render_json, render_text

__all__ = ['JSON_SCHEMA', 'ChangesOptions', 'ChangesReport', 'ReleaseReview', 'RepoReview', 'list_changes',
           'render_json', 'render_text']
