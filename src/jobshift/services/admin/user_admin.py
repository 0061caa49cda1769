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

from sqlalchemy import Connection

from jobshift.errors import ConflictError, NotFoundError
from jobshift.services.admin import auth
from jobshift.services.admin.web_sessions import end_user_sessions
from jobshift.services.workspace import Workspace
from jobshift.store.admin import users as users_store
from jobshift.store.audit import audit
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
    row = users_store.by_name(conn, username)
    if row is None:
        raise NotFoundError(f"no user {username!r}")
    return row


def _reread(conn: Connection, user_id: int) -> auth.AppUser:
    row = users_store.by_id(conn, user_id)
    assert row is not None
    return auth.row_to_user(row)


def set_active(ws: Workspace, username: str, active: bool, *, actor: str = "cli") -> auth.AppUser:
    """Deactivate (ends their sessions; tokens stop working) or reactivate a user; audited."""
    with ws.store.begin() as conn:
        row = _user_row(conn, username)
        if bool(row["active"]) == active:
            return _reread(conn, row["id"])
        if not active and row["role"] == "admin" and not users_store.other_active_admins(conn, row["id"]):
            raise ConflictError(f"{username!r} is the last active admin: make another admin first")
        users_store.update_user(conn, row["id"], active=active)
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
        return _reread(conn, row["id"])


def set_role(ws: Workspace, username: str, role: str, *, actor: str = "cli") -> auth.AppUser:
    """Change a user's role (ends their sessions so the new role applies at once); audited."""
    auth.check_role(role)
    with ws.store.begin() as conn:
        row = _user_row(conn, username)
        if row["role"] != role:
            if (
                row["role"] == "admin"
                and row["active"]
                and not users_store.other_active_admins(conn, row["id"])
            ):
                raise ConflictError(f"{username!r} is the last active admin: make another admin first")
            users_store.update_user(conn, row["id"], role=role)
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
        return _reread(conn, row["id"])


def set_password(ws: Workspace, username: str, password: str, *, actor: str = "cli") -> None:
    """Set a new password (ends every session of the user); audited without any password material."""
    auth.check_password(password)
    new_hash = auth.hash_password(password)
    with ws.store.begin() as conn:
        row = _user_row(conn, username)
        users_store.update_user(conn, row["id"], password_hash=new_hash)
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
    with ws.store.connect() as conn:
        if username is not None:
            _user_row(conn, username)
        return [
            TokenInfo(
                id=int(m["id"]),
                username=m["username"],
                created_at=m["created_at"],
                last_used_at=m["last_used_at"],
                expires_at=m["expires_at"],
                revoked_at=m["revoked_at"],
            )
            for m in users_store.tokens(conn, username=username)
        ]


def revoke_token(ws: Workspace, token_id: int, *, actor: str = "cli") -> TokenInfo:
    """Revoke an API token by id (it stops working at once); audited. Revoking twice is a no-op."""
    with ws.store.begin() as conn:
        found = users_store.tokens(conn, token_id=token_id)
        if not found:
            raise NotFoundError(f"no API token {token_id}")
        m = found[0]
        revoked_at = m["revoked_at"]
        if revoked_at is None:
            revoked_at = utcnow()
            users_store.update_token(conn, token_id, revoked_at=revoked_at)
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


def add_user(
    ws: Workspace,
    username: str,
    role: str,
    password: str,
    crm_user_id: str | None = None,
    *,
    actor: str = "cli",
) -> auth.AppUser:
    """Create an app user (a taken name, unknown role or CRM user: ``UsageError``); audited."""
    user = auth.add_user(ws, username, role, password, crm_user_id or None)
    with ws.store.begin() as conn:
        audit(
            conn,
            actor=actor,
            action="create",
            object="app_user",
            record_id=username,
            after={"role": role, "crm_user_id": crm_user_id or None, "active": True},
        )
    return user
