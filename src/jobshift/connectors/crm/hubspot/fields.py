"""HubSpot objects and properties ↔ jobshift's canonical CRM columns, and the properties jobshift adds.

Canonical objects come from HubSpot objects: accounts ← companies, contacts ← contacts (the ones jobshift
did not create), opportunities ← deals, opportunity_contact_roles ← deal→contact associations, users ←
owners, leads ← contacts jobshift created (they carry ``jobshift_key``). ``[hubspot.fields.<object>]``
overrides any default (``canonical = "property"``; ``""`` removes it). Values are converted both ways:
HubSpot's property strings → typed store values, canonical values → strings fitted to the property's
type (bool ``true``/``false``, date ``YYYY-MM-DD``, datetime ISO 8601 UTC, enumeration options checked).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from jobshift.connectors.crm.field_overrides import merge_overrides
from jobshift.connectors.crm.salesforce.fields import column_kinds
from jobshift.connectors.csv_import.columns import OBJECTS
from jobshift.connectors.csv_import.values import CONVERTERS, DERIVATIONS, to_datetime

OBJECT_TYPES: dict[str, str] = {
    "accounts": "companies",
    "contacts": "contacts",
    "opportunities": "deals",
    "leads": "contacts",
}
MODSTAMP: dict[str, str] = {
    "companies": "hs_lastmodifieddate",
    "contacts": "lastmodifieddate",
    "deals": "hs_lastmodifieddate",
    "users": "hs_lastmodifieddate",
    "calls": "hs_lastmodifieddate",
    "emails": "hs_lastmodifieddate",
    "meetings": "hs_lastmodifieddate",
    "tasks": "hs_lastmodifieddate",
}
ENGAGEMENTS: dict[str, tuple[str | None, str]] = {
    "calls": ("Call", "hs_call_title"),
    "emails": ("Email", "hs_email_subject"),
    "meetings": ("Meeting", "hs_meeting_title"),
    "tasks": (None, "hs_task_subject"),
}
"""Engagement object → (activity type, subject property); a task's type comes from ``hs_task_type``."""
TASK_TYPES = {"CALL": "Call", "EMAIL": "Email", "LINKED_IN": "LinkedIn", "TODO": "Other"}
KEY_PROPERTY = "jobshift_key"
NO_LONGER_PROPERTY = "jobshift_no_longer_at_company"
MAX_TEXT = 65_536

_DEFAULTS: dict[str, dict[str, str]] = {
    "accounts": {
        "name": "name", "website": "domain", "type": "type", "industry": "industry",
        "employees": "numberofemployees", "country": "country", "state": "state",
        "owner_id": "hubspot_owner_id", "parent_id": "hs_parent_company_id",
        "is_target": "hs_is_target_account", "created_at": "createdate",
    },
    "contacts": {
        "first_name": "firstname", "last_name": "lastname", "email": "email", "title": "jobtitle",
        "linkedin_url": "hs_linkedin_url", "phone": "phone", "country": "country", "state": "state",
        "owner_id": "hubspot_owner_id", "account_id": "associatedcompanyid",
        "no_longer_at_company": NO_LONGER_PROPERTY,
        "no_longer_at_company_at": "jobshift_no_longer_at_company_date",
        "status": "hs_lead_status", "disqualified_reason": "jobshift_disqualified_reason",
        "created_at": "createdate",
    },
    "opportunities": {
        "name": "dealname", "stage": "dealstage", "type": "dealtype", "amount": "amount",
        "close_date": "closedate", "created_at": "createdate", "owner_id": "hubspot_owner_id",
        "probability": "hs_deal_stage_probability",
    },
    "leads": {
        "first_name": "firstname", "last_name": "lastname", "email": "email", "company": "company",
        "title": "jobtitle", "linkedin_url": "hs_linkedin_url", "status": "hs_lead_status",
        "lead_source": "jobshift_lead_source", "owner_id": "hubspot_owner_id", "created_at": "createdate",
        "signal_id": "jobshift_signal_id", "priority": "jobshift_priority",
        "priority_reason": "jobshift_priority_reason", "company_country": "jobshift_company_country",
        "company_state": "jobshift_company_state", "person_country": "jobshift_person_country",
        "person_state": "jobshift_person_state", "is_target_company": "jobshift_is_target_company",
        "is_customer_company": "jobshift_is_customer_company",
        "job_started_date": "jobshift_job_started_date", "past_account_id": "jobshift_past_account_id",
        "past_contact_id": "jobshift_past_contact_id", "past_title": "jobshift_past_title",
        "matched_account_id": "jobshift_matched_account_id",
    },
}  # fmt: skip

