"""Git: the one subprocess runner, batched repository reads, the facts the git rules
read, and local mirrors of remote repositories."""
