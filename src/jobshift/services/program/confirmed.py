"""A confirmed review becomes a lead at once: its signals are planned exactly as ``jobshift push`` plans
them (dedupe, routing, outbox rows, audit when applied) in the review decision's own transaction.

With the built-in store as the CRM the planned rows are applied right after the decision commits, so the
lead exists immediately (routed, and notified by ``jobshift notify`` like any other). With Salesforce or
HubSpot the rows wait in the outbox for the next ``jobshift push``, unless the reviewer asks to push now
(:func:`apply_now`). Planning is idempotent: a signal that has outbox rows is never planned again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection

from jobshift.connectors.crm.protocol import CrmConnector
from jobshift.errors import FatalError
from jobshift.services.program.push_plan import PlanCounts, plan
from jobshift.services.program.pushing import ApplyCounts, apply_pending
from jobshift.services.program.routing import Router
from jobshift.services.workspace import Workspace
from jobshift.store.run_lock import RunLockedError, run_lock


def plan_signals(
    conn: Connection, ws: Workspace, crm: CrmConnector, signal_ids: Sequence[str], now: datetime
) -> PlanCounts:
    """Plan the outbox rows of ``signal_ids`` (those pushable and not planned yet) in ``conn``'s
    transaction, exactly as push would (routing decisions flushed with them)."""
    if not signal_ids:
        return PlanCounts()
    with Router(conn, ws.config, now=now) as router:
        return plan(conn, crm, ws.config, is_backfill=False, now=now, route=router, only=set(signal_ids))


def apply_now(ws: Workspace, crm: CrmConnector, signal_ids: Sequence[str], actor: str) -> ApplyCounts | None:
    """Apply the pending outbox rows of ``signal_ids`` through ``crm`` now, under the workspace's push
    lock; ``None`` when a push is running (it applies them) or the CRM refused the batch for good (the rows
    stay pending with the error, for the next push)."""
    if not signal_ids:
        return ApplyCounts()
    try:
        with run_lock(ws.store, "push"):
            return apply_pending(ws.store, crm, ws.config, actor=actor, signal_ids=list(signal_ids))
    except (RunLockedError, FatalError):
        return None
