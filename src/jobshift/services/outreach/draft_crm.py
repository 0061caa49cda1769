"""Use case: write each lead's first-touch draft to the CRM as a task or note (``[outreach] crm_write``).

Planning puts one ``draft_crm`` outbox row per lead, ever (idempotency key ``draft:<lead id>``), for the
jobshift leads created in the last ``crm_write_max_age_days`` that have a draft (``jobshift draft --all``
made it; an accepted LLM draft first) and are not dismissed; the row carries the text, so a retry
writes what was planned. Applying goes through :mod:`.outbox_apply` (the push's retries, backoff,
pause, failure listing and an audit entry per write: ``action = draft_write``, ``object =
draft:<crm>``) to the CRM's draft writer from the CRM registry: Salesforce Tasks, HubSpot notes /
tasks, or ``activities`` rows in the built-in store. Writers find their earlier writes, so a lost
answer never makes a second task.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from jobshift.connectors.crm.draft_writes import ALREADY, DraftWriter
from jobshift.connectors.crm.protocol import WriteResult
from jobshift.domain.outreach.crm_write import KIND, DraftWrite, build_write, draft_write_key
from jobshift.services.outreach.outbox_apply import apply_rows
from jobshift.services.workspace import Workspace
from jobshift.store import outbox as ob
from jobshift.store import outreach as ostore
from jobshift.store.run_lock import run_lock
from jobshift.store.runs import finish_run, start_run
from jobshift.utils.timeutil import utcnow

Clock = Callable[[], datetime]
MAX_LISTED = 50


@dataclass
class CrmWriteSummary:
    """What writing drafts to the CRM did (or, with ``dry_run``, would do)."""

    crm: str
    mode: str
    dry_run: bool
    run_id: int | None = None
    considered: int = 0
    planned: int = 0
    already_planned: int = 0
    no_draft: int = 0
    requeued: int = 0
    applied: dict[str, Any] = field(default_factory=dict)
    pending: dict[str, int] = field(default_factory=dict)
    intended: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return asdict(self)


class StoreDraftWriter:
    """The built-in store's writer: an ``activities`` row (type ``Task`` / ``Note``) on the lead."""

    name = "store"

    def __init__(self, ws: Workspace, clock: Clock = utcnow) -> None:
        self.ws, self.clock = ws, clock

    def close(self) -> None:
        """Nothing to release."""

    def write_drafts(self, writes: Sequence[DraftWrite]) -> list[WriteResult]:
        """Insert the activities that do not exist yet (one transaction)."""
        now = self.clock()
        rows: list[dict[str, Any]] = [
            {
                "id": ostore.draft_activity_id(w.lead_id),
                "who_id": w.target,
                "type": "Task" if w.mode == "task" else "Note",
                "occurred_at": now,
                "owner_id": w.owner_id,
                "subject": w.subject,
            }
            for w in writes
        ]
        with self.ws.store.begin() as conn:
            existed = ostore.write_draft_activities(conn, rows)
        return [
            WriteResult(
                w.idempotency_key, True, record_id=r["id"], notes=(ALREADY,) if existed[r["id"]] else ()
            )
            for w, r in zip(writes, rows, strict=True)
        ]


