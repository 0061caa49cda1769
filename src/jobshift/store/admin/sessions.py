"""Web sessions (``web_sessions``): only the SHA-256 of a session id is stored, with its expiry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from jobshift.store.schema import app_users, web_sessions


def start(
    conn: Connection,
    session_hash: str,
    user_id: int,
    now: datetime,
    expires_at: datetime,
    purge_before: datetime,
) -> None:
    """Record a new session (and drop the sessions that expired before ``purge_before``)."""
    conn.execute(delete(web_sessions).where(web_sessions.c.expires_at < purge_before))
    conn.execute(
        insert(web_sessions).values(
            session_hash=session_hash, user_id=user_id, created_at=now, expires_at=expires_at
        )
    )


def user_of(conn: Connection, session_hash: str, user_id: int, now: datetime) -> dict[str, Any] | None:
    """The active ``app_users`` row of a session of ``user_id`` that has neither ended nor expired."""
    q = (
        select(app_users)
        .join(web_sessions, web_sessions.c.user_id == app_users.c.id)
        .where(
            web_sessions.c.session_hash == session_hash,
            web_sessions.c.user_id == user_id,
            web_sessions.c.ended_at.is_(None),
            web_sessions.c.expires_at > now,
            app_users.c.active.is_(True),
        )
    )
    row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def end(
    conn: Connection, now: datetime, *, session_hash: str | None = None, user_id: int | None = None
) -> int:
    """End the open session ``session_hash``, or every open session of ``user_id``; returns how many."""
    q = update(web_sessions).where(web_sessions.c.ended_at.is_(None))
    if session_hash is not None:
        q = q.where(web_sessions.c.session_hash == session_hash)
    if user_id is not None:
        q = q.where(web_sessions.c.user_id == user_id)
    return int(conn.execute(q.values(ended_at=now)).rowcount or 0)
