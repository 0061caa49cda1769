"""Sign-in throttling with lockout, and the record of every sign-in attempt (``login_attempts``).

``[web] login_max_failures`` failed sign-ins for one user name (default 5) — or
``login_ip_max_failures`` from one client IP (default 20) — within ``login_window_minutes`` (15) lock
that name (or IP) out for ``login_lockout_minutes`` (15). A successful sign-in clears the name's
count, not the IP's. While locked, no password is checked (no argon2 work) and the attempt is
recorded as ``locked``. The check, the password verification and the record run inside one
password-hash slot (``auth.hash_slot``), so parallel guesses cannot slip past the limit: at most
``max_concurrent_hashes`` attempts are in flight between a check and its record.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from jobshift.services.admin import auth
from jobshift.services.admin.auth import AppUser
from jobshift.services.workspace import Workspace
from jobshift.store.admin import login_attempts as attempts
from jobshift.utils.timeutil import utcnow

OK, FAILED, LOCKED = "ok", "failed", "locked"


@dataclass(frozen=True)
class SignIn:
    """The outcome of one sign-in attempt: the user, or why not."""

    user: AppUser | None
    locked_until: datetime | None = None

    @property
    def retry_after_seconds(self) -> int:
        """Seconds until the lockout ends (0 when not locked)."""
        if self.locked_until is None:
            return 0
        return max(1, math.ceil((self.locked_until - utcnow()).total_seconds()))


def _lock_end(
    stamps: list[datetime], max_failures: int, window: timedelta, lockout: timedelta, now: datetime
) -> datetime | None:
    """When the newest run of ``max_failures`` failures (at ``stamps``, oldest first) within ``window``
    stops locking (if after now)."""
    until: datetime | None = None
    for i in range(max_failures - 1, len(stamps)):
        if stamps[i] - stamps[i - max_failures + 1] <= window and stamps[i] + lockout > now:
            until = stamps[i] + lockout
    return until


def locked_until(ws: Workspace, username: str, ip: str, now: datetime | None = None) -> datetime | None:
    """The end of the lockout of ``username`` or ``ip``, or ``None`` when neither is locked out."""
    cfg = ws.config.web
    now = now or utcnow()
    window = timedelta(minutes=cfg.login_window_minutes)
    lockout = timedelta(minutes=cfg.login_lockout_minutes)
    name = username[:80]
    since = now - window - lockout
    with ws.store.connect() as conn:
        last_ok = attempts.last_time(conn, name, OK)
        by_name = attempts.failure_times(conn, since, username=name, after=last_ok, outcome=FAILED)
        by_ip = attempts.failure_times(conn, since, ip=ip[:64], outcome=FAILED)
    ends = [
        _lock_end(by_name, cfg.login_max_failures, window, lockout, now),
        _lock_end(by_ip, cfg.login_ip_max_failures, window, lockout, now),
    ]
    found = [e for e in ends if e is not None]
    return max(found) if found else None


def record_attempt(ws: Workspace, username: str, ip: str, outcome: str, now: datetime | None = None) -> None:
    """Append one sign-in attempt (``ok``, ``failed`` or ``locked``)."""
    with ws.store.begin() as conn:
        attempts.record(conn, now or utcnow(), username[:80], ip[:64], outcome)


def sign_in(ws: Workspace, username: str, password: str, ip: str) -> SignIn:
    """Check the lockout, then the password; record the attempt. Throttled and hash-bounded."""
    username = username.replace("\x00", "\ufffd")  # no user has a NUL; PostgreSQL text cannot hold one
    with auth.hash_slot():
        until = locked_until(ws, username, ip)
        if until is not None:
            record_attempt(ws, username, ip, LOCKED)
            return SignIn(None, until)
        user = auth.authenticate(ws, username, password)
        record_attempt(ws, username, ip, OK if user else FAILED)
    return SignIn(user)


def recent_attempts(ws: Workspace, limit: int = 50) -> list[dict[str, object]]:
    """The newest sign-in attempts (for the admin's Users page)."""
    with ws.store.connect() as conn:
        return list(attempts.recent(conn, limit))
