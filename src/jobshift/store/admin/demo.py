"""What the demo reads and adds: the CRM users its logins act as, and simulated rep activity."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select

from jobshift.store.schema import activities, leads, users


def busiest_bdr(conn: Connection) -> dict[str, Any] | None:
    """``id`` and ``manager_id`` of the active BDR owning the most leads (ties: lowest id)."""
    q = (
        select(users.c.id, users.c.manager_id)
        .select_from(users.outerjoin(leads, leads.c.owner_id == users.c.id))
        .where(users.c.role == "BDR", users.c.active.isnot(False))
        .group_by(users.c.id, users.c.manager_id)
        .order_by(func.count(leads.c.id).desc(), users.c.id)
        .limit(1)
    )
    row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def manager(conn: Connection, user_id: str | None = None) -> str | None:
    """``user_id`` when it is a Manager; without it, the first active Manager by id."""
    if user_id is not None:
        q = select(users.c.id).where(users.c.id == user_id, users.c.role == "Manager")
    else:
        q = (
            select(users.c.id)
            .where(users.c.role == "Manager", users.c.active.isnot(False))
            .order_by(users.c.id)
            .limit(1)
        )
    return conn.execute(q).scalar()


def program_leads(
    conn: Connection, lead_sources: Sequence[str]
) -> list[tuple[str, str | None, datetime | None]]:
    """``id``, ``owner_id``, ``created_at`` of the leads jobshift made (a signal, or one of its sources)."""
    q = select(leads.c.id, leads.c.owner_id, leads.c.created_at).where(
        (leads.c.signal_id.is_not(None)) | leads.c.lead_source.in_(lead_sources)
    )
    return [(r.id, r.owner_id, r.created_at) for r in conn.execute(q)]


def touched_records(conn: Connection) -> set[str]:
    """Every ``who_id`` that has an activity."""
    return set(conn.execute(select(activities.c.who_id).distinct()).scalars())


def add_activities(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert activity rows."""
    if rows:
        conn.execute(insert(activities), list(rows))
