"""Use case ``jobshift push``: plan actions into the outbox, then apply them through a CRM connector.

Apply loop, one batch at a time: claim due pending rows → connector writes (create leads, update
contacts) → one transaction marks the rows applied, updates the signals (``pushed`` / ``duplicate`` with
the lead id) and writes the audit log. A crash between the CRM write and the mark re-sends the batch on
the next run; connectors make that harmless (idempotency keys), so nothing is duplicated or lost.

- ``RetryableError`` (or a retryable per-row result): rows stay pending with ``next_attempt_at`` by the
  one retry policy (:mod:`jobshift.utils.retry`: ``[push] backoff_base_seconds`` doubling up to
  ``backoff_max_seconds``, or ``retry_after`` when the CRM gives one; no jitter, so a batch that failed
  together is retried together); after ``max_attempts`` a row is failed; the run stops as ``paused``.
- API usage at or above ``[push] api_usage_threshold``: the run stops as ``paused`` before writing.
- ``FatalError``: the run stops as ``failed`` with the message; the batch stays pending.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from jobshift.config import Config
from jobshift.connectors.crm.protocol import ContactUpdate, CrmConnector, LeadCreate, WriteResult
from jobshift.domain.crm_payload import ACTION_KINDS, crm_fields, crm_object, local_fields
from jobshift.domain.signal_types import CONTACT_ACTION_TYPES
from jobshift.errors import FatalError, PausedError, RetryableError
from jobshift.services.program.push_plan import PlanCounts, plan
from jobshift.services.program.routing import Router
from jobshift.services.workspace import Workspace
from jobshift.store import Store
from jobshift.store import outbox as ob
from jobshift.store import signals as signal_store
from jobshift.store.audit import audit_rows
from jobshift.store.crm.writeback import record_contact_changes, record_leads
from jobshift.store.run_lock import run_lock
from jobshift.store.runs import finish_run, start_run
from jobshift.utils.retry import RetryPolicy
from jobshift.utils.timeutil import utcnow

Clock = Callable[[], datetime]
MAX_LISTED = 20
"""Signal types whose action is a contact update alone (no lead): pushed once the update is applied."""


@dataclass
class ApplyCounts:
    """What one apply pass did."""

    batches: int = 0
    created: int = 0
    updated: int = 0
    linked: int = 0
    failed: int = 0
    retry_later: int = 0
    deferred: int = 0
    paused: str | None = None
    failures: list[dict[str, Any]] = field(default_factory=list)
    """The first ``MAX_LISTED`` rows that failed for good: kind, target, signal, the CRM's error."""


