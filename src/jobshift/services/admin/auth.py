"""App users of the web UI and REST API: roles, argon2 password hashes, API tokens, the session secret.

Roles: ``admin`` (everything, settings), ``manager`` (the team: CRM users whose ``manager_id`` is the
manager's CRM user) and ``rep`` (their own leads, their accounts' contacts). API tokens are random
strings shown once; only their SHA-256 is stored; they expire (``[web] token_expires_days``) and can be
revoked. The session-signing secret comes from ``JOBSHIFT_SECRET_KEY`` or is generated once into
``<workspace>/.jobshift-secret`` (mode 0600).

argon2 uses 64 MiB per hash: :func:`hash_slot` lets at most ``[web] max_concurrent_hashes`` (default 2)
hashes run at once in this process, so parallel sign-ins wait instead of growing memory without bound.
User administration (roles, deactivation, passwords, token listing and revocation) is in
``services/admin/user_admin.py``, sign-in throttling in ``services/admin/login_guard.py``.
"""

from __future__ import annotations

import functools
import hashlib
import os
import secrets
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from jobshift.errors import ConflictError, InvalidValueError, NotFoundError, UsageError
from jobshift.services.workspace import Workspace
from jobshift.store.admin import demo as demo_store
from jobshift.store.admin import users as users_store
from jobshift.utils.timeutil import utcnow

ROLES = ("admin", "manager", "rep")
SECRET_FILE = ".jobshift-secret"
TOKEN_PREFIX = "jst_"
DEFAULT_HASH_SLOTS = 2
_hasher = PasswordHasher()
_slots = threading.BoundedSemaphore(DEFAULT_HASH_SLOTS)
_slot_depth = threading.local()


def configure_hash_slots(n: int) -> None:
    """Let at most ``n`` password hashes run at once in this process (``[web] max_concurrent_hashes``)."""
    global _slots
    if n < 1:
        raise UsageError("max_concurrent_hashes must be at least 1")
    _slots = threading.BoundedSemaphore(n)


@contextmanager
def hash_slot() -> Iterator[None]:
    """Hold one of the process's password-hash slots (waits while all are taken); re-entrant per thread."""
    depth = getattr(_slot_depth, "n", 0)
    if depth:
        _slot_depth.n = depth + 1
        try:
            yield
        finally:
            _slot_depth.n -= 1
        return
    slots = _slots
    with slots:
        _slot_depth.n = 1
        try:
            yield
        finally:
            _slot_depth.n = 0


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against when the user does not exist (same time as a real check); made once."""
    return hash_password(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class AppUser:
    """A login of the web UI / API."""

    id: int
    username: str
    role: str
    crm_user_id: str | None
    active: bool = True

    @property
    def is_admin(self) -> bool:
        """Admins change settings and see everything."""
        return self.role == "admin"


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (in a hash slot)."""
    with hash_slot():
        return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (in a hash slot; never raises on a bad hash)."""
    try:
        with hash_slot():
            return bool(_hasher.verify(password_hash, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def row_to_user(m: Mapping[str, Any]) -> AppUser:
    """An :class:`AppUser` from an ``app_users`` row."""
    return AppUser(
        id=int(m["id"]),
        username=m["username"],
        role=m["role"],
        crm_user_id=m["crm_user_id"],
        active=bool(m["active"]),
    )


def check_role(role: str) -> None:
    """``InvalidValueError`` unless ``role`` is one of :data:`ROLES`."""
    if role not in ROLES:
        raise InvalidValueError(f"role must be one of {', '.join(ROLES)} (got {role!r})")


def check_password(password: str) -> None:
    """``InvalidValueError`` for a password shorter than 8 characters (or absurdly long)."""
    if len(password) < 8:
        raise InvalidValueError("password must have at least 8 characters")
    if len(password) > 1024:
        raise InvalidValueError("password must have at most 1024 characters")


def _validate(username: str, role: str, password: str) -> None:
    check_role(role)
    if not username or len(username) > 80 or any(c.isspace() for c in username):
        raise InvalidValueError("username must be 1-80 characters without spaces")
    check_password(password)


def add_user(
    ws: Workspace, username: str, role: str, password: str, crm_user_id: str | None = None
) -> AppUser:
    """Create an app user; a ``UsageError`` (conflict, invalid value, not found) if the name is taken, the
    role unknown or the CRM user missing."""
    _validate(username, role, password)
    with ws.store.begin() as conn:
        if users_store.by_name(conn, username):
            raise ConflictError(f"user {username!r} already exists")
        if crm_user_id and not users_store.crm_user_exists(conn, crm_user_id):
            raise NotFoundError(f"CRM user {crm_user_id!r} not found (import users first)")
        new_id = users_store.insert_user(
            conn,
            username=username,
            password_hash=hash_password(password),
            role=role,
            crm_user_id=crm_user_id or None,
            active=True,
            created_at=utcnow(),
        )
    return AppUser(int(new_id), username, role, crm_user_id or None)


def list_users(ws: Workspace) -> list[AppUser]:
    """Every app user, by name."""
    with ws.store.connect() as conn:
        return [row_to_user(r) for r in users_store.all_users(conn)]


def get_user(ws: Workspace, user_id: int) -> AppUser | None:
    """An active app user by id."""
    with ws.store.connect() as conn:
        row = users_store.by_id(conn, user_id, active_only=True)
    return row_to_user(row) if row else None


def authenticate(ws: Workspace, username: str, password: str) -> AppUser | None:
    """The active user with this name and password, else ``None`` (constant work for unknown names).

    Not throttled: sign-in forms go through ``login_guard.sign_in``."""
    if len(password) > 1024:  # never a valid password (check_password)
        verify_password(_dummy_hash(), password[:1024])
        return None
    with ws.store.connect() as conn:
        row = users_store.by_name(conn, username, active_only=True)
    if row is None:
        verify_password(_dummy_hash(), password)
        return None
    stored = row["password_hash"]
    if not verify_password(stored, password):
        return None
    if _hasher.check_needs_rehash(stored):
        with ws.store.begin() as conn:
            users_store.update_user(conn, row["id"], password_hash=hash_password(password))
    return row_to_user(row)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(ws: Workspace, username: str, expires_days: int | None = None, *, actor: str = "cli") -> str:
    """A new API token for ``username``; shown once, stored hashed, audited.

    It expires after ``expires_days`` (default ``[web] token_expires_days``; 0 = never)."""
    from jobshift.store.audit import audit

    days = ws.config.web.token_expires_days if expires_days is None else expires_days
    if days < 0 or days > 3650:
        raise InvalidValueError("--expires-days must be between 0 (never) and 3650")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    expires_at = now + timedelta(days=days) if days else None
    with ws.store.begin() as conn:
        user = users_store.by_name(conn, username, active_only=True)
        if user is None:
            raise NotFoundError(f"no active user {username!r}")
        token_id = users_store.insert_token(conn, _token_hash(token), user["id"], now, expires_at)
        audit(
            conn,
            actor=actor,
            action="create",
            object="api_token",
            record_id=str(token_id),
            after={"user": username, "expires_at": expires_at.isoformat() if expires_at else None},
        )
    return token


def user_for_token(ws: Workspace, token: str, now: datetime | None = None) -> AppUser | None:
    """The active user owning ``token`` unless it expired or was revoked (records when it was last used)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = _token_hash(token)
    now = now or utcnow()
    with ws.store.begin() as conn:
        row = users_store.user_of_token(conn, digest, now)
        if row is None:
            return None
        last = row["last_used_at"]
        if last is None or (now - last).total_seconds() >= 60:
            users_store.update_token(conn, row["token_id"], last_used_at=now)
    return row_to_user(row)


