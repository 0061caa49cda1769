"""Web and API access in the store: app users, API tokens, web sessions, sign-in attempts, demo data."""