@dataclass
class PushSummary:
    """What ``push`` did (or, with ``dry_run``, would do)."""

    run_id: int | None
    dry_run: bool
    planned: PlanCounts
    applied: ApplyCounts
    pending: dict[str, dict[str, int]]
    intended: list[dict[str, Any]] = field(default_factory=list)
    requeued: int = 0
    """Failed rows put back to pending by ``--retry-failed``."""
    left_failed: int = 0
    """Failed rows ``--retry-failed`` left alone (their lead is planned again by a newer row)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return asdict(self)


def default_connector(ws: Workspace, clock: Clock = utcnow) -> CrmConnector:
    """The CRM this workspace writes to (``[push] crm``, looked up in the CRM registry).

    ``clock`` is the built-in store's "now" (the creation time of its leads); a remote CRM keeps its own.
    """
    from jobshift.services.program.crm_registry import workspace_crm

    return workspace_crm(ws).connect(ws, clock)


def _retry(
    cfg: Config, row: Mapping[str, Any], error: str, now: datetime, after: float | None
) -> dict[str, Any]:
    policy = RetryPolicy.from_settings(cfg.push, jitter=0.0)
    attempts = int(row["attempts"]) + 1
    if policy.gives_up(attempts):
        return {"id": row["id"], "status": "failed", "attempts": attempts, "last_error": error}
    return {
        "id": row["id"],
        "status": "pending",
        "attempts": attempts,
        "next_attempt_at": now + timedelta(seconds=policy.delay(attempts, after)),
        "last_error": error,
    }


def _json_safe(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in values.items()}


class _Batch:
    """The marks, signal updates and audit entries of one applied batch."""

    def __init__(self, actor: str, run_id: int | None, now: datetime) -> None:
        self.actor, self.run_id, self.now = actor, run_id, now
        self.marks: list[dict[str, Any]] = []
        self.sig: list[tuple[str, str, str | None]] = []  # (signal id, status, lead id)
        self.audit: list[dict[str, Any]] = []
        self.contact_signals: list[str] = []
        self.created: dict[str, str | None] = {}  # idempotency key -> record id, this batch
        self.local_leads: list[dict[str, Any]] = []  # write-through to the local copy
        self.local_contacts: list[tuple[str, dict[str, Any]]] = []

    def applied(
        self,
        row: Mapping[str, Any],
        record_id: str | None,
        sent: Mapping[str, Any],
        action: str,
        notes: Sequence[str] = (),
    ) -> None:
        self.marks.append(
            {
                "id": row["id"],
                "status": "applied",
                "attempts": int(row["attempts"]) + 1,
                "applied_at": self.now,
                "crm_record_id": record_id,
                "target_id": row["target_id"] or record_id,
                "next_attempt_at": None,
                "last_error": None,
            }
        )
        if row["kind"] == "create_lead":
            self.created[str(row["idempotency_key"])] = record_id
        obj = crm_object(str(row["kind"])) if action != "link" else None
        obj = obj or "signals"
        after = {**_json_safe(sent), "idempotency_key": row["idempotency_key"]}
        if notes:
            after["notes"] = list(notes)
        self.audit.append(
            {
                "at": self.now,
                "actor": self.actor,
                "action": action,
                "object": obj,
                "record_id": record_id if obj != "signals" else row["signal_id"],
                "before": None,
                "after": after,
                "run_id": self.run_id,
            }
        )

    def write(self, conn: Connection) -> None:
        ob.mark(conn, self.marks)
        if self.local_leads:
            record_leads(conn, self.local_leads, self.now)
        if self.local_contacts:
            record_contact_changes(conn, self.local_contacts)
        signal_store.record_outcomes(conn, self.sig)
        audit_rows(conn, self.audit)
        signal_store.mark_pushed(conn, self.contact_signals, CONTACT_ACTION_TYPES)  # the update is the action


def contact_fields(row: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """The CRM fields of a contact action (a departure is dated when it is applied)."""
    fields = crm_fields(str(row["kind"]), row["payload"])
    if row["kind"] == "update_contact":
        fields["no_longer_at_company_at"] = now
    return fields


def _send(
    connector: CrmConnector, creates: list[dict[str, Any]], updates: list[dict[str, Any]], now: datetime
) -> tuple[list[WriteResult], list[WriteResult], list[dict[str, Any]]]:
    upd_fields = [contact_fields(u, now) for u in updates]
    res_c = (
        connector.create_leads(
            [LeadCreate(r["idempotency_key"], crm_fields("create_lead", r["payload"])) for r in creates]
        )
        if creates
        else []
    )
    res_u = (
        connector.update_contacts(
            [
                ContactUpdate(r["idempotency_key"], r["target_id"], f)
                for r, f in zip(updates, upd_fields, strict=True)
            ]
        )
        if updates
        else []
    )
    return res_c, res_u, upd_fields


def apply_pending(
    store: Store,
    connector: CrmConnector,
    cfg: Config,
    *,
    is_backfill: bool = False,
    batch_id: int | None = None,
    run_id: int | None = None,
    actor: str = "push",
    clock: Clock = utcnow,
    max_batches: int | None = None,
    signal_ids: Sequence[str] | None = None,
) -> ApplyCounts:
    """Apply due pending outbox rows batch by batch (see the module docstring for failure handling);
    only those of ``signal_ids`` when given (a confirmed review pushed at once)."""
    counts = ApplyCounts()
    fields_checked: set[str] = set()
    deferred: set[int] = set()
    while max_batches is None or counts.batches < max_batches:
        try:
            usage = connector.api_usage()
        except RetryableError as exc:
            counts.paused = f"{connector.name}: {exc} (will retry)"
            break
        if usage is not None and usage.share >= cfg.push.api_usage_threshold:
            counts.paused = (
                f"API usage {usage.used:,}/{usage.limit:,} ({usage.share:.0%}) is at or above the "
                f"{cfg.push.api_usage_threshold:.0%} threshold; run again later to resume"
            )
            break
        now = clock()
        with store.connect() as conn:
            rows = ob.claim(
                conn,
                is_backfill=is_backfill,
                now=now,
                limit=cfg.push.batch_size + len(deferred),
                batch_id=batch_id,
                kinds=ACTION_KINDS,  # enrolments and draft notes have their own apply loop
                signal_ids=signal_ids,
            )
        rows = [r for r in rows if r["id"] not in deferred][: cfg.push.batch_size]
        if not rows:
            break
        counts.batches += 1
        creates = [r for r in rows if r["kind"] == "create_lead"]
        updates = [r for r in rows if r["kind"] in ("update_contact", "update_title")]
        links = [r for r in rows if r["kind"] == "link_existing"]
        batch = _Batch(actor, run_id, now)
        try:
            for obj, group in (("leads", creates), ("contacts", updates)):
                if group and obj not in fields_checked:
                    names = {k for r in group for k in crm_fields(str(r["kind"]), r["payload"])}
                    if obj == "contacts" and any(r["kind"] == "update_contact" for r in group):
                        names.add("no_longer_at_company_at")
                    connector.check_fields(obj, sorted(names))  # type: ignore[arg-type]
                    fields_checked.add(obj)
            res_c, res_u, upd_fields = _send(connector, creates, updates, now)
        except RetryableError as exc:
            marks = [_retry(cfg, r, str(exc), now, exc.retry_after) for r in creates + updates]
            with store.begin() as conn:
                ob.mark(conn, marks)
            gave_up = sum(m["status"] == "failed" for m in marks)
            counts.failed += gave_up
            counts.retry_later += len(marks) - gave_up
            counts.paused = f"{connector.name}: {exc} (will retry)"
            break
        except FatalError as exc:
            with store.begin() as conn:
                ob.mark(
                    conn,
                    [
                        {
                            **{k: r[k] for k in ("id", "status", "attempts", "next_attempt_at")},
                            "last_error": str(exc),
                        }
                        for r in creates + updates
                    ],
                )
            raise
        for r, res in zip(creates, res_c, strict=True):
            _record(cfg, batch, counts, r, res, r["payload"], now, "create")
        for r, res, f in zip(updates, res_u, upd_fields, strict=True):
            _record(cfg, batch, counts, r, res, f, now, "update")
        with store.begin() as conn:
            _links(conn, batch, counts, links, deferred)
            batch.write(conn)
    return counts


def _record(
    cfg: Config,
    batch: _Batch,
    counts: ApplyCounts,
    row: Mapping[str, Any],
    res: WriteResult,
    sent: Mapping[str, Any],
    now: datetime,
    action: str,
) -> None:
    if res.ok and res.duplicate_of:
        # the CRM already has this person (its duplicate rule said so): link, as planning would have
        linked = {"linked_to": res.record_id, "object": res.duplicate_of, "matched_by": "crm duplicate rule"}
        batch.applied(row, res.record_id, linked, "link", res.notes)
        batch.sig.append((row["signal_id"], "duplicate", res.record_id))
        counts.linked += 1
        return
    if res.ok:
        related = {"related": dict(res.related)} if res.related else {}  # e.g. HubSpot's Lead object
        batch.applied(row, res.record_id, {**sent, **related}, action, res.notes)
        if row["kind"] == "create_lead":
            counts.created += 1
            batch.sig.append((row["signal_id"], "pushed", res.record_id))
            local = local_fields("create_lead", row["payload"])
            custom = {"custom": {"crm_records": related["related"]}} if related else {}
            batch.local_leads.append({**local, "id": res.record_id, **custom})
        else:
            counts.updated += 1
            batch.contact_signals.append(str(row["signal_id"]))
            batch.local_contacts.append((str(row["target_id"]), dict(sent)))
        return
    if res.retryable:
        mark = _retry(cfg, row, res.error or "retryable error", now, None)
    else:
        mark = {
            "id": row["id"],
            "status": "failed",
            "attempts": int(row["attempts"]) + 1,
            "last_error": res.error,
        }
    batch.marks.append(mark)
    if mark["status"] == "failed":
        counts.failed += 1
        if len(counts.failures) < MAX_LISTED:
            counts.failures.append(
                {
                    "kind": row["kind"],
                    "target": row["target_id"] or str(row["payload"].get("company") or ""),
                    "signal_id": row["signal_id"],
                    "idempotency_key": row["idempotency_key"],
                    "error": mark["last_error"],
                }
            )
    else:
        counts.retry_later += 1


def _links(
    conn: Connection,
    batch: _Batch,
    counts: ApplyCounts,
    links: Sequence[Mapping[str, Any]],
    deferred: set[int],
) -> None:
    """Link duplicates to the existing record (resolving leads planned in the outbox)."""
    refs = ob.record_by_key(
        conn, [str(r["payload"].get("ref_key")) for r in links if r["payload"].get("ref_key")]
    )
    for r in links:
        target = r["target_id"]
        ref = r["payload"].get("ref_key")
        if ref and not target and str(ref) in batch.created:
            target = batch.created[str(ref)]
        elif ref and not target:
            rec = refs.get(str(ref))
            if rec is None or rec["status"] in ("failed", "skipped"):
                batch.marks.append(
                    {
                        "id": r["id"],
                        "status": "skipped",
                        "attempts": int(r["attempts"]),
                        "last_error": f"the planned lead {ref} was not created",
                    }
                )
                continue
            if rec["status"] != "applied":
                deferred.add(int(r["id"]))
                counts.deferred += 1
                continue
            target = rec["crm_record_id"]
        batch.applied({**r, "target_id": target}, target, {"linked_to": target, **r["payload"]}, "link")
        batch.sig.append((r["signal_id"], "duplicate", target))
        counts.linked += 1


def push(
    ws: Workspace,
    *,
    dry_run: bool = False,
    connector: CrmConnector | None = None,
    clock: Clock = utcnow,
    intended_limit: int = 1000,
    retry_failed: bool = False,
) -> PushSummary:
    """``jobshift push``: plan new actions, then apply every due pending (non-backfill) outbox row.

    ``retry_failed`` first puts the failed CRM-write rows back to pending (:func:`outbox.requeue_failed`;
    enrolments and draft writes have their own ``--retry-failed``).
    """
    store, cfg = ws.store, ws.config
    crm = connector or default_connector(ws, clock)
    now = clock()
    requeued = left_failed = 0
    if dry_run:
        with store.engine.connect() as conn:
            trans = conn.begin()
            try:
                if retry_failed:
                    requeued, left_failed = ob.requeue_failed(conn, is_backfill=False, kinds=ACTION_KINDS)
                with Router(conn, cfg, now=now) as router:
                    planned = plan(conn, crm, cfg, is_backfill=False, now=now, route=router)
                intended = ob.pending_rows(conn, is_backfill=False, limit=intended_limit, kinds=ACTION_KINDS)
                pending = ob.count_by(conn, is_backfill=False)
            finally:
                trans.rollback()
        return PushSummary(
            None, True, planned, ApplyCounts(), pending, [_intent(r) for r in intended], requeued, left_failed
        )
    with run_lock(store, "push"):
        return _push(ws, crm, clock, now, retry_failed)


def _push(ws: Workspace, crm: CrmConnector, clock: Clock, now: datetime, retry_failed: bool) -> PushSummary:
    """``push`` without ``--dry-run``, under the workspace's push lock."""
    store, cfg = ws.store, ws.config
    requeued = left_failed = 0
    with store.begin() as conn:
        run_id = start_run(conn, "push", source=crm.name)
    planned = PlanCounts()
    try:
        with store.begin() as conn:
            if retry_failed:
                requeued, left_failed = ob.requeue_failed(conn, is_backfill=False, kinds=ACTION_KINDS)
            with Router(conn, cfg, now=now) as router:
                planned = plan(conn, crm, cfg, is_backfill=False, now=now, route=router)
        applied = apply_pending(store, crm, cfg, run_id=run_id, clock=clock)
    except PausedError as exc:  # planning held back (API usage near the limit): nothing planned, try later
        planned, requeued, left_failed = PlanCounts(), 0, 0  # the plan's transaction was rolled back
        applied = ApplyCounts(paused=f"{crm.name}: {exc} (planning paused; run again later)")
    except BaseException as exc:  # every run ends in the runs log with its reason, also when interrupted
        with store.begin() as conn:
            finish_run(conn, run_id, status="failed", counts=asdict(planned), error=str(exc) or repr(exc))
        raise
    with store.connect() as conn:
        pending = ob.count_by(conn, is_backfill=False)
    with store.begin() as conn:
        status = "paused" if applied.paused else "ok"
        finish_run(
            conn,
            run_id,
            status=status,
            counts={
                "planned": asdict(planned),
                **{k: v for k, v in asdict(applied).items() if k != "failures"},  # listed in the outbox
                "requeued": requeued,
            },
            error=applied.paused,
        )
    return PushSummary(run_id, False, planned, applied, pending, [], requeued, left_failed)


def _intent(row: Mapping[str, Any]) -> dict[str, Any]:
    """An outbox row as shown by ``push --dry-run``."""
    return {
        "kind": row["kind"],
        "signal_id": row["signal_id"],
        "target_id": row["target_id"],
        "idempotency_key": row["idempotency_key"],
        "fields": row["payload"],
    }
