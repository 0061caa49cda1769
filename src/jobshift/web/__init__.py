"""The web UI (server-rendered Jinja2 + HTMX) and the REST API under /api; see ``create_app``."""
