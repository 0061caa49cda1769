"""Actions for a detected signal (pure): the lead to create, the contact to mark, the dedupe decision.

- ``job_change`` → a lead at the new company (contact-tracking lead source, "Job change lead") and the
  old contact marked No Longer At Company / Disqualified.
- ``left_company`` → the old contact marked (no lead: there is no new company).
- ``new_hire`` / ``promotion`` → a lead at the (target) account (new-hires-and-promotions lead source);
  a ``promotion`` of a tracked CRM contact instead updates that contact's title when
  ``ActionSettings.promotion_updates_contact`` (the default): the person is already in the CRM.
- ``title_change`` → nothing.

What each type does is read from its entry in :mod:`jobshift.domain.signal_types`.

The values written (lead status, priority, priority reason per type, contact status, disqualified
reason) are the org's vocabulary, from configuration (``[program]``).

Never a second lead for the same person and company: the dedupe key is person + company, and the
idempotency key of a lead is derived from it. When a lead or contact for that person already exists at
that company, the signal is linked to it instead (``duplicate``). Ids are deterministic.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jobshift.domain.display import display_company, display_first_name, display_last_name, display_title
from jobshift.domain.display.lexicon import NAME_PARTICLES
from jobshift.domain.normalize.emails import email_domain, normalize_email
from jobshift.domain.normalize.linkedin import normalize_linkedin_person
from jobshift.domain.signal_types import (
    CONTACT_UPDATE_TYPES,
    LEAD_TYPES,
    PRIORITY_REASONS,
    PUSHABLE_TYPES,
    type_def,
)

__all__ = [
    "CONTACT_UPDATE_TYPES",
    "LEAD_TYPES",
    "PRIORITY_REASONS",
    "PUSHABLE_TYPES",
    "ActionSettings",
    "Existing",
    "LeadContext",
    "PlannedAction",
    "plan_for_signal",
]


@dataclass(frozen=True)
class ActionSettings:
    """Values written on leads and contacts (from ``[program]``; defaults in docs/program.md)."""

    contact_tracking_lead_source: str = "jobshift Contact Tracking"
    target_tracking_lead_source: str = "New Hires & Promotions"
    lead_status: str = "New"
    priority: str = "High"
    priority_reasons: Mapping[str, str] = field(default_factory=lambda: dict(PRIORITY_REASONS))
    disqualified_status: str = "Disqualified"
    disqualified_reason: str = "No Longer at Company"
    promotion_updates_contact: bool = True


@dataclass(frozen=True)
class LeadContext:
    """What the service looked up for one signal."""

    past_contact: Mapping[str, Any] | None = None
    matched_account: Mapping[str, Any] | None = None
    person_country: str | None = None
    person_state: str | None = None
    company_country: str | None = None
    company_state: str | None = None
    is_backfill: bool = False


@dataclass(frozen=True)
class Existing:
    """A record the person already has at the company: a CRM record, or a lead planned in the outbox."""

    object: str  # leads | contacts | outbox
    record_id: str | None
    matched_by: str
    ref_key: str | None = None  # idempotency key of the planned create_lead (object == "outbox")


@dataclass(frozen=True)
class PlannedAction:
    """One outbox row to write."""

    kind: str  # create_lead | update_contact | update_title | link_existing (domain.crm_payload)
    idempotency_key: str
    signal_id: str
    target_id: str | None
    payload: dict[str, Any] = field(default_factory=dict)
    dedupe_key: str | None = None


def _h(text: str, n: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:n]


def person_key(signal: Mapping[str, Any]) -> str:
    """Who: normalized LinkedIn, else e-mail, else the people-data key, else the contact id."""
    li = normalize_linkedin_person(signal.get("linkedin_url"))
    if li:
        return f"li:{li}"
    em = normalize_email(signal.get("email"))
    if em:
        return f"em:{em}"
    return str(signal.get("person_key") or f"c:{signal.get('contact_id')}")


def company_key(signal: Mapping[str, Any]) -> str | None:
    """Where: the matched account, else the company domain, else the lower-cased company name."""
    if signal.get("matched_account_id"):
        return f"a:{signal['matched_account_id']}"
    if signal.get("new_company_domain"):
        return f"d:{str(signal['new_company_domain']).lower()}"
    if signal.get("new_company"):
        return f"n:{' '.join(str(signal['new_company']).lower().split())}"
    return None


def dedupe_key(signal: Mapping[str, Any]) -> str | None:
    """Person + company: one lead at most per key (``None`` when there is no company)."""
    company = company_key(signal)
    return f"{person_key(signal)}|{company}" if company else None


def lead_idempotency_key(dkey: str) -> str:
    """The idempotency key of the lead for a dedupe key."""
    return f"create_lead:{_h(dkey, 32)}"


def lead_id_for(idempotency_key: str) -> str:
    """Deterministic id of a lead created by the built-in store: ``l-js-<hash>``."""
    return f"l-js-{_h(idempotency_key, 16)}"


def contact_update_key(contact_id: str) -> str:
    """One No-Longer-At-Company update per contact."""
    return f"update_contact:{contact_id}:no_longer_at_company"


def title_update_key(contact_id: str, signal_id: str) -> str:
    """One title update per contact and promotion signal."""
    return f"update_title:{contact_id}:{signal_id}"


def _split_name(full: str | None) -> tuple[str | None, str]:
    """First and last name of a full name; a surname particle starts the last name (``van der Berg``)."""
    parts = (full or "").split()
    if not parts:
        return None, "(unknown)"
    if len(parts) == 1:
        return None, parts[0]
    cut = next((i for i in range(1, len(parts) - 1) if parts[i].casefold() in NAME_PARTICLES), len(parts) - 1)
    return " ".join(parts[:cut]), " ".join(parts[cut:])


def default_route(lead: Mapping[str, Any], account: Mapping[str, Any] | None) -> tuple[str | None, str]:
    """Owner of a new lead: the matched account's BDR, else its owner. Routing work replaces this hook."""
    if account and account.get("bdr_id"):
        return str(account["bdr_id"]), f"BDR of matched account {account.get('id')}"
    if account and account.get("owner_id"):
        return str(account["owner_id"]), f"owner of matched account {account.get('id')} (no BDR)"
    return None, "no matched account: unassigned (round-robin not configured)"