def session_secret(ws_path: Path) -> str:
    """The secret that signs session cookies: ``JOBSHIFT_SECRET_KEY`` or the workspace's secret file."""
    env = os.environ.get("JOBSHIFT_SECRET_KEY")
    if env:
        return env
    path = Path(ws_path) / SECRET_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        secret = path.read_text(encoding="utf-8").strip()
        if secret:
            return secret
        raise UsageError(f"{path} is empty: delete it to generate a new secret") from None
    os.fchmod(fd, 0o600)  # whatever the umask
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        secret = secrets.token_urlsafe(48)
        fh.write(secret + "\n")
    return secret


DEMO_LOGINS = (
    ("admin", "admin-demo", "admin"),
    ("manager", "manager-demo", "manager"),
    ("rep", "rep-demo", "rep"),
)


def _demo_crm_users(ws: Workspace) -> tuple[str | None, str | None]:
    """The BDR owning the most leads, and their manager (else any active Manager user)."""
    with ws.store.connect() as conn:
        bdr = demo_store.busiest_bdr(conn)
        rep_id = bdr["id"] if bdr else None
        mgr_id = None
        if bdr and bdr["manager_id"]:
            mgr_id = demo_store.manager(conn, bdr["manager_id"])
        if mgr_id is None:
            mgr_id = demo_store.manager(conn)
    return rep_id, mgr_id


def ensure_demo_logins(ws: Workspace) -> list[tuple[str, str, str]]:
    """Create the demo logins (admin, manager, rep) that do not exist yet; return (username, password, role).

    The rep acts as the BDR with the most leads, the manager as that BDR's manager (or any Manager).
    Logins that already exist are returned only while they still have their demo password.
    """
    rep_id, mgr_id = _demo_crm_users(ws)
    crm = {"admin": None, "manager": mgr_id, "rep": rep_id}
    out: list[tuple[str, str, str]] = []
    existing = {u.username for u in list_users(ws)}
    for username, password, role in DEMO_LOGINS:
        if username not in existing:
            add_user(ws, username, role, password, crm[role])
            out.append((username, password, role))
        elif authenticate(ws, username, password):
            out.append((username, password, role))
    return out
