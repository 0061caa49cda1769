"""The funnel (tracked → detected → pushed → contacted → meeting → pipeline → won) and the runs ledger.

The funnel's stages and their SQL are in :mod:`jobshift.services.scorecard.funnel_report` (totals and the
monthly view come from the same grouped statements); this module keeps the web's entry points.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select

from jobshift.services.admin.auth import AppUser
from jobshift.services.scorecard.funnel_report import STAGES, FunnelReport, funnel_report
from jobshift.services.workspace import Workspace
from jobshift.store.quarantine import list_quarantined
from jobshift.store.runs import get_run
from jobshift.store.schema import outbox, quarantine, runs
from jobshift.utils.csv_safe import escape_formula

__all__ = [
    "STAGES",
    "FunnelReport",
    "funnel",
    "funnel_report",
    "iter_quarantine_csv",
    "run_detail",
    "runs_with_counts",
]


def funnel(ws: Workspace, viewer: AppUser) -> list[dict[str, Any]]:
    """One entry per stage: ``stage``, ``count`` and ``amount`` (money; ``None`` before pipeline)."""
    return funnel_report(ws, viewer, months=1).total


def runs_with_counts(ws: Workspace, *, kind: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
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
    with ws.store.connect() as conn:
        return [dict(r) for r in conn.execute(q).mappings()]


def failed_writes(ws: Workspace, *, limit: int = 100) -> list[dict[str, Any]]:
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
    with ws.store.connect() as conn:
        return [dict(r) for r in conn.execute(q).mappings()]


def run_detail(ws: Workspace, run_id: int) -> dict[str, Any] | None:
    """One run with its quarantine count, or ``None``."""
    with ws.store.connect() as conn:
        run = get_run(conn, run_id)
        if run is not None:
            run["quarantined"] = int(
                conn.execute(select(func.count()).where(quarantine.c.run_id == run_id)).scalar_one()
            )
    return run


QUARANTINE_COLUMNS = ("id", "run_id", "object", "source", "line", "column", "reason", "raw", "created_at")


def iter_quarantine_csv(ws: Workspace, run_id: int) -> Iterator[str]:
    """The quarantined rows of one run as CSV (header first)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(QUARANTINE_COLUMNS)
    with ws.store.connect() as conn:
        rows = list_quarantined(conn, run_id=run_id, whole=True)
    for i, r in enumerate(rows, 1):
        writer.writerow(["" if r[c] is None else escape_formula(str(r[c])) for c in QUARANTINE_COLUMNS])
        if i % 2000 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()
