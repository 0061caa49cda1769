"""Quarantined input rows: file, line, column, reason and the raw text, per run."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, insert, select

from jobshift.store.schema import quarantine
from jobshift.utils.timeutil import utcnow

MAX_RAW = 4000


@dataclass(frozen=True)
class QuarantinedRow:
    """One bad input row."""

    source: str
    line: int | None
    column: str | None
    reason: str
    raw: str | None = None


def add_quarantined(
    conn: Connection, run_id: int | None, object: str | None, rows: Iterable[QuarantinedRow]
) -> int:
    """Store bad rows; returns how many."""
    now = utcnow()
    values = [
        {
            "run_id": run_id,
            "object": object,
            "source": r.source,
            "line": r.line,
            "column": r.column,
            "reason": r.reason,
            "raw": r.raw[:MAX_RAW] if r.raw else r.raw,
            "created_at": now,
        }
        for r in rows
    ]
    if values:
        conn.execute(insert(quarantine), values)
    return len(values)


def list_quarantined(
    conn: Connection, *, run_id: int | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Quarantined rows, oldest first (optionally of one run)."""
    q = select(quarantine).order_by(quarantine.c.id)
    if run_id is not None:
        q = q.where(quarantine.c.run_id == run_id)
    if limit:
        q = q.limit(limit)
    return [dict(r) for r in conn.execute(q).mappings()]


def count_quarantined(conn: Connection, run_id: int) -> int:
    """How many rows a run quarantined."""
    return int(conn.execute(select(func.count()).where(quarantine.c.run_id == run_id)).scalar_one())
