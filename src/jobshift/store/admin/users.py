"""App users (``app_users``) and their API tokens (``api_tokens``): rows in, rows out.

Password hashing, roles and audit entries are the services' (``services/admin``); tokens are stored
only as their SHA-256.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, insert, select, update

from jobshift.store.schema import api_tokens, app_users, users


def by_name(conn: Connection, username: str, *, active_only: bool = False) -> dict[str, Any] | None:
    """The ``app_users`` row named ``username`` (only an active one with ``active_only``)."""
    return _one(conn, app_users.c.username == username, active_only)


def by_id(conn: Connection, user_id: int, *, active_only: bool = False) -> dict[str, Any] | None:
    """The ``app_users`` row ``user_id`` (only an active one with ``active_only``)."""
    return _one(conn, app_users.c.id == user_id, active_only)


def _one(conn: Connection, cond: ColumnElement[bool], active_only: bool) -> dict[str, Any] | None:
    q = select(app_users).where(cond)
    if active_only:
        q = q.where(app_users.c.active.is_(True))
    row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def all_users(conn: Connection) -> list[dict[str, Any]]:
    """Every ``app_users`` row, by name."""
    return [dict(r) for r in conn.execute(select(app_users).order_by(app_users.c.username)).mappings()]


def crm_user_exists(conn: Connection, crm_user_id: str) -> bool:
    """Whether the CRM ``users`` table has ``crm_user_id``."""
    return conn.execute(select(users.c.id).where(users.c.id == crm_user_id)).first() is not None


def insert_user(conn: Connection, **values: Any) -> int:
    """Insert an ``app_users`` row; returns its id."""
    return int(conn.execute(insert(app_users).values(**values).returning(app_users.c.id)).scalar_one())


def update_user(conn: Connection, user_id: int, **values: Any) -> None:
    """Set ``values`` on the ``app_users`` row ``user_id``."""
    conn.execute(update(app_users).where(app_users.c.id == user_id).values(**values))


def other_active_admins(conn: Connection, user_id: int) -> int:
    """How many active admins there are besides ``user_id``."""
    q = select(func.count()).where(
        app_users.c.role == "admin", app_users.c.active.is_(True), app_users.c.id != user_id
    )
    return int(conn.execute(q).scalar_one())


def insert_token(
    conn: Connection, token_hash: str, user_id: int, created_at: datetime, expires_at: datetime | None
) -> int:
    """Insert an API token (its hash); returns its id."""
    q = (
        insert(api_tokens)
        .values(token_hash=token_hash, user_id=user_id, created_at=created_at, expires_at=expires_at)
        .returning(api_tokens.c.id)
    )
    return int(conn.execute(q).scalar_one())


def user_of_token(conn: Connection, token_hash: str, now: datetime) -> dict[str, Any] | None:
    """The active user owning a live (neither revoked nor expired at ``now``) token, with the token's
    ``token_id`` and ``last_used_at``."""
    q = (
        select(app_users, api_tokens.c.id.label("token_id"), api_tokens.c.last_used_at)
        .join(api_tokens, api_tokens.c.user_id == app_users.c.id)
        .where(
            api_tokens.c.token_hash == token_hash,
            app_users.c.active.is_(True),
            api_tokens.c.revoked_at.is_(None),
            (api_tokens.c.expires_at.is_(None)) | (api_tokens.c.expires_at > now),
        )
    )
    row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def update_token(conn: Connection, token_id: int, **values: Any) -> None:
    """Set ``values`` (``last_used_at``, ``revoked_at``) on one token."""
    conn.execute(update(api_tokens).where(api_tokens.c.id == token_id).values(**values))


def tokens(
    conn: Connection, *, username: str | None = None, token_id: int | None = None
) -> list[dict[str, Any]]:
    """API tokens with their user's ``username``, newest first (of ``username`` / just ``token_id``)."""
    q = (
        select(api_tokens, app_users.c.username)
        .join(app_users, app_users.c.id == api_tokens.c.user_id)
        .order_by(api_tokens.c.id.desc())
    )
    if username is not None:
        q = q.where(app_users.c.username == username)
    if token_id is not None:
        q = q.where(api_tokens.c.id == token_id)
    return [dict(r) for r in conn.execute(q).mappings()]