def _best(drafts: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The draft to write: the newest accepted LLM draft, else the newest template draft."""
    return next((d for d in drafts if d["source"] == "llm"), drafts[0] if drafts else None)


def _previews(conn: Any, ws: Workspace, rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The template drafts a ``draft --all`` run would make for leads not drafted yet (dry runs)."""
    from jobshift.services.outreach.drafting import Drafter
    from jobshift.services.outreach.lead_evidence import load_evidence

    if not rows:
        return {}
    drafter = Drafter(ws)
    evidence = load_evidence(conn, list(rows), ws.config.workspace.name)
    return {lid: drafter.current(conn, ev).to_dict() for lid, (ev, _sig) in evidence.items()}


def plan(conn: Any, ws: Workspace, now: datetime, *, preview: bool = False) -> CrmWriteSummary:
    """Put a ``draft_crm`` row in the outbox for every recent drafted lead (in the caller's
    transaction); returns the counts. ``preview`` (dry runs): leads not drafted yet count with the
    template draft the run would make first."""
    o = ws.config.outreach
    out = CrmWriteSummary(ws.config.push.crm, o.crm_write, dry_run=False)
    if o.crm_write == "none" or not o.drafts:
        return out
    oldest = now - timedelta(days=o.crm_write_max_age_days)
    leads = [
        r
        for r in ostore.jobshift_leads(conn)
        if (r.get("created_at") is None or r["created_at"] >= oldest)
        and str(r.get("status") or "").casefold() != "dismissed"
    ]
    out.considered = len(leads)
    keys = {str(r["id"]): draft_write_key(str(r["id"])) for r in leads}
    planned = ob.existing_keys(conn, list(keys.values()))
    todo = [r for r in leads if keys[str(r["id"])] not in planned]
    out.already_planned = len(leads) - len(todo)
    drafts = ostore.newest_for_leads(conn, [str(r["id"]) for r in todo])
    if preview:
        fresh = _previews(conn, ws, [r for r in todo if str(r["id"]) not in drafts])
        drafts.update({lid: [d] for lid, d in fresh.items()})
    rows = []
    for lead in todo:
        lid = str(lead["id"])
        best = _best(drafts.get(lid) or [])
        if best is None:
            out.no_draft += 1
            continue
        name = " ".join(str(x) for x in (lead.get("first_name"), lead.get("last_name")) if x)
        write = build_write(
            lid,
            o.crm_write,
            best,
            full_name=name,
            owner_id=lead.get("owner_id"),
            today=now.date(),
            record_id=lead.get("converted_contact_id"),
        )
        rows.append(
            {
                "idempotency_key": write.idempotency_key,
                "kind": KIND,
                "signal_id": lead.get("signal_id"),
                "target_id": lid,
                "dedupe_key": None,
                "sort_key": "",
                "payload": write.to_payload(),
                "is_backfill": False,
            }
        )
    out.planned = ob.insert_rows(conn, rows, now)
    return out


def _pending(conn: Any) -> dict[str, int]:
    return ob.count_by(conn, is_backfill=False).get(KIND, {})


def write_drafts(
    ws: Workspace,
    *,
    dry_run: bool = False,
    writer: DraftWriter | None = None,
    clock: Clock = utcnow,
    retry_failed: bool = False,
) -> CrmWriteSummary:
    """Plan, then write every due draft to the CRM (``writer`` for tests; default: the CRM registry's).

    ``retry_failed`` first puts failed draft writes (only them) back to pending.
    """
    from jobshift.services.program.crm_registry import workspace_crm

    store, now = ws.store, clock()
    requeued = 0
    if dry_run:
        with store.engine.connect() as conn:
            trans = conn.begin()
            try:
                if retry_failed:
                    requeued = ob.requeue_failed(conn, is_backfill=False, kinds=[KIND])[0]
                summary = plan(conn, ws, now, preview=True)
                rows = ob.pending_rows(conn, is_backfill=False, kinds=[KIND], limit=MAX_LISTED)
                summary.intended = [
                    {
                        "key": r["idempotency_key"],
                        **{k: r["payload"][k] for k in ("lead_id", "mode", "subject")},
                    }
                    for r in rows
                ]
                summary.pending = _pending(conn)
            finally:
                trans.rollback()
        summary.dry_run, summary.requeued = True, requeued
        return summary
    if ws.config.outreach.crm_write == "none":
        return CrmWriteSummary(ws.config.push.crm, "none", False)
    with run_lock(store, "draft_crm"):
        with store.begin() as conn:
            run_id = start_run(conn, "draft_crm", source=ws.config.push.crm)
        try:
            with store.begin() as conn:
                if retry_failed:
                    requeued = ob.requeue_failed(conn, is_backfill=False, kinds=[KIND])[0]
                summary = plan(conn, ws, now)
            own = writer is None
            entry = workspace_crm(ws)
            assert entry.draft_writer is not None, entry.name  # tests/test_crm_registry.py
            w = writer if writer is not None else entry.draft_writer(ws)
            try:
                rep = apply_rows(
                    store,
                    ws.config,
                    KIND,
                    lambda rows: w.write_drafts(
                        [DraftWrite.from_payload(r["idempotency_key"], r["payload"]) for r in rows]
                    ),
                    audit_object=lambda _r: f"draft:{summary.crm}",
                    action="draft_write",
                    actor="draft",
                    batch_size=ws.config.outreach.batch_size,
                    run_id=run_id,
                    clock=clock,
                )
            finally:
                if own:
                    w.close()
        except BaseException as exc:
            with store.begin() as conn:
                finish_run(conn, run_id, status="failed", counts={}, error=str(exc) or repr(exc))
            raise
        summary.run_id, summary.requeued, summary.applied = run_id, requeued, asdict(rep)
        with store.begin() as conn:
            summary.pending = _pending(conn)
            finish_run(
                conn,
                run_id,
                status="paused" if rep.paused else "ok",
                counts={
                    "planned": summary.planned,
                    "requeued": requeued,
                    **{k: v for k, v in asdict(rep).items() if k != "failures"},
                },
                error=rep.paused,
            )
    return summary
