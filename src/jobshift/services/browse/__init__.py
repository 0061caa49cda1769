"""Use case: browsing — lists, search, detail pages, lead actions, exports (web UI and API)."""
