"""Use case: running the program on its cadence (APScheduler jobs)."""
