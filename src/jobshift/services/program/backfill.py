"""Use case ``jobshift backfill``: push the historical backlog in batches, notifications suppressed.

Every pushable signal is planned into the outbox as a backlog row (``is_backfill``, ordered oldest-first
or by priority). Each invocation first finishes any batch a crash or a pause left behind, then pushes the
next batch of ``batch_size`` signals — one batch per period (``[backfill] period``: e.g. 9K a
week) unless ``all_batches``. Each batch is a run (kind ``backfill``, ``period_key``
``backfill:<period>``) whose id is the rows' ``batch_id``; its counts are the per-batch summary.
Leads created here carry ``is_backfill`` so that notifications skip them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from jobshift.connectors.crm.protocol import CrmConnector
from jobshift.errors import FatalError
from jobshift.services.program.push_plan import PlanCounts, plan
from jobshift.services.program.pushing import ApplyCounts, Clock, apply_pending, default_connector
from jobshift.services.program.routing import Router
from jobshift.services.workspace import Workspace
from jobshift.store import outbox as ob
from jobshift.store.run_lock import locked
from jobshift.store.runs import finish_run, period_recorded, start_run
from jobshift.utils.timeutil import utcnow


def period_key(period: str, now: datetime) -> str | None:
    """``backfill:2024-W38`` (weekly), ``backfill:2024-09-22`` (daily), ``backfill:2024-09`` (monthly)."""
    if period == "weekly":
        y, w, _ = now.isocalendar()
        return f"backfill:{y}-W{w:02d}"
    if period == "daily":
        return f"backfill:{now.date().isoformat()}"
    if period == "monthly":
        return f"backfill:{now:%Y-%m}"
    return None


@dataclass
class BackfillSummary:
    """The batches pushed by one ``backfill`` call and what is left."""

    planned: PlanCounts
    batches: list[dict[str, Any]] = field(default_factory=list)
    remaining_signals: int = 0
    waiting: str | None = None
    paused: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return asdict(self)


def _remaining(ws: Workspace) -> int:
    with ws.store.connect() as conn:
        return ob.backlog_signal_count(conn)


def _batch_summary(batch_id: int, signals: int, counts: ApplyCounts, resumed: bool) -> dict[str, Any]:
    return {"batch_id": batch_id, "signals": signals, "resumed": resumed, **asdict(counts)}


def _run_batch(
    ws: Workspace, crm: CrmConnector, batch_id: int, signals: int, resumed: bool, clock: Clock
) -> dict[str, Any]:
    try:
        counts = apply_pending(
            ws.store, crm, ws.config, is_backfill=True, batch_id=batch_id, run_id=batch_id, actor="backfill",
            clock=clock,
        )  # fmt: skip
    except FatalError as exc:
        with ws.store.begin() as conn:
            finish_run(conn, batch_id, status="failed", counts={"signals": signals}, error=str(exc))
        raise
    summary = _batch_summary(batch_id, signals, counts, resumed)
    with ws.store.begin() as conn:
        finish_run(
            conn, batch_id, status="paused" if counts.paused else "ok", counts=summary, error=counts.paused
        )
    return summary


@locked("push")
def backfill(
    ws: Workspace,
    *,
    batch_size: int | None = None,
    all_batches: bool = False,
    order: str | None = None,
    connector: CrmConnector | None = None,
    clock: Clock = utcnow,
) -> BackfillSummary:
    """Plan the backlog, resume unfinished batches, then push the next batch (or all with ``all_batches``)."""
    cfg = ws.config
    crm = connector or default_connector(ws, clock)
    size = batch_size or cfg.backfill.batch_size
    now = clock()
    with ws.store.begin() as conn, Router(conn, cfg, now=now) as router:
        planned = plan(
            conn, crm, cfg, is_backfill=True, now=now, order=order or cfg.backfill.order, route=router
        )
    out = BackfillSummary(planned)
    with ws.store.connect() as conn:
        unfinished = ob.pending_batch_ids(conn)
    for b in unfinished:
        out.batches.append(_run_batch(ws, crm, b, 0, True, clock))
        if out.batches[-1]["paused"]:
            out.paused = out.batches[-1]["paused"]
            out.remaining_signals = _remaining(ws)
            return out
    pk = None if all_batches else period_key(cfg.backfill.period, now)
    while True:
        if pk is not None:
            with ws.store.connect() as conn:
                done = period_recorded(conn, pk)
            if done:
                out.waiting = f"this period's batch is done ({pk}); the next one is due next period"
                break
        with ws.store.begin() as conn:
            ids = ob.next_backfill_signals(conn, size)
            if not ids:
                break
            batch_id = start_run(conn, "backfill", source=crm.name, period_key=pk)
            ob.assign_batch(conn, ids, batch_id)
        out.batches.append(_run_batch(ws, crm, batch_id, len(ids), False, clock))
        if out.batches[-1]["paused"]:
            out.paused = out.batches[-1]["paused"]
            break
        if pk is not None:
            break
    out.remaining_signals = _remaining(ws)
    if out.remaining_signals and pk is not None and out.waiting is None and not out.paused:
        out.waiting = f"{out.remaining_signals:,} signals left for the next {cfg.backfill.period} batches"
    return out
