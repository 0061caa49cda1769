"""The funnel (tracked → detected → pushed → contacted → meeting → pipeline → won) and the runs ledger.

The funnel's stages and their SQL are in :mod:`jobshift.services.scorecard.funnel_report` (totals and the
monthly view come from the same grouped statements); this module keeps the web's entry points.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from jobshift.services.admin.auth import AppUser
from jobshift.services.scorecard.funnel_report import STAGES, FunnelReport, funnel_report
from jobshift.services.workspace import Workspace
from jobshift.store.browse import runs as runs_sql
from jobshift.store.quarantine import list_quarantined
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
    with ws.store.connect() as conn:
        return runs_sql.runs_with_counts(conn, kind=kind, limit=limit)


def failed_writes(ws: Workspace, *, limit: int = 100) -> list[dict[str, Any]]:
    """Outbox rows that failed for good (newest first): what, for which signal, the CRM's error."""
    with ws.store.connect() as conn:
        return runs_sql.failed_writes(conn, limit=limit)


def run_detail(ws: Workspace, run_id: int) -> dict[str, Any] | None:
    """One run with its quarantine count, or ``None``."""
    with ws.store.connect() as conn:
        return runs_sql.run_detail(conn, run_id)


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
