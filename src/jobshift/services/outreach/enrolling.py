"""Use case ``jobshift enrol``: plan each new lead's sequence enrolment into the outbox, then apply it.

Planning (``[[outreach.enrol]]`` rules, first match wins): one ``enrol_sequence`` row per lead, ever
(idempotency key ``enrol:<lead id>``), with the tool, the sequence, the sender (the lead owner's entry in
``[outreach.<tool>] senders``, else ``default_sender``) and the person (e-mail, name, title, company, and
the CRM record when the tool can use it). Leads a tool cannot take (no e-mail, no sender) are counted
and listed, not planned, so they are planned once the data is there. Applying goes through
:mod:`.outbox_apply`: the push's retries, backoff, pause, failure listing and audit entries.
``--dry-run`` plans in a transaction it rolls back and lists what would be enrolled.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from jobshift.config import Config, EnrolRule
from jobshift.connectors.outreach.protocol import Enrolment, SequenceConnector
from jobshift.domain.outreach.enrolment import EMAIL_TOOLS, EnrolRuleSpec, enrol_key, matching_rule
from jobshift.services.outreach.lead_evidence import load_evidence
from jobshift.services.outreach.outbox_apply import ApplyReport, apply_rows
from jobshift.services.outreach.tools import settings_of, tool_entry
from jobshift.services.workspace import Workspace
from jobshift.store import outbox as ob
from jobshift.store.outreach import jobshift_leads
from jobshift.store.run_lock import run_lock
from jobshift.store.runs import finish_run, start_run
from jobshift.utils.timeutil import utcnow

KIND = "enrol_sequence"
Clock = Callable[[], datetime]


@dataclass
class EnrolPlan:
    """What planning found."""

    considered: int = 0
    planned: int = 0
    already_planned: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)
    not_planned: dict[str, int] = field(default_factory=dict)


@dataclass
class EnrolSummary:
    """What ``enrol`` did (or, with ``dry_run``, would do)."""

    run_id: int | None
    dry_run: bool
    plan: EnrolPlan
    applied: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per tool: :class:`ApplyReport` as a dict."""
    pending: dict[str, int] = field(default_factory=dict)
    intended: list[dict[str, Any]] = field(default_factory=list)
    requeued: int = 0
    """Failed enrolments put back to pending by ``retry_failed``."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return asdict(self)


def rule_specs(cfg: Config) -> list[EnrolRuleSpec]:
    """The configured rules as pure specs, in order."""

    def one(r: EnrolRule) -> EnrolRuleSpec:
        return EnrolRuleSpec(
            r.name,
            r.tool,
            r.sequence,
            tuple(r.signal_types),
            r.persona_only,
            r.customers_only,
            r.max_age_days,
            r.enabled,
        )

    return [one(r) for r in cfg.outreach.enrol]


def _sender(ws: Workspace, tool: str, owner: str | None) -> dict[str, Any] | None:
    s = settings_of(ws, tool)
    sender = s.senders.get(str(owner)) if owner else None
    sender = sender or s.default_sender
    return {"id": sender.id, "email": sender.email} if sender else None


def plan(conn: Connection, ws: Workspace, now: datetime) -> EnrolPlan:
    """Write an ``enrol_sequence`` row for every lead a rule takes (in the caller's transaction)."""
    cfg = ws.config
    specs = [r for r in rule_specs(cfg) if r.enabled]
    report = EnrolPlan()
    if not specs:
        return report
    oldest = now - timedelta(days=max(r.max_age_days for r in specs))
    leads = [r for r in jobshift_leads(conn) if r.get("created_at") is None or r["created_at"] >= oldest]
    report.considered = len(leads)
    keys = {str(r["id"]): enrol_key(str(r["id"])) for r in leads}
    planned = ob.existing_keys(conn, list(keys.values()))
    todo = [r for r in leads if keys[str(r["id"])] not in planned]
    report.already_planned = len(leads) - len(todo)
    evidence = load_evidence(conn, todo, cfg.workspace.name)
    why: Counter[str] = Counter()
    by_rule: Counter[str] = Counter()
    rows = []
    crm = cfg.push.crm
    for lead in todo:
        ev, sig = evidence[str(lead["id"])]
        view = {
            **lead,
            "signal_type": ev.signal_type,
            "persona_match": ev.persona_match,
            "past_was_customer": ev.past_was_customer,
        }
        rule = matching_rule(view, specs, now)
        if rule is None:
            continue
        sender = _sender(ws, rule.tool, lead.get("owner_id"))
        if rule.tool in EMAIL_TOOLS and not lead.get("email"):
            why[f"{rule.tool}: no e-mail address"] += 1
            continue
        if sender is None and rule.tool in ("outreach", "hubspot"):
            why[f"{rule.tool}: no sender for the owner ([outreach.{rule.tool}] senders)"] += 1
            continue
        person = {
            "email": lead.get("email"),
            "first_name": ev.first_name,
            "last_name": ev.last_name,
            "title": ev.new_title,
            "company": ev.new_company,
            "crm": crm,
            "crm_record_id": str(lead["id"]) if crm != "store" else None,
        }
        payload = {
            "lead_id": str(lead["id"]),
            "tool": rule.tool,
            "rule": rule.name,
            "sequence": rule.sequence,
            "sender": sender,
            "person": person,
        }
        by_rule[rule.name] += 1
        rows.append(
            {
                "idempotency_key": keys[str(lead["id"])],
                "kind": KIND,
                "signal_id": (sig or {}).get("signal_id"),
                "target_id": str(lead["id"]),
                "dedupe_key": None,
                "sort_key": "",
                "payload": payload,
                "is_backfill": False,
            }
        )
    report.planned = ob.insert_rows(conn, rows, now)
    report.by_rule, report.not_planned = dict(by_rule), dict(why)
    return report


def _intent(row: Mapping[str, Any]) -> dict[str, Any]:
    p = row["payload"]
    shown = {k: p.get(k) for k in ("lead_id", "tool", "rule", "sequence")}
    return {"key": row["idempotency_key"], **shown, "email": p["person"].get("email")}


def _pending(conn: Connection) -> dict[str, int]:
    return ob.count_by(conn, is_backfill=False).get(KIND, {})


def enrol(
    ws: Workspace,
    *,
    dry_run: bool = False,
    connectors: Mapping[str, SequenceConnector] | None = None,
    clock: Clock = utcnow,
    retry_failed: bool = False,
) -> EnrolSummary:
    """``jobshift enrol``: plan, then apply every due enrolment per tool (``connectors`` for tests).

    ``retry_failed`` first puts failed enrolments (and only them: ``push --retry-failed`` leaves them
    alone) back to pending; the connectors find an enrolment that did happen, so none doubles.
    """
    store = ws.store
    now = clock()
    requeued = 0
    if dry_run:
        with store.engine.connect() as conn:
            trans = conn.begin()
            try:
                if retry_failed:
                    requeued = ob.requeue_failed(conn, is_backfill=False, kinds=[KIND])[0]
                planned = plan(conn, ws, now)
                rows = ob.pending_rows(conn, is_backfill=False, kinds=[KIND], limit=1000)
                intended = [_intent(r) for r in rows]
                pending = _pending(conn)
            finally:
                trans.rollback()
        return EnrolSummary(None, True, planned, {}, pending, intended, requeued)
    with run_lock(store, "enrol"):
        with store.begin() as conn:
            run_id = start_run(conn, "enrol")
        applied: dict[str, dict[str, Any]] = {}
        try:
            with store.begin() as conn:
                if retry_failed:
                    requeued = ob.requeue_failed(conn, is_backfill=False, kinds=[KIND])[0]
                planned = plan(conn, ws, now)
            with store.connect() as conn:
                tools = sorted(
                    {
                        str(r["payload"]["tool"])
                        for r in ob.pending_rows(conn, is_backfill=False, kinds=[KIND])
                    }
                )
            for tool in tools:
                applied[tool] = asdict(_apply_tool(ws, tool, run_id, clock, connectors))
        except BaseException as exc:
            with store.begin() as conn:
                finish_run(
                    conn, run_id, status="failed", counts={"applied": applied}, error=str(exc) or repr(exc)
                )
            raise
        paused = "; ".join(f"{t}: {a['paused']}" for t, a in applied.items() if a.get("paused")) or None
        with store.begin() as conn:
            pending = _pending(conn)
            finish_run(
                conn,
                run_id,
                status="paused" if paused else "ok",
                counts={
                    "planned": asdict(planned),
                    "requeued": requeued,
                    "applied": {
                        t: {k: v for k, v in a.items() if k != "failures"} for t, a in applied.items()
                    },
                },
                error=paused,
            )
    return EnrolSummary(run_id, False, planned, applied, pending, [], requeued)


def _apply_tool(
    ws: Workspace, tool: str, run_id: int, clock: Clock, connectors: Mapping[str, SequenceConnector] | None
) -> ApplyReport:
    own = connectors is None or tool not in connectors
    conn_ = tool_entry(tool).connect(ws) if own else connectors[tool]  # type: ignore[index]
    try:
        return apply_rows(
            ws.store,
            ws.config,
            KIND,
            lambda rows: conn_.enrol(
                [Enrolment.from_payload(r["idempotency_key"], r["payload"]) for r in rows]
            ),
            audit_object=lambda r: f"sequence:{r['payload']['tool']}",
            action="enrol",
            batch_size=ws.config.outreach.batch_size,
            run_id=run_id,
            clock=clock,
            select=lambda r: r["payload"].get("tool") == tool,
        )
    finally:
        if own:
            conn_.close()


def check(ws: Workspace, connectors: Mapping[str, SequenceConnector] | None = None) -> dict[str, list[str]]:
    """``enrol --check``: per tool of the rules, the problems with its connection and sequences."""
    out: dict[str, list[str]] = {}
    by_tool: dict[str, list[str]] = {}
    for r in ws.config.outreach.enrol:
        by_tool.setdefault(r.tool, []).append(r.sequence)
    for tool, seqs in by_tool.items():
        c = (connectors or {}).get(tool) or tool_entry(tool).connect(ws)
        try:
            out[tool] = c.check(sorted(set(seqs)))
        finally:
            if not connectors or tool not in connectors:
                c.close()
    return out
