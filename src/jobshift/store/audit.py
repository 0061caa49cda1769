"""The audit log: every change jobshift makes to CRM data or settings, with before and after."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, insert, select

from jobshift.store.schema import audit_log
from jobshift.utils.timeutil import utcnow


def audit(
    conn: Connection,
    *,
    actor: str,
    action: str,
    object: str,
    record_id: str | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    run_id: int | None = None,
) -> None:
    """Append one audit entry (in the caller's transaction, so it lands with the change)."""
    conn.execute(
        insert(audit_log).values(
            at=utcnow(),
            actor=actor,
            action=action,
            object=object,
            record_id=record_id,
            before=before,
            after=after,
            run_id=run_id,
        )
    )


def audit_rows(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Append many audit entries at once (each a full row: ``at``, ``actor``, ``action``, ``object``,
    ``record_id``, ``before``, ``after``, ``run_id``)."""
    if rows:
        conn.execute(insert(audit_log), [dict(r) for r in rows])


def list_audit(conn: Connection, *, object: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """Newest audit entries first."""
    q = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if object:
        q = q.where(audit_log.c.object == object)
    return [dict(r) for r in conn.execute(q).mappings()]
