"""The review queue: uncertain signals (a same-name profile whose history does not show the CRM company)
resolved by a manager or an admin.

Confirm: the pair (contact, profile) is the same person — its uncertain signals become ``new`` and are
planned into the outbox in the same transaction, exactly as ``jobshift push`` plans (dedupe, routing);
with the built-in store the lead is created at once, with a remote CRM the rows wait for the next push
unless ``push`` is asked (:mod:`jobshift.services.program.confirmed`). Re-confirming changes nothing.
Reject: they are not — the pair's signals become ``suppressed:review_rejected`` and detection keeps them
so (never raised again). Both are audited. Reps may not review (403); signals outside the viewer's scope
are 404.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from jobshift.connectors.crm.protocol import CrmConnector
from jobshift.errors import (
    ConfigError,
    ConflictError,
    ConnectorError,
    ForbiddenError,
    InvalidValueError,
    NotFoundError,
)
from jobshift.services.admin.auth import AppUser
from jobshift.services.program import confirmed
from jobshift.services.program.push_plan import PlanCounts
from jobshift.services.program.pushing import ApplyCounts, default_connector
from jobshift.services.workspace import Workspace
from jobshift.store import review as review_store
from jobshift.utils.timeutil import utcnow

REVIEW_ROLES = ("admin", "manager")


def _may_review(viewer: AppUser) -> None:
    if viewer.role not in REVIEW_ROLES:
        raise ForbiddenError("only managers and admins review uncertain signals")


def count(ws: Workspace, viewer: AppUser) -> int | None:
    """Uncertain signals waiting for the viewer (``None`` for a rep, who does not review)."""
    if viewer.role not in REVIEW_ROLES:
        return None
    with ws.store.connect() as conn:
        return review_store.count_uncertain(conn, viewer)


def queue(ws: Workspace, viewer: AppUser, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """The uncertain signals the viewer may review, the longest waiting first."""
    _may_review(viewer)
    with ws.store.connect() as conn:
        return review_store.queue(conn, viewer, limit=limit, offset=offset)


def _json_list(value: Any) -> list[Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return value if isinstance(value, list) else []


def _norm(text: Any) -> str:
    return " ".join(str(text or "").lower().split())


def proofs(
    contact: dict[str, Any] | None, account: dict[str, Any] | None, profile: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """What would prove the identity and whether the pair has it: shared LinkedIn, shared e-mail, the
    CRM company in the profile's history (each ``{"what", "ok", "detail"}``); the missing ones are why
    the match is uncertain."""
    contact, profile = contact or {}, profile or {}
    c_li, p_li = contact.get("linkedin_norm"), profile.get("linkedin_norm")
    if not c_li:
        li = {"what": "Same LinkedIn", "ok": False, "detail": "the CRM has no LinkedIn for the contact"}
    elif not p_li:
        li = {"what": "Same LinkedIn", "ok": False, "detail": "the profile has no LinkedIn"}
    else:
        li = {"what": "Same LinkedIn", "ok": c_li == p_li, "detail": f"{c_li} / {p_li}"}
    emails = [str(e) for e in _json_list(profile.get("emails_norm"))]
    c_em = contact.get("email_norm")
    if not c_em:
        em = {"what": "Same e-mail", "ok": False, "detail": "the CRM has no e-mail for the contact"}
    else:
        found = c_em in emails
        em = {
            "what": "Same e-mail",
            "ok": found,
            "detail": c_em + ("" if found else " is not among the profile's"),
        }
    names = {_norm((account or {}).get("name"))} - {""}
    domain = _norm((account or {}).get("domain"))
    jobs = [j for j in _json_list(profile.get("experience")) if isinstance(j, dict)]
    hit = [
        j
        for j in jobs
        if _norm(j.get("company_name")) in names or (domain and _norm(j.get("company_domain")) == domain)
    ]
    company = (account or {}).get("name") or "the CRM account"
    co = {
        "what": f"{company} in the profile's history",
        "ok": bool(hit),
        "detail": f"{len(jobs)} jobs in the history"
        + (f", {len(hit)} at {company}" if hit else f", none at {company}"),
    }
    return [li, em, co]


def review_page(ws: Workspace, viewer: AppUser, signal_id: str) -> dict[str, Any]:
    """The signal with its CRM record and the profile side by side, the proofs and what is missing."""
    _may_review(viewer)
    with ws.store.connect() as conn:
        found = review_store.pair(conn, viewer, signal_id)
    if found is None:
        raise NotFoundError(f"no signal {signal_id} that you can see")
    found["proofs"] = proofs(found["contact"], found["account"], found["profile"])
    found["missing"] = [p for p in found["proofs"] if not p["ok"]]
    found["history"] = [
        j for j in _json_list((found["profile"] or {}).get("experience")) if isinstance(j, dict)
    ]
    return found


@dataclass
class Decision:
    """What a review decision did."""

    changed: list[str]
    """The signal ids whose status changed (empty when re-confirming)."""
    planned: PlanCounts = field(default_factory=PlanCounts)
    """The outbox rows planned for the confirmed signals (as ``jobshift push`` plans them)."""
    applied: ApplyCounts | None = None
    """What applying them now did; ``None`` when they wait for the next push."""
    crm: str = "store"
    """The CRM written to (``[push] crm``)."""
    deferred: str | None = None
    """Why the confirmed signals were not planned now (the CRM unreachable or not set up): the next
    ``jobshift push`` plans them, as before."""

    @property
    def waiting(self) -> bool:
        """The planned rows wait in the outbox for the next ``jobshift push``."""
        return self.applied is None and bool(self.planned.signals)


def decide(
    ws: Workspace,
    viewer: AppUser,
    actor: str,
    signal_id: str,
    decision: str,
    reason: str = "",
    *,
    push: bool = False,
    connector: CrmConnector | None = None,
) -> Decision:
    """Confirm or reject the uncertain signal's pair (audited).

    A confirmation plans the pair's signals into the outbox in the same transaction (as push would) and
    applies them at once when the CRM is the built-in store or ``push`` is asked. Confirming a pair that
    is already confirmed changes nothing (its signals were planned once); any other decision on a signal
    that is not uncertain is a conflict.
    """
    _may_review(viewer)
    if decision not in review_store.DECISIONS:
        raise InvalidValueError(f"decision must be one of {', '.join(review_store.DECISIONS)}")
    reason = reason.replace("\x00", "").strip()[:500]
    crm, deferred = connector, None
    if crm is None and decision == "confirm":
        try:
            crm = default_connector(ws)
        except (ConnectorError, ConfigError) as exc:  # the decision stands; push plans it later
            deferred = f"{ws.config.push.crm}: {exc}"
    now = utcnow()
    with ws.store.begin() as conn:
        found = review_store.pair(conn, viewer, signal_id)
        if found is None:
            raise NotFoundError(f"no signal {signal_id} that you can see")
        sig = found["signal"]
        if sig["status"] != review_store.UNCERTAIN:
            if not (decision == "confirm" and review_store.last_decision(conn, sig) == "confirm"):
                raise ConflictError(
                    f"signal {signal_id} is {sig['status']}, not uncertain: nothing to review"
                )
            changed: list[str] = []  # re-confirmed: planned already (or planned now if it never was)
            ids = review_store.pair_signal_ids(conn, sig)
        else:
            if not sig["contact_id"] or not sig["person_key"]:
                raise ConflictError(f"signal {signal_id} has no contact or profile to decide on")
            changed = review_store.decide(conn, sig, decision, actor=actor, reason=reason, now=now)
            ids = changed
        if decision != "confirm" or crm is None:
            return Decision(changed, crm=ws.config.push.crm, deferred=deferred)
        try:  # planning writes only after the CRM lookups: a failed lookup leaves nothing half done
            planned = confirmed.plan_signals(conn, ws, crm, ids, now)
        except (ConnectorError, ConfigError) as exc:
            return Decision(changed, crm=crm.name, deferred=f"{crm.name}: {exc}")
    out = Decision(changed, planned, None, crm.name)
    if crm.name == "store" or push:
        out.applied = confirmed.apply_now(ws, crm, ids, actor)
    return out


CLI_REVIEWER = AppUser(id=0, username="cli", role="admin", crm_user_id=None)
"""Who reviews from the command line: the operator of the workspace, who sees every signal."""
