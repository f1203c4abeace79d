"""The release job: turn a merged release request into tags, artifacts, notes and mail."""
