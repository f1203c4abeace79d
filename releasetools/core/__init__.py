"""The pure core: the release data model, versions, the lineage, findings and errors.

Nothing here reads a file, runs a process or imports another layer of releasetools.
"""