def lead_fields(signal: Mapping[str, Any], ctx: LeadContext, settings: ActionSettings) -> dict[str, Any]:
    """The canonical lead columns for a lead-creating signal (owner not included; see ``default_route``)."""
    kind = str(signal["type"])
    past = ctx.past_contact or {}
    first, last = (past.get("first_name"), past.get("last_name")) if past.get("last_name") else (None, None)
    if not last:
        first, last = _split_name(signal.get("full_name"))
    # what people read in the CRM: the CRM's own spelling when known, else cased feed text (domain/display)
    first, last = display_first_name(first) or None, display_last_name(last) or last
    email = normalize_email(signal.get("email"))
    domain = signal.get("new_company_domain")
    if email and (not domain or email_domain(email) != str(domain).lower()):
        email = None  # never put an address of another company on the new lead
    acc = ctx.matched_account or {}
    spec = type_def(kind)
    source = (
        settings.contact_tracking_lead_source
        if spec.lead_source == "contact_tracking"
        else settings.target_tracking_lead_source
    )
    moved_on = spec.creates_lead and spec.contact_update == "mark_left"  # a lead for a contact who left
    return {
        "first_name": first,
        "last_name": last,
        "email": email,
        "email_norm": email,
        "company": display_company(signal.get("new_company"), account_name=acc.get("name")) or None,
        "title": display_title(signal.get("new_title")) or None,
        "linkedin_url": signal.get("linkedin_url"),
        "linkedin_norm": normalize_linkedin_person(signal.get("linkedin_url")),
        "status": settings.lead_status,
        "lead_source": source,
        "priority": settings.priority,
        "priority_reason": settings.priority_reasons.get(kind, PRIORITY_REASONS[kind]),
        "company_country": acc.get("country") or ctx.company_country,
        "company_state": acc.get("state") or ctx.company_state,
        "person_country": ctx.person_country or past.get("country"),
        "person_state": ctx.person_state or past.get("state"),
        "is_target_company": bool(signal.get("is_target_company")),
        "is_customer_company": bool(signal.get("is_customer_company")),
        "job_started_date": signal.get("job_started_date"),
        "past_account_id": signal.get("past_account_id") if moved_on else None,
        "past_contact_id": signal.get("contact_id") if moved_on else None,
        "past_title": display_title(signal.get("past_title")) or None,
        "matched_account_id": signal.get("matched_account_id"),
        "signal_id": signal["signal_id"],
        "is_backfill": ctx.is_backfill,
    }


def contact_update_fields(settings: ActionSettings) -> dict[str, Any]:
    """The old contact: No Longer At Company, Disqualified, reason (the date is set when applied)."""
    return {
        "no_longer_at_company": True,
        "status": settings.disqualified_status,
        "disqualified_reason": settings.disqualified_reason,
    }


def plan_for_signal(
    signal: Mapping[str, Any],
    existing: Existing | None,
    ctx: LeadContext,
    settings: ActionSettings,
    route: Any = default_route,
) -> list[PlannedAction]:
    """The outbox rows for one ``new`` signal (empty for types that need no action)."""
    kind = str(signal["type"])
    sid = str(signal["signal_id"])
    out: list[PlannedAction] = []
    spec = type_def(kind)
    if (
        spec.contact_update == "update_title"
        and settings.promotion_updates_contact
        and signal.get("contact_id")
    ):
        cid = str(signal["contact_id"])
        title = {"title": display_title(signal.get("new_title")) or None}
        return [PlannedAction("update_title", title_update_key(cid, sid), sid, cid, title)]
    if kind in LEAD_TYPES:
        dkey = dedupe_key(signal)
        if dkey is None:
            pass
        elif existing is not None:
            out.append(
                PlannedAction(
                    "link_existing",
                    f"link_existing:{sid}",
                    sid,
                    existing.record_id,
                    {
                        "object": existing.object,
                        "matched_by": existing.matched_by,
                        "ref_key": existing.ref_key,
                    },
                    dkey,
                )
            )
        else:
            fields = lead_fields(signal, ctx, settings)
            owner, reason = route(fields, ctx.matched_account)
            fields["owner_id"] = owner
            fields["routing_reason"] = reason
            key = lead_idempotency_key(dkey)
            out.append(PlannedAction("create_lead", key, sid, None, fields, dkey))
    if kind in CONTACT_UPDATE_TYPES and signal.get("contact_id"):
        cid = str(signal["contact_id"])
        out.append(
            PlannedAction(
                "update_contact", contact_update_key(cid), sid, cid, contact_update_fields(settings)
            )
        )
    return out
