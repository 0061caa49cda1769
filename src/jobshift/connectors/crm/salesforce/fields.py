"""Salesforce objects and fields ↔ jobshift's canonical CRM columns.

Default field maps come from the Salesforce header aliases of :mod:`jobshift.connectors.csv_import.columns`
(standard API names first, then the common custom ones such as ``LinkedIn_URL__c``), plus the fields
jobshift writes on leads and contacts. ``[salesforce.fields.<object>]`` in ``jobshift.toml`` overrides any
of them (``canonical = "Api_Name__c"``; ``""`` removes a mapping). Values are converted both ways:
Salesforce JSON/CSV text → typed store values (plus derived columns such as ``email_norm``), and
canonical values → Salesforce JSON.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from jobshift.connectors.crm.field_overrides import merge_overrides
from jobshift.connectors.crm.salesforce.values import fit_value
from jobshift.connectors.csv_import.columns import OBJECTS
from jobshift.connectors.csv_import.values import CONVERTERS, DERIVATIONS

SOBJECTS: dict[str, str] = {
    "accounts": "Account",
    "contacts": "Contact",
    "opportunities": "Opportunity",
    "opportunity_contact_roles": "OpportunityContactRole",
    "users": "User",
    "leads": "Lead",
    "activities": "Task",
}
MODSTAMP = "SystemModstamp"
_STANDARD = re.compile(r"[A-Z][A-Za-z0-9]*")
_CUSTOM = re.compile(r"[A-Za-z][A-Za-z0-9_]*__c")

# Fields jobshift writes that crm_columns does not alias (defaults; map them to your org's fields).
_WRITE_DEFAULTS: dict[str, dict[str, str]] = {
    "users": {"role": "UserRole.Name"},
    "contacts": {
        "no_longer_at_company_at": "No_Longer_at_Company_Date__c",
        "disqualified_reason": "Disqualified_Reason__c",
    },
    "leads": {
        "signal_id": "Jobshift_Signal_Id__c",
        "priority": "Jobshift_Priority__c",
        "priority_reason": "Jobshift_Priority_Reason__c",
        "company_country": "Jobshift_Company_Country__c",
        "company_state": "Jobshift_Company_State__c",
        "person_country": "Jobshift_Person_Country__c",
        "person_state": "Jobshift_Person_State__c",
        "is_target_company": "Jobshift_Is_Target_Company__c",
        "is_customer_company": "Jobshift_Is_Customer_Company__c",
        "job_started_date": "Jobshift_Job_Started_Date__c",
        "past_account_id": "Jobshift_Past_Account__c",
        "past_contact_id": "Jobshift_Past_Contact__c",
        "past_title": "Jobshift_Past_Title__c",
        "matched_account_id": "Jobshift_Matched_Account__c",
    },
}


def default_field_map(obj: str) -> dict[str, str]:
    """Canonical column → Salesforce field of ``obj`` before configuration."""
    spec = OBJECTS[obj]
    out: dict[str, str] = {}
    for pattern in (_STANDARD, _CUSTOM):  # standard API names win over custom aliases
        for header, canonical in spec.aliases.items():
            if canonical not in out and pattern.fullmatch(header):
                out[canonical] = header
    out.update(_WRITE_DEFAULTS.get(obj, {}))
    return out


# Lead columns jobshift sets that are not importable (see store.schema.leads): their value kinds.
_EXTRA_KINDS: dict[str, dict[str, str]] = {
    "leads": {
        **{c: "str" for c in _WRITE_DEFAULTS["leads"]},
        "is_target_company": "bool",
        "is_customer_company": "bool",
    },
}


def column_kinds(obj: str) -> dict[str, str]:
    """Canonical column → value kind (``str``/``bool``/``int``/``float``/``date``/``datetime``) of ``obj``."""
    out = {c.name: c.type for c in OBJECTS[obj].columns}
    for extra, kind in _EXTRA_KINDS.get(obj, {}).items():
        out.setdefault(extra, kind)
    return out


@dataclass(frozen=True)
class FieldMap:
    """The field mapping of one object: canonical → Salesforce, and which entries were configured."""

    object: str
    sobject: str
    to_sf: dict[str, str]
    configured: frozenset[str]

    @classmethod
    def build(cls, obj: str, overrides: Mapping[str, str] | None = None) -> FieldMap:
        """Defaults merged with ``overrides`` (from ``[salesforce.fields.<obj>]``)."""
        mapping, configured = merge_overrides(
            obj,
            default_field_map(obj),
            overrides,
            columns=column_kinds(obj),
            section="salesforce",
            name_pattern=r"[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)?",
            what="Salesforce API name",
        )
        return cls(obj, SOBJECTS[obj], mapping, configured)

    def kind(self, canonical: str) -> str:
        """Value kind of a canonical column (``str``/``bool``/``int``/``float``/``date``/``datetime``)."""
        return column_kinds(self.object)[canonical]

    def to_canonical(self, record: Mapping[str, Any], columns: Mapping[str, str]) -> dict[str, Any]:
        """A Salesforce record (query JSON) → canonical row of the given ``columns`` (canonical → field).

        Raises ``ValueError`` naming the column when a value cannot be converted.
        """
        row: dict[str, Any] = {}
        for canonical, sf_name in columns.items():
            value = _lookup(record, sf_name)
            row[canonical] = _convert(self.kind(canonical), value, canonical)
        derived_cols = OBJECTS[self.object].derived
        for derived, (source, fn) in DERIVATIONS.items():
            if derived in derived_cols and source in row:
                row[derived] = fn(row[source]) if row[source] is not None else None
        return row

    def to_salesforce(
        self, fields: Mapping[str, Any], describe: Mapping[str, Mapping[str, Any]] | None = None
    ) -> tuple[dict[str, Any], list[str], list[str]]:
        """Canonical values → Salesforce JSON values fitted to the org's fields (``describe``: field name
        → describe entry; see :mod:`.values`); also the canonical names with no mapping, and notes on
        what was changed to fit."""
        out: dict[str, Any] = {}
        unmapped: list[str] = []
        notes: list[str] = []
        for canonical, value in fields.items():
            sf_name = self.to_sf.get(canonical)
            if not sf_name or "." in sf_name:
                unmapped.append(canonical)
                continue
            if describe is None:
                out[sf_name] = sf_value(value)
                continue
            sent, note, keep = fit_value(canonical, value, describe.get(sf_name))
            if note:
                notes.append(note)
            if keep:
                out[sf_name] = sent
        return out, unmapped, notes


def _lookup(record: Mapping[str, Any], name: str) -> Any:
    if "." not in name:
        return record.get(name)
    value: Any = record
    for part in name.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _convert(kind: str, value: Any, column: str) -> Any:
    if value is None or value == "":
        return None
    if kind == "str":
        return str(value)
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind in ("int", "float") and isinstance(value, int | float) and not isinstance(value, bool):
        return int(value) if kind == "int" else float(value)
    try:
        return CONVERTERS[kind](str(value))
    except ValueError as exc:
        raise ValueError(f"{column}: {exc}") from None


def sf_value(value: Any) -> Any:
    """A canonical value as Salesforce JSON (datetimes as UTC ISO 8601, dates as ``YYYY-MM-DD``)."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    if isinstance(value, date):
        return value.isoformat()
    return value


def soql_datetime(value: datetime) -> str:
    """A naive-UTC datetime as a SOQL datetime literal."""
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def soql_string(value: str) -> str:
    """A quoted, escaped SOQL string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
