"""Sign-in attempts (``login_attempts``): appended, read back for the lockout and the admin's list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select

from jobshift.store.schema import login_attempts as t


def failure_times(
    conn: Connection, since: datetime, *, username: str | None = None, ip: str | None = None,
    after: datetime | None = None, outcome: str = "failed",
) -> list[datetime]:  # fmt: skip
    """When the ``outcome`` attempts of ``username`` (after ``after``) or of ``ip`` at or after
    ``since`` happened, oldest first."""
    q = select(t.c.at).where(t.c.outcome == outcome, t.c.at >= since)
    if username is not None:
        q = q.where(t.c.username == username)
    if after is not None:
        q = q.where(t.c.at > after)
    if ip is not None:
        q = q.where(t.c.ip == ip)
    return [at for (at,) in conn.execute(q.order_by(t.c.at))]


def last_time(conn: Connection, username: str, outcome: str) -> datetime | None:
    """The newest attempt of ``username`` with ``outcome``."""
    return conn.execute(
        select(func.max(t.c.at)).where(t.c.username == username, t.c.outcome == outcome)
    ).scalar()


def record(conn: Connection, at: datetime, username: str, ip: str, outcome: str) -> None:
    """Append one attempt."""
    conn.execute(insert(t).values(at=at, username=username, ip=ip, outcome=outcome))


def recent(conn: Connection, limit: int) -> list[dict[str, Any]]:
    """The newest attempts first."""
    return [dict(r) for r in conn.execute(select(t).order_by(t.c.id.desc()).limit(limit)).mappings()]