# The properties `jobshift crm setup` creates on contacts (group [hubspot] property_group).
JOBSHIFT_PROPERTIES: dict[str, tuple[str, str, str]] = {
    KEY_PROPERTY: ("string", "text", "jobshift key"),
    NO_LONGER_PROPERTY: ("bool", "booleancheckbox", "No longer at company"),
    "jobshift_no_longer_at_company_date": ("datetime", "date", "No longer at company since"),
    "jobshift_disqualified_reason": ("string", "text", "Disqualified reason"),
    "jobshift_lead_source": ("string", "text", "jobshift lead source"),
    "jobshift_signal_id": ("string", "text", "jobshift signal id"),
    "jobshift_priority": ("string", "text", "jobshift priority"),
    "jobshift_priority_reason": ("string", "text", "jobshift priority reason"),
    "jobshift_company_country": ("string", "text", "Company country"),
    "jobshift_company_state": ("string", "text", "Company state"),
    "jobshift_person_country": ("string", "text", "Person country"),
    "jobshift_person_state": ("string", "text", "Person state"),
    "jobshift_is_target_company": ("bool", "booleancheckbox", "Target company"),
    "jobshift_is_customer_company": ("bool", "booleancheckbox", "Customer company"),
    "jobshift_job_started_date": ("date", "date", "Job started"),
    "jobshift_past_account_id": ("string", "text", "Was at company (id)"),
    "jobshift_past_contact_id": ("string", "text", "Was contact (id)"),
    "jobshift_past_title": ("string", "text", "Was title"),
    "jobshift_matched_account_id": ("string", "text", "Is now at company (id)"),
}


def property_definition(name: str, group: str) -> dict[str, Any]:
    """The ``POST /crm/v3/properties/contacts`` body of one jobshift property."""
    type_, field_type, label = JOBSHIFT_PROPERTIES[name]
    body: dict[str, Any] = {
        "name": name, "label": label, "type": type_, "fieldType": field_type, "groupName": group,
    }  # fmt: skip
    if type_ == "bool":
        body["type"] = "enumeration"
        body["options"] = [
            {"label": "Yes", "value": "true", "displayOrder": 0},
            {"label": "No", "value": "false", "displayOrder": 1},
        ]
    if name == KEY_PROPERTY:
        body["hasUniqueValue"] = True
    return body


@dataclass(frozen=True)
class PropertyMap:
    """The property mapping of one canonical object: canonical → property, and the configured ones."""

    object: str
    object_type: str
    to_hs: dict[str, str]
    configured: frozenset[str]

    @classmethod
    def build(cls, obj: str, overrides: Mapping[str, str] | None = None) -> PropertyMap:
        """Defaults merged with ``[hubspot.fields.<obj>]``."""
        mapping, configured = merge_overrides(
            obj,
            _DEFAULTS.get(obj, {}),
            overrides,
            columns=column_kinds(obj),
            section="hubspot",
            name_pattern=r"[a-z0-9_]+",
            what="HubSpot property name",
        )
        return cls(obj, OBJECT_TYPES.get(obj, obj), mapping, configured)

    def to_canonical(self, props: Mapping[str, Any], columns: Mapping[str, str]) -> dict[str, Any]:
        """HubSpot property strings → a canonical row (``ValueError`` naming the column if one is bad)."""
        kinds = column_kinds(self.object)
        row = {c: convert(kinds[c], props.get(p), c) for c, p in columns.items()}
        derived = OBJECTS[self.object].derived
        for name, (source, fn) in DERIVATIONS.items():
            if name in derived and source in row:
                row[name] = fn(row[source]) if row[source] is not None else None
        return row


def convert(kind: str, value: Any, column: str) -> Any:
    """One HubSpot property value (a string) → the canonical type ``kind``."""
    if value is None or value == "":
        return None
    if kind == "str":
        return str(value)
    if kind == "datetime" and str(value).isdigit():  # epoch milliseconds
        return datetime.utcfromtimestamp(int(value) / 1000)
    try:
        return CONVERTERS[kind](str(value))
    except ValueError as exc:
        raise ValueError(f"{column}: {exc}") from None


def fit(canonical: str, value: Any, prop: Mapping[str, Any] | None) -> tuple[str | None, str | None]:
    """A canonical value as the string HubSpot takes for property ``prop`` (its definition), and a note
    when it had to change to fit (a month-only date written as the 1st, long text shortened)."""
    if value is None:
        return "", None
    ptype = str((prop or {}).get("type") or "string")
    name = str((prop or {}).get("name") or canonical)
    if isinstance(value, bool):
        return ("true" if value else "false"), None
    if ptype in ("date", "datetime"):
        if isinstance(value, datetime):
            return (value.date().isoformat() if ptype == "date" else _iso(value)), None
        if isinstance(value, date):
            return value.isoformat(), None
        text = str(value).strip()
        if ptype == "date" and re.fullmatch(r"\d{4}-\d{2}", text):
            return f"{text}-01", f"{name}: month-only date {text!r} written as {text}-01"
        if ptype == "date" and re.fullmatch(r"\d{4}", text):
            return f"{text}-01-01", f"{name}: year-only date {text!r} written as {text}-01-01"
        if ptype == "datetime" and len(text) > 10:
            return _iso(to_datetime(text)), None
        return text[:10], None
    text = str(value)
    if len(text) > MAX_TEXT:
        return text[:MAX_TEXT], f"{name}: shortened from {len(text)} to {MAX_TEXT} characters"
    return text, None


def _iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def options(prop: Mapping[str, Any] | None) -> list[str] | None:
    """The allowed values of an enumeration property (``None`` for any other type)."""
    if not prop or prop.get("type") != "enumeration":
        return None
    return [str(o.get("value")) for o in prop.get("options") or [] if not o.get("hidden")]
