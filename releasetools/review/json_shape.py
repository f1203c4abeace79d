"""The shape of ``list-changes --format json``, as documented in ``--help`` (no imports: the CLI
reads it while building its parser)."""

__all__ = ['JSON_SCHEMA']

JSON_SCHEMA = """\
{"date": "YYYY-MM-DD", "problems": ["file:line: message", ...],
 "releases": [{"file", "deliverable", "series", "team", "type", "model", "release_type",
   "version", "previous_version" (null: first), "step" (major|minor|patch|pre-release|final|first|unknown),
   "warnings": [...], "hints": [...],
   "repos": [{"repo", "hash", "previous_hash", "unavailable" (null, or why the repository
     could not be read), "commit_count" (null: no previous release), "commits": [{"sha", "author",
     "subject"}], "branch_head_of": [...], "branches": [...],
     "notes": null | {"files": [...], "sections": {name: [entries]}, "preview" (RST),
       "implied_step" (none|patch|minor|major), "implied_by": [...], "problems": [...]},
     "requirements": [{"name", "old", "new"}],
     "api": null | {"status" (compared|skipped), "reason", "breakages": [...]},
     "warnings": [...]}]}]}"""
