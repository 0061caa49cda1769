"""Use case: detection — the tracked set, reading the newest observations, running the engine, evaluation."""
