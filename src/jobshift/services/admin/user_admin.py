"""Administering app users: deactivate / reactivate, change role, reset password, list and revoke
API tokens. Every change writes an audit entry (object ``app_user`` or ``api_token``) in the same
transaction; deactivation, a password reset and a role change end the user's web sessions at once.

The last active admin can be neither deactivated nor demoted (someone must be able to sign in and
manage users). ``actor`` is ``cli`` or ``web:<admin name>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, update

from jobshift.errors import ConflictError, NotFoundError
from jobshift.services.admin import auth
from jobshift.services.admin.web_sessions import end_user_sessions
from jobshift.services.workspace import Workspace
from jobshift.store.audit import audit
from jobshift.store.schema import api_tokens, app_users
from jobshift.utils.timeutil import utcnow


@dataclass(frozen=True)
class TokenInfo:
    """An API token as listed (never the token itself)."""

    id: int
    username: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None

    def status(self, now: datetime | None = None) -> str:
        """``active``, ``expired`` or ``revoked``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= (now or utcnow()):
            return "expired"
        return "active"


def _user_row(conn: Connection, username: str) -> Any:
    row = conn.execute(select(app_users).where(app_users.c.username == username)).first()
    if row is None:
        raise NotFoundError(f"no user {username!r}")
    return row._mapping


def _other_active_admins(conn: Connection, user_id: int) -> int:
    return int(
        conn.execute(
            select(func.count()).where(
                app_users.c.role == "admin", app_users.c.active.is_(True), app_users.c.id != user_id
            )
        ).scalar_one()
    )


def set_active(ws: Workspace, username: str, active: bool, *, actor: str = "cli") -> auth.AppUser:
    """Deactivate (ends their sessions; tokens stop working) or reactivate a user; audited."""
    with ws.store.begin() as conn:
        row = _user_row(conn, username)
        if bool(row["active"]) == active:
            return auth.row_to_user(
                conn.execute(select(app_users).where(app_users.c.id == row["id"])).first()
            )
        if not active and row["role"] == "admin" and not _other_active_admins(conn, row["id"]):
            raise ConflictError(f"{username!r} is the last active admin: make another admin first")
        conn.execute(update(app_users).where(app_users.c.id == row["id"]).values(active=active))
        if not active:
            end_user_sessions(conn, row["id"])
        audit(
            conn,
            actor=actor,
            action="activate" if active else "deactivate",
            object="app_user",
            record_id=username,
            before={"active": bool(row["active"])},
            after={"active": active},
        )
        return auth.row_to_user(conn.execute(select(app_users).where(app_users.c.id == row["id"])).first())


def set_role(ws: Workspace, username: str, role: str, *, actor: str = "cli") -> auth.AppUser:
    """Change a user's role (ends their sessions so the new role applies at once); audited."""
    auth.check_role(role)
    with ws.store.begin() as conn:
        row = _user_row(conn, username)
        if row["role"] != role:
            if row["role"] == "admin" and row["active"] and not _other_active_admins(conn, row["id"]):
                raise ConflictError(f"{username!r} is the last active admin: make another admin first")
            conn.execute(update(app_users).where(app_users.c.id == row["id"]).values(role=role))
            end_user_sessions(conn, row["id"])
            audit(
                conn,
                actor=actor,
                action="role",
                object="app_user",
                record_id=username,
                before={"role": row["role"]},
                after={"role": role},
            )
        return auth.row_to_user(conn.execute(select(app_users).where(app_users.c.id == row["id"])).first())


def set_password(ws: Workspace, username: str, password: str, *, actor: str = "cli") -> None:
    """Set a new password (ends every session of the user); audited without any password material."""
    auth.check_password(password)
    new_hash = auth.hash_password(password)
    with ws.store.begin() as conn:
        row = _user_row(conn, username)
        conn.execute(update(app_users).where(app_users.c.id == row["id"]).values(password_hash=new_hash))
        ended = end_user_sessions(conn, row["id"])
        audit(
            conn,
            actor=actor,
            action="password",
            object="app_user",
            record_id=username,
            after={"sessions_ended": ended},
        )


def list_tokens(ws: Workspace, username: str | None = None) -> list[TokenInfo]:
    """API tokens (of ``username``, else of everyone), newest first."""
    q = (
        select(api_tokens, app_users.c.username)
        .join(app_users, app_users.c.id == api_tokens.c.user_id)
        .order_by(api_tokens.c.id.desc())
    )
    with ws.store.connect() as conn:
        if username is not None:
            _user_row(conn, username)
            q = q.where(app_users.c.username == username)
        return [
            TokenInfo(
                id=int(m["id"]),
                username=m["username"],
                created_at=m["created_at"],
                last_used_at=m["last_used_at"],
                expires_at=m["expires_at"],
                revoked_at=m["revoked_at"],
            )
            for m in conn.execute(q).mappings()
        ]


def revoke_token(ws: Workspace, token_id: int, *, actor: str = "cli") -> TokenInfo:
    """Revoke an API token by id (it stops working at once); audited. Revoking twice is a no-op."""
    with ws.store.begin() as conn:
        row = conn.execute(
            select(api_tokens, app_users.c.username)
            .join(app_users, app_users.c.id == api_tokens.c.user_id)
            .where(api_tokens.c.id == token_id)
        ).first()
        if row is None:
            raise NotFoundError(f"no API token {token_id}")
        m = row._mapping
        revoked_at = m["revoked_at"]
        if revoked_at is None:
            revoked_at = utcnow()
            conn.execute(update(api_tokens).where(api_tokens.c.id == token_id).values(revoked_at=revoked_at))
            audit(
                conn,
                actor=actor,
                action="revoke",
                object="api_token",
                record_id=str(token_id),
                after={"user": m["username"]},
            )
    return TokenInfo(
        int(m["id"]), m["username"], m["created_at"], m["last_used_at"], m["expires_at"], revoked_at
    )
