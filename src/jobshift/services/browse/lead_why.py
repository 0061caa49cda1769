""" "Why should I call?" — what the lead page adds to a lead: the past relationship (won and open deals
with the person's role, the last activity), why it matters (the same sentence as the notification, from
the notification planner's own function), persona and ICP fit, the evidence's age, and the timeline of
the person's observations in the people feed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from jobshift.domain.normalize.persona import persona_matches
from jobshift.domain.scorecard.icp import failed_criteria
from jobshift.services.notify.notify_plan import _lead_item
from jobshift.services.specs import icp_criteria, persona_spec
from jobshift.services.workspace import Workspace
from jobshift.store.browse import relationship
from jobshift.store.lookups import rows_by_id
from jobshift.store.program import notify_items
from jobshift.store.schema import accounts
from jobshift.utils.timeutil import utcnow


def _day(value: Any) -> date | None:
    """A date from a datetime, a date or a (partial) ISO string; ``None`` when it is not one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "")
    for size, pad in ((10, ""), (7, "-01"), (4, "-01-01")):
        if len(text) == size:
            try:
                return date.fromisoformat(text + pad)
            except ValueError:
                return None
    return None


def age_days(value: Any, today: date | None = None) -> int | None:
    """Whole days from ``value`` (a date, datetime or ISO text, partial allowed) to ``today``."""
    day = _day(value)
    if day is None:
        return None
    return ((today or utcnow().date()) - day).days


def age_text(days: int | None) -> str:
    """``today``, ``1 day ago``, ``12 days ago``, ``3 months ago``, ``2 years ago`` ('' when unknown)."""
    if days is None:
        return ""
    if days <= 0:
        return "today"
    if days < 60:
        return f"{days} day{'' if days == 1 else 's'} ago"
    if days < 730:
        return f"{days // 30} months ago"
    return f"{days // 365} years ago"


def _icp_fit(ws: Workspace, acct: dict[str, Any] | None) -> dict[str, Any]:
    icp = icp_criteria(ws.config)
    if not icp.defined:
        return {"defined": False, "fits": None, "failed": [], "criteria": []}
    if acct is None:
        return {"defined": True, "fits": None, "failed": [], "criteria": list(icp.active_criteria)}
    failed = failed_criteria(
        icp, acct.get("industry"), acct.get("country"), acct.get("segment"), acct.get("employees")
    )
    return {"defined": True, "fits": not failed, "failed": failed, "criteria": list(icp.active_criteria)}


def why_to_call(ws: Workspace, lead: dict[str, Any]) -> dict[str, Any]:
    """The "why should I call?" block of a lead (as ``lead_detail`` returns it)."""
    cfg = ws.config
    sig = lead.get("signal") or {}
    current_id = lead.get("matched_account_id") or lead.get("converted_account_id")
    with ws.store.connect() as conn:
        accs = rows_by_id(conn, accounts, [current_id, lead.get("past_account_id")])
        opps = notify_items.open_opportunities(conn, [current_id] if current_id in accs else [])
        deals = relationship.past_deals(conn, lead.get("past_contact_id"))
        last = relationship.last_activity(conn, lead.get("past_contact_id"))
        fit_acct = relationship.account_fit(conn, current_id)
        history = relationship.observations(conn, sig.get("person_key"))
    acc = accs.get(str(current_id)) if current_id else None
    view, customer, renewal = _lead_item(  # the notification's sentence, past deal included
        lead, acc, opps.get(str(current_id), []), accs.get(str(lead.get("past_account_id"))), cfg, None, deals
    )
    spec = persona_spec(cfg)
    persona_defined = bool(spec.title_keywords or spec.title_regexes or spec.seniorities or spec.functions)
    persona = sig.get("persona_match")
    if persona is None and persona_defined:
        persona = persona_matches(lead.get("title"), spec)
    won = [d for d in deals if d.get("is_won")]
    return {
        "why_it_matters": view["why_it_matters"],
        "customer": customer,
        "renewal": renewal,
        "deals": deals,
        "won_amount": sum(float(d.get("amount") or 0) for d in won),
        "last_activity": last,
        "last_activity_age": age_text(age_days((last or {}).get("occurred_at"))),
        "persona": {"defined": persona_defined, "fits": persona},
        "icp": _icp_fit(ws, fit_acct),
        "observed_age": age_text(age_days(sig.get("observed_at"))),
        "detected_age": age_text(age_days(sig.get("detected_at"))),
        "started_age": age_text(age_days(lead.get("job_started_date") or sig.get("job_started_date"))),
        "observations": history,
    }
