"""Who gets the scorecard e-mails: CRM users by role."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, func, select

from jobshift.store.schema import users


def role_emails(conn: Connection, roles: Sequence[str]) -> list[str]:
    """Email addresses of active users whose role is one of ``roles`` (case-insensitive), by user id."""
    wanted = [r.strip().lower() for r in roles if r.strip()]
    if not wanted:
        return []
    q = (
        select(users.c.email)
        .where(func.lower(users.c.role).in_(wanted), users.c.active.isnot(False), users.c.email.isnot(None))
        .order_by(users.c.id)
    )
    return [str(e).strip() for e in conn.execute(q).scalars() if str(e).strip()]
