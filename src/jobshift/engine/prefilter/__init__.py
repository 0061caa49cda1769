"""The feed's relevance pre-filter: rows of a partition that cannot link to a tracked contact or a watched
account are left unconverted (:mod:`.keys`: the context's key sets; :mod:`.read`: the vectorized read)."""
