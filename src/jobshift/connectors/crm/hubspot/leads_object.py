"""Leads written as HubSpot's Leads object (``[hubspot] lead_mode = "leads_object"``, Sales Hub).

HubSpot's rules (developers.hubspot.com, CRM API | Leads): a Lead (objectTypeId ``0-136``,
``/crm/v3/objects/leads``) must have a name (``hs_lead_name``) and must be associated with an existing
contact at creation (association type 578, "lead to primary contact"); it may also be associated with a
company (610). So a lead is written in two steps, both through batch creates of 100:

1. the contact, exactly as in ``contact`` mode (found or created: a re-sent create resolves to the record
   the first call made through the unique ``jobshift_key``; someone else's contact with the e-mail is a
   duplicate to link, as before — no Lead is added to it);
2. the Lead, associated with that contact (and the matched HubSpot company), in the configured pipeline /
   stage, with the lead type / label, the owner, and the same ``jobshift_key`` in the Leads object's own
   unique property: a re-sent batch conflicts (409) and is looked up by key, so one signal never makes two
   Leads. A refused batch is split until the refused Lead is alone; that intent fails (its contact stays and
   is found again when the intent is retried).

The result's ``record_id`` stays the contact (what the local copy, pulls and activities know); the Lead is
in ``related`` as ``("0-136", id)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from jobshift.connectors.crm.hubspot.fields import KEY_PROPERTY, LEAD_PROPERTIES, OBJECT_TYPE_IDS
from jobshift.connectors.crm.hubspot.writes import Outcome, write_batches
from jobshift.connectors.crm.protocol import LeadCreate, WriteResult
from jobshift.errors import FatalError

if TYPE_CHECKING:
    from jobshift.connectors.crm.hubspot.connector import HubSpotConnector

LEAD_OBJECT = "leads"
LEAD_TYPE_ID = OBJECT_TYPE_IDS["leads"]
LEAD_TO_PRIMARY_CONTACT = 578
LEAD_TO_COMPANY = 610


def _assoc(record_id: str, type_id: int) -> dict[str, Any]:
    kind = {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}
    return {"to": {"id": record_id}, "types": [kind]}


def lead_body(conn: HubSpotConnector, key: str, fields: Mapping[str, Any], contact_id: str) -> dict[str, Any]:
    """The batch-create input of the Lead of intent ``key`` for contact ``contact_id``."""
    s = conn.settings
    name = " ".join(str(fields.get(k) or "").strip() for k in ("first_name", "last_name")).strip()
    props: dict[str, Any] = {
        "hs_lead_name": name or str(fields.get("email") or contact_id),
        "hs_pipeline": s.lead_pipeline,
        "hs_pipeline_stage": s.lead_pipeline_stage,
        KEY_PROPERTY: key,
    }
    for prop, value in (("hs_lead_type", s.lead_type), ("hs_lead_label", s.lead_label),
                        ("hubspot_owner_id", fields.get("owner_id"))):  # fmt: skip
        if value:
            props[prop] = str(value)
    associations = [_assoc(contact_id, LEAD_TO_PRIMARY_CONTACT)]
    company = str(fields.get("matched_account_id") or "")
    if company.isdigit():  # a HubSpot company id (pulled accounts keep HubSpot's ids)
        associations.append(_assoc(company, LEAD_TO_COMPANY))
    return {"properties": props, "associations": associations}


def ensure_lead_properties(conn: HubSpotConnector) -> None:
    """Raise ``FatalError`` when the Leads object lacks jobshift's unique key property."""
    props = conn.properties(LEAD_OBJECT)
    missing = [n for n in LEAD_PROPERTIES if n not in props]
    if missing:
        raise FatalError(
            f"HubSpot leads has no property {', '.join(missing)}; run `jobshift crm setup` "
            '(it creates them on the Leads object) or set [hubspot] lead_mode = "contact"'
        )
    if not props[KEY_PROPERTY].get("hasUniqueValue"):
        raise FatalError("HubSpot leads.jobshift_key must have unique values (hasUniqueValue)")


def attach_leads(
    conn: HubSpotConnector, intents: Sequence[LeadCreate], contacts: Sequence[WriteResult]
) -> list[WriteResult]:
    """Create the Lead of every intent whose contact is in place (step 2 of the module docstring)."""
    ensure_lead_properties(conn)
    todo = [
        (i, r) for i, r in zip(intents, contacts, strict=True) if r.ok and r.record_id and not r.duplicate_of
    ]
    bodies = [lead_body(conn, i.idempotency_key, i.fields, str(r.record_id)) for i, r in todo]
    outcomes = write_batches(
        conn.client, "create", bodies, batch_size=conn.settings.batch_size,
        before_batch=conn._pause_reason, object_type=LEAD_OBJECT,
    )  # fmt: skip
    made = {i.idempotency_key: o for (i, _r), o in zip(todo, outcomes, strict=True)}
    return [_merge(r, made.get(i.idempotency_key)) for i, r in zip(intents, contacts, strict=True)]


def _merge(contact: WriteResult, lead: Outcome | None) -> WriteResult:
    if lead is None:  # the contact failed, or is someone else's (a duplicate to link): no Lead
        return contact
    if lead.ok and lead.record_id:
        return WriteResult(
            contact.idempotency_key, True, contact.record_id, notes=contact.notes,
            related=((LEAD_TYPE_ID, lead.record_id),),
        )  # fmt: skip
    error = f"HubSpot contact {contact.record_id} is in place, its Lead is not: {lead.error}"
    return WriteResult(contact.idempotency_key, False, None, error, lead.retryable, notes=contact.notes)


def check_leads_object(conn: HubSpotConnector) -> None:
    """``crm check`` in Leads-object mode: jobshift's key property, and the configured pipeline, stage,
    lead type and label are values the portal allows (``FatalError`` naming the first that is not)."""
    ensure_lead_properties(conn)
    s = conn.settings
    body = conn.client.call("pipelines leads", conn.client.pipelines.get_all, LEAD_OBJECT)
    pipelines = {str(p.get("id")): p for p in body.get("results") or []}
    if s.lead_pipeline not in pipelines:
        shown = ", ".join(repr(p) for p in pipelines) or "none"
        raise FatalError(
            f"HubSpot has no lead pipeline {s.lead_pipeline!r} ([hubspot] lead_pipeline); pipelines: {shown}"
        )
    stages = [str(st.get("id")) for st in pipelines[s.lead_pipeline].get("stages") or []]
    if s.lead_pipeline_stage not in stages:
        raise FatalError(
            f"HubSpot lead pipeline {s.lead_pipeline!r} has no stage {s.lead_pipeline_stage!r} "
            f"([hubspot] lead_pipeline_stage); stages: {', '.join(repr(x) for x in stages)}"
        )
    props = conn.properties(LEAD_OBJECT)
    for prop, value, key in (("hs_lead_type", s.lead_type, "lead_type"), ("hs_lead_label", s.lead_label,
                                                                          "lead_label")):  # fmt: skip
        definition = props.get(prop) or {}
        allowed = [str(o.get("value")) for o in definition.get("options") or []]
        if value and definition.get("type") == "enumeration" and value not in allowed:
            raise FatalError(
                f"HubSpot leads.{prop} does not allow {value!r} (configured as [hubspot] {key}); "
                f"allowed values: {', '.join(repr(a) for a in allowed) or 'none'}"
            )
