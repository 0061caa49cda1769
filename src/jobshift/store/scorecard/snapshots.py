"""Stored monthly scorecards: one JSON payload per closed month, with a fingerprint of the data it was
computed from (:func:`month_fingerprint`); a snapshot whose data changed since is computed again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select

from jobshift.store.schema import (
    activities,
    contacts,
    leads,
    opportunities,
    opportunity_contact_roles,
    outbox,
    runs,
    signals,
)
from jobshift.store.schema import scorecard_snapshots as t


def get_snapshot(conn: Connection, month: str) -> dict[str, Any] | None:
    """The stored payload of ``month`` (``YYYY-MM``) or None."""
    row = conn.execute(select(t.c.payload).where(t.c.month == month)).first()
    return dict(row[0]) if row else None


def save_snapshot(conn: Connection, month: str, computed_at: datetime, payload: dict[str, Any]) -> None:
    """Store (or replace) the snapshot of ``month``; call inside a transaction."""
    conn.execute(delete(t).where(t.c.month == month))
    conn.execute(insert(t).values(month=month, computed_at=computed_at, payload=payload))


def snapshots_between(conn: Connection, first: str, last: str) -> dict[str, dict[str, Any]]:
    """Stored payloads of the months ``first``..``last`` (inclusive), by month."""
    rows = conn.execute(select(t.c.month, t.c.payload).where(t.c.month >= first, t.c.month <= last))
    return {m: dict(p) for m, p in rows}


def list_snapshot_months(conn: Connection) -> list[str]:
    """Every month with a stored snapshot, oldest first."""
    return [m for (m,) in conn.execute(select(t.c.month).order_by(t.c.month))]


def first_data_at(conn: Connection) -> datetime | None:
    """The earliest timestamp of the workspace's own data (runs, opportunities, leads, signals,
    activities), or ``None`` when it holds none: months before it have nothing to snapshot."""
    found = [
        conn.execute(select(func.min(col))).scalar()
        for col in (
            runs.c.started_at,
            opportunities.c.created_at,
            leads.c.created_at,
            signals.c.detected_at,
            activities.c.occurred_at,
        )
    ]
    stamps = [v for v in found if isinstance(v, datetime)]
    return min(stamps) if stamps else None


def month_fingerprint(conn: Connection, end: datetime) -> str:
    """What a month's scorecard was computed from, in a few aggregates: the rows dated before ``end``
    (leads, signals by status, activities, opportunities by outcome, applied outbox rows) and the contacts
    and contact roles. Equal fingerprints: the month's numbers cannot have moved."""
    parts: list[object] = []
    for col, extra in (
        (leads.c.created_at, leads.c.status),
        (signals.c.detected_at, signals.c.status),
        (activities.c.occurred_at, activities.c.type),
        (opportunities.c.created_at, opportunities.c.stage),
    ):
        q = select(extra, func.count(), func.max(col)).where(col < end).group_by(extra).order_by(extra)
        parts.append([(str(k), int(n), str(m)) for k, n, m in conn.execute(q)])
    parts.append(
        conn.execute(
            select(func.count(), func.max(outbox.c.applied_at)).where(
                outbox.c.status == "applied", outbox.c.applied_at < end
            )
        ).one()
    )
    parts.append(
        conn.execute(
            select(
                func.count(),
                func.count(contacts.c.account_id),
                func.count(contacts.c.no_longer_at_company_at),
            )
        ).one()
    )
    parts.append(conn.execute(select(func.count()).select_from(opportunity_contact_roles)).scalar())
    return repr([str(p) for p in parts])  # Row objects print as tuples
