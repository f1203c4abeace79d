"""``releasetools demo``: the whole pipeline in a sandbox, through the real commands."""
