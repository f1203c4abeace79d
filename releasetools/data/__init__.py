"""Reading and writing the data repository: safe YAML, the loader, byte-exact edits, the
baseline, and the release request (what a change adds)."""
