"""The one mapping from a planned outbox action to what a CRM receives.

An outbox row's payload holds everything jobshift knows about the action, including columns that only
the local copy keeps (normalized keys, the backfill flag, the routing reason). :func:`crm_fields` keeps
exactly the canonical fields a CRM connector may write for the action's kind; every connector (the
built-in store, Salesforce, HubSpot) receives that and nothing else, then maps the canonical names to
its own fields. :func:`local_fields` is what the local copy of the CRM gets after a successful write.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ACTION_KINDS = ("create_lead", "update_contact", "update_title", "link_existing")
"""Every kind of outbox row: a lead to create, a departed contact to mark, a contact's new title, a
duplicate linked to the record the CRM already has (no write)."""

LEAD_CRM_FIELDS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "email",
    "company",
    "title",
    "linkedin_url",
    "status",
    "lead_source",
    "owner_id",
    "priority",
    "priority_reason",
    "company_country",
    "company_state",
    "person_country",
    "person_state",
    "is_target_company",
    "is_customer_company",
    "job_started_date",
    "past_account_id",
    "past_contact_id",
    "past_title",
    "matched_account_id",
    "signal_id",
)
"""Canonical lead fields a CRM receives on a create (the signal's evidence plus jobshift's signal id)."""

CONTACT_DEPARTED_FIELDS: tuple[str, ...] = (
    "no_longer_at_company",
    "no_longer_at_company_at",
    "status",
    "disqualified_reason",
)
"""Canonical contact fields set when a tracked contact left the company."""

CONTACT_KEEP_FIRST_FIELDS: tuple[str, ...] = ("no_longer_at_company_at",)
"""Contact fields a repeated write never moves: the first No-Longer-At-Company date stays."""

CONTACT_TITLE_FIELDS: tuple[str, ...] = ("title",)
"""Canonical contact fields set when a tracked contact was promoted in place."""

LOCAL_ONLY_LEAD_FIELDS: tuple[str, ...] = ("email_norm", "linkedin_norm", "is_backfill", "routing_reason")
"""Lead columns only the local copy keeps; they never leave jobshift."""

_CRM_FIELDS: dict[str, tuple[str, ...]] = {
    "create_lead": LEAD_CRM_FIELDS,
    "update_contact": CONTACT_DEPARTED_FIELDS,
    "update_title": CONTACT_TITLE_FIELDS,
    "link_existing": (),
}
WRITTEN_FIELDS: dict[str, tuple[str, ...]] = {
    "leads": LEAD_CRM_FIELDS,
    "contacts": tuple(dict.fromkeys(CONTACT_DEPARTED_FIELDS + CONTACT_TITLE_FIELDS)),
}
"""Per CRM object, every canonical field jobshift may write (what ``crm check`` and the org metadata
must cover)."""


def crm_object(kind: str) -> str | None:
    """The CRM object an action kind writes (``None`` for a link, which writes nothing)."""
    if kind == "create_lead":
        return "leads"
    if kind in ("update_contact", "update_title"):
        return "contacts"
    if kind == "link_existing":
        return None
    raise ValueError(f"unknown action kind {kind!r}")


def crm_fields(kind: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """The canonical fields of ``payload`` that a CRM receives for an action of ``kind``.

    Raises ``ValueError`` for an unknown kind or a payload key that is neither a CRM field of that kind
    nor a local-only column: a new payload key must be placed on one side or the other on purpose.
    """
    if kind not in _CRM_FIELDS:
        raise ValueError(f"unknown action kind {kind!r}")
    allowed = _CRM_FIELDS[kind]
    unknown = [k for k in payload if k not in allowed and k not in LOCAL_ONLY_LEAD_FIELDS]
    if unknown and kind != "link_existing":
        raise ValueError(f"{kind}: payload field(s) {', '.join(sorted(unknown))} are neither CRM nor local")
    return {k: payload[k] for k in allowed if k in payload}


def local_fields(kind: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """What the local copy of the CRM records after the write succeeded (CRM fields + local-only ones)."""
    out = crm_fields(kind, payload)
    if kind == "create_lead":
        out.update({k: payload[k] for k in LOCAL_ONLY_LEAD_FIELDS if k in payload})
    return out
