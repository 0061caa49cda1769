"""Applying outreach rows of the outbox (``enrol_sequence``) with the push's fault handling and audit.

The same loop as ``push`` (services/program/pushing.py), over other kinds: claim due pending rows of the
kind, hand them to a sender, then mark them and write the audit log in one transaction.
``RetryableError`` leaves the batch pending with backoff (the push's own ``_retry``: same
``[push]`` attempts and delays) and stops the run ``paused``; ``FatalError`` records the error on the
batch and stops the run; a row the tool refuses fails alone and is listed. A crash between the tool's
answer and the mark re-sends the batch; the connectors find existing enrolments, so nothing doubles.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from jobshift.config import Config
from jobshift.connectors.crm.protocol import WriteResult
from jobshift.errors import FatalError, RetryableError
from jobshift.services.program.pushing import MAX_LISTED
from jobshift.services.program.pushing import _retry as push_retry  # one retry rule (recut-errors)
from jobshift.store import Store
from jobshift.store import outbox as ob
from jobshift.store.audit import audit_rows
from jobshift.utils.timeutil import utcnow

Send = Callable[[Sequence[Mapping[str, Any]]], list[WriteResult]]


@dataclass
class ApplyReport:
    """What one apply pass did."""

    batches: int = 0
    applied: int = 0
    already: int = 0
    failed: int = 0
    retry_later: int = 0
    paused: str | None = None
    failures: list[dict[str, Any]] = field(default_factory=list)


def apply_rows(
    store: Store,
    cfg: Config,
    kind: str,
    send: Send,
    *,
    audit_object: Callable[[Mapping[str, Any]], str],
    action: str,
    batch_size: int,
    run_id: int | None = None,
    actor: str = "enrol",
    clock: Callable[[], datetime] = utcnow,
    select: Callable[[Mapping[str, Any]], bool] = lambda row: True,
) -> ApplyReport:
    """Apply due pending rows of ``kind`` (those ``select`` takes) through ``send``, batch by batch."""
    rep = ApplyReport()
    skip: set[int] = set()
    while True:
        now = clock()
        with store.connect() as conn:
            rows = ob.claim(conn, is_backfill=False, now=now, limit=batch_size + len(skip), kinds=[kind])
        rows = [r for r in rows if r["id"] not in skip and select(r)][:batch_size]
        if not rows:
            break
        rep.batches += 1
        try:
            results = send(rows)
        except RetryableError as exc:
            retry = [push_retry(cfg, r, str(exc), now, exc.retry_after) for r in rows]
            with store.begin() as conn:
                ob.mark(conn, retry)
            gave_up = sum(m["status"] == "failed" for m in retry)
            rep.failed += gave_up
            rep.retry_later += len(retry) - gave_up
            rep.paused = f"{exc} (will retry)"
            break
        except FatalError as exc:
            with store.begin() as conn:
                ob.mark(conn, [{"id": r["id"], "last_error": str(exc)} for r in rows])
            raise
        marks: list[dict[str, Any]] = []
        audit: list[dict[str, Any]] = []
        for row, res in zip(rows, results, strict=True):
            if res.ok:
                marks.append(
                    {
                        "id": row["id"],
                        "status": "applied",
                        "attempts": int(row["attempts"]) + 1,
                        "applied_at": now,
                        "crm_record_id": res.record_id,
                        "next_attempt_at": None,
                        "last_error": None,
                    }
                )
                rep.applied += 1
                rep.already += bool(res.notes)
                after = {**row["payload"], "idempotency_key": row["idempotency_key"]}
                if res.notes:
                    after["notes"] = list(res.notes)
                audit.append(
                    {
                        "at": now,
                        "actor": actor,
                        "action": action,
                        "object": audit_object(row),
                        "record_id": res.record_id,
                        "before": None,
                        "after": after,
                        "run_id": run_id,
                    }
                )
                continue
            if res.retryable:
                mark = push_retry(cfg, row, res.error or "retryable error", now, None)
            else:
                mark = {
                    "id": row["id"],
                    "status": "failed",
                    "attempts": int(row["attempts"]) + 1,
                    "last_error": res.error,
                }
            marks.append(mark)
            if mark["status"] == "failed":
                rep.failed += 1
                if len(rep.failures) < MAX_LISTED:
                    rep.failures.append(
                        {"idempotency_key": row["idempotency_key"], "error": mark["last_error"]}
                    )
            else:
                rep.retry_later += 1
                skip.add(int(row["id"]))
        with store.begin() as conn:
            ob.mark(conn, marks)
            if audit:
                audit_rows(conn, audit)
    return rep
