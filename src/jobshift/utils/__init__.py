"""Small helpers without project dependencies (files, hashing, time)."""
