"""Time helpers: jobshift stores naive UTC datetimes."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, in UTC, without tzinfo (the form stored in the database), to the second."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)
