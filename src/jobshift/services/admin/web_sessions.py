"""Server-side web sessions: a signed cookie names a session row, so sessions can end at once.

The cookie (``web/auth.py``) carries the user id, the CSRF token and a random session id; the store
keeps only the SHA-256 of that id with the session's expiry (``[web] session_hours``). Signing out
ends that session; a password change, a deactivation or a role change end every session of the
user (:func:`end_user_sessions`, in the caller's transaction).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Connection

from jobshift.services.admin.auth import AppUser, row_to_user
from jobshift.services.workspace import Workspace
from jobshift.store.admin import sessions
from jobshift.utils.timeutil import utcnow


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def start_session(ws: Workspace, user_id: int, now: datetime | None = None) -> str:
    """A new session of ``user_id``; returns its id (only for the signed cookie)."""
    now = now or utcnow()
    sid = secrets.token_urlsafe(32)
    with ws.store.begin() as conn:
        sessions.start(
            conn,
            _digest(sid),
            user_id,
            now,
            expires_at=now + timedelta(hours=ws.config.web.session_hours),
            purge_before=now - timedelta(days=1),
        )
    return sid


def session_user(ws: Workspace, user_id: int, session_id: str, now: datetime | None = None) -> AppUser | None:
    """The active user of a session that has neither ended nor expired, else ``None``."""
    now = now or utcnow()
    with ws.store.connect() as conn:
        row = sessions.user_of(conn, _digest(session_id), user_id, now)
    return row_to_user(row) if row else None


def end_session(ws: Workspace, session_id: str) -> None:
    """End one session (sign-out)."""
    with ws.store.begin() as conn:
        sessions.end(conn, utcnow(), session_hash=_digest(session_id))


def end_user_sessions(conn: Connection, user_id: int) -> int:
    """End every open session of ``user_id`` (in the caller's transaction); returns how many."""
    return sessions.end(conn, utcnow(), user_id=user_id)
