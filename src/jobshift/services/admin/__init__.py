"""Use case: administration — users, logins and sessions, settings, doctor, the demo, serving the web UI."""
