"""The runs ledger as the web shows it: runs with their quarantine counts, and failed CRM writes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from jobshift.store.runs import get_run
from jobshift.store.schema import outbox, quarantine, runs


def runs_with_counts(conn: Connection, *, kind: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """Newest runs first, each with how many rows it quarantined."""
    qcount = (
        select(quarantine.c.run_id, func.count().label("n"))
        .where(quarantine.c.run_id.isnot(None))
        .group_by(quarantine.c.run_id)
        .subquery()
    )
    q = (
        select(runs, func.coalesce(qcount.c.n, 0).label("quarantined"))
        .select_from(runs.outerjoin(qcount, qcount.c.run_id == runs.c.id))
        .order_by(runs.c.id.desc())
        .limit(limit)
    )
    if kind:
        q = q.where(runs.c.kind == kind)
    return [dict(r) for r in conn.execute(q).mappings()]


def failed_writes(conn: Connection, *, limit: int = 100) -> list[dict[str, Any]]:
    """Outbox rows that failed for good (newest first): what, for which signal, the CRM's error."""
    q = (
        select(
            outbox.c.id,
            outbox.c.kind,
            outbox.c.signal_id,
            outbox.c.target_id,
            outbox.c.attempts,
            outbox.c.last_error,
            outbox.c.created_at,
            outbox.c.is_backfill,
        )
        .where(outbox.c.status == "failed")
        .order_by(outbox.c.id.desc())
        .limit(limit)
    )
    return [dict(r) for r in conn.execute(q).mappings()]


def run_detail(conn: Connection, run_id: int) -> dict[str, Any] | None:
    """One run with its quarantine count, or ``None``."""
    run = get_run(conn, run_id)
    if run is not None:
        run["quarantined"] = int(
            conn.execute(select(func.count()).where(quarantine.c.run_id == run_id)).scalar_one()
        )
    return run
