"""Object model of the fake Salesforce: describe metadata, records, external ids, typed values.

The model enforces what a real org enforces on writes (Salesforce REST API and Bulk API 2.0 docs):
- unknown fields (``INVALID_FIELD``) and read-only ones (``INVALID_FIELD_FOR_INSERT_UPDATE``);
- field types: booleans, numbers, ``date`` (``YYYY-MM-DD``), ``datetime`` (ISO 8601), ids of references
  (``MALFORMED_ID``); on REST a JSON value of the wrong type fails the whole request
  (``JSON_PARSER_ERROR``), in Bulk CSV the record (``INVALID_TYPE_ON_FIELD_IN_RECORD``);
- text lengths from describe (``STRING_TOO_LONG``);
- restricted picklists (``INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST``);
- required fields on create (``REQUIRED_FIELD_MISSING``: Lead ``LastName`` and ``Company``…);
- duplicate rules (``DUPLICATES_DETECTED`` with the matching record ids);
- 15- and 18-character ids of one record are the same record.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from jobshift.domain.normalize.sfid import to_18

# Standard fields of the objects jobshift reads and writes: API name -> describe type.
_COMMON = {"Id": "id", "OwnerId": "reference", "CreatedDate": "datetime", "SystemModstamp": "datetime"}
ACCOUNT_HISTORY_FIELDS: dict[str, str] = {
    "Id": "id",
    "AccountId": "reference",
    "Field": "picklist",
    "OldValue": "anyType",
    "NewValue": "anyType",
    "CreatedDate": "datetime",
}
"""``AccountHistory`` (queryable when the org tracks Account field history; read-only)."""
STANDARD_FIELDS: dict[str, dict[str, Any]] = {
    "Account": {
        **_COMMON,
        "Name": "string",
        "Website": "url",
        "Type": "picklist",
        "Industry": "picklist",
        "NumberOfEmployees": "int",
        "BillingCountry": "string",
        "BillingState": "string",
        "ParentId": "reference",
    },
    "Contact": {
        **_COMMON,
        "AccountId": "reference",
        "FirstName": "string",
        "LastName": "string",
        "Email": "email",
        "Title": "string",
        "Phone": "phone",
        "MailingCountry": "string",
        "MailingState": "string",
        "HasOptedOutOfEmail": "boolean",
    },
    "Opportunity": {
        **_COMMON,
        "AccountId": "reference",
        "Name": "string",
        "StageName": "picklist",
        "Type": "picklist",
        "IsClosed": "boolean",
        "IsWon": "boolean",
        "Probability": "percent",
        "Amount": "currency",
        "CloseDate": "date",
        "LeadSource": "picklist",
    },
    "OpportunityContactRole": {
        "Id": "id",
        "CreatedDate": "datetime",
        "SystemModstamp": "datetime",
        "OpportunityId": "reference",
        "ContactId": "reference",
        "Role": "picklist",
        "IsPrimary": "boolean",
    },
    "User": {
        "Id": "id",
        "CreatedDate": "datetime",
        "SystemModstamp": "datetime",
        "Name": "string",
        "Email": "email",
        "IsActive": "boolean",
        "ManagerId": "reference",
        "UserRoleId": "reference",
    },
    "Lead": {
        **_COMMON,
        "FirstName": "string",
        "LastName": "string",
        "Email": "email",
        "Company": "string",
        "Title": "string",
        "Status": "picklist",
        "LeadSource": "picklist",
        "IsConverted": "boolean",
        "ConvertedContactId": "reference",
        "ConvertedAccountId": "reference",
        "ConvertedOpportunityId": "reference",
    },
    "Task": {
        **_COMMON,
        "WhoId": "reference",
        "WhatId": "reference",
        "Type": "picklist",
        "Subject": "string",
        "ActivityDate": "date",
        "Description": {"type": "textarea", "length": 32000},
        "Status": {
            "type": "picklist",
            "picklist": ("Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred"),
            "restricted": True,
        },
        "Priority": {"type": "picklist", "picklist": ("High", "Normal", "Low"), "restricted": True},
    },
}
RELATIONSHIPS = {("User", "UserRoleId"): "UserRole"}
REQUIRED_ON_CREATE = {"Lead": ("LastName", "Company"), "Contact": ("LastName",), "Account": ("Name",)}
ID_PREFIX = {
    "Account": "001",
    "Contact": "003",
    "Opportunity": "006",
    "OpportunityContactRole": "00K",
    "User": "005",
    "Lead": "00Q",
    "Task": "00T",
}
READ_ONLY = {"Id", "CreatedDate", "SystemModstamp", "IsConverted", "IsClosed", "IsWon"}
# Lengths of standard text fields (describe ``length``); custom text fields default to 255.
LENGTHS = {
    ("Lead", "FirstName"): 40,
    ("Lead", "LastName"): 80,
    ("Lead", "Company"): 255,
    ("Lead", "Title"): 128,
    ("Lead", "Email"): 80,
    ("Contact", "FirstName"): 40,
    ("Contact", "LastName"): 80,
    ("Contact", "Title"): 128,
    ("Contact", "Email"): 80,
    ("Account", "Name"): 255,
}
TEXT_TYPES = {"string", "textarea", "email", "url", "phone", "picklist", "multipicklist"}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})")


@dataclass
class FieldSpec:
    """One field as describe shows it."""

    type: str
    length: int | None = None
    picklist: tuple[str, ...] | None = None
    restricted: bool = False


def field_spec(obj: str, name: str, value: str | FieldSpec | dict[str, Any]) -> FieldSpec:
    """A field spec from a describe type name (``"string"``), a dict of FieldSpec's fields, or a spec."""
    if isinstance(value, FieldSpec):
        spec = value
    elif isinstance(value, dict):
        spec = FieldSpec(**value)
    else:
        spec = FieldSpec(value)
    if spec.type in ("string", "email", "url", "phone") and spec.length is None:
        spec.length = LENGTHS.get((obj, name), 255)
    return spec


CLOCK: list[Callable[[], datetime] | None] = [None]
"""A test may set ``CLOCK[0]`` to a function giving the org's "now" (naive UTC): simulated days."""


def sf_now() -> str:
    """Now in Salesforce's datetime format (the org's clock, see ``CLOCK``)."""
    now = CLOCK[0]() if CLOCK[0] is not None else datetime.now(UTC).replace(tzinfo=None)
    return now.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"


class ValueRejected(Exception):
    """A whole REST request refused because a JSON value has the wrong type (``JSON_PARSER_ERROR``)."""


class SObject:
    """One object type: its fields (describe), records by id and external-id indexes."""

    def __init__(
        self,
        name: str,
        fields: dict[str, Any],
        external_ids: set[str],
        *,
        duplicate_keys: tuple[str, ...] = (),
    ) -> None:
        self.name = name
        self.specs = {f: field_spec(name, f, v) for f, v in fields.items()}
        self.fields = {f: spec.type for f, spec in self.specs.items()}
        self.external_ids = set(external_ids)
        self.records: dict[str, dict[str, Any]] = {}
        self.by_external: dict[str, dict[str, str]] = {f: {} for f in external_ids}
        self.duplicate_keys = duplicate_keys
        """Fields of this object's duplicate rule (e.g. ``("Email",)``); empty = no rule."""
        self.peers: list[SObject] = []
        """Other objects the duplicate rule also looks at (Lead ↔ Contact)."""
        self._seq = 0

    def describe(self) -> dict[str, Any]:
        """The ``/sobjects/X/describe`` payload (the parts clients use)."""
        out = []
        for name, spec in self.specs.items():
            entry: dict[str, Any] = {
                "name": name,
                "type": spec.type,
                "label": name,
                "length": spec.length or 0,
                "custom": name.endswith("__c"),
                "externalId": name in self.external_ids,
                "idLookup": name == "Id" or name in self.external_ids,
                "relationshipName": RELATIONSHIPS.get((self.name, name)),
                "updateable": name not in READ_ONLY,
                "createable": name not in READ_ONLY,
                "nillable": name not in REQUIRED_ON_CREATE.get(self.name, ()),
                "restrictedPicklist": spec.restricted,
                "picklistValues": [
                    {"value": v, "label": v, "active": True, "defaultValue": False}
                    for v in spec.picklist or ()
                ],
            }
            out.append(entry)
        return {"name": self.name, "label": self.name, "fields": out, "custom": False}

    def new_id(self) -> str:
        """A fresh 18-character record id (15 characters + the case-safe suffix)."""
        self._seq += 1
        return str(to_18(f"{ID_PREFIX.get(self.name, 'a00')}{self._seq:012d}"))

    def find(self, record_id: str | None) -> str | None:
        """The stored id of ``record_id`` (15 or 18 characters), if the record exists."""
        rid = to_18(record_id) if record_id else None
        return rid if rid in self.records else None

    def has_field(self, name: str) -> bool:
        """Whether ``name`` (or ``Rel.Field`` through a known relationship) exists."""
        if "." in name:
            rel = name.split(".", 1)[0]
            return any(RELATIONSHIPS.get((self.name, f)) == rel for f in self.fields)
        return name in self.fields

    def coerce(self, name: str, value: Any, *, from_csv: bool) -> Any:
        """A written value as stored; raises ``ValueError`` (CSV) or ``ValueRejected`` (JSON) on a type
        the field does not take."""
        if value is None:
            return None
        spec = self.specs[name]
        kind = spec.type
        bad = ValueError if from_csv else ValueRejected
        if kind == "boolean":
            if isinstance(value, bool):
                return value
            if from_csv and str(value).strip().lower() in ("true", "false", "1", "0"):
                return str(value).strip().lower() in ("true", "1")
            raise bad(f"'{value}' is not a valid value for the type xsd:boolean")
        if kind in ("int", "double", "currency", "percent"):
            if isinstance(value, bool):
                raise bad(f"'{value}' is not a valid value for the type xsd:double")
            if isinstance(value, int | float):
                return value
            try:
                return int(value) if kind == "int" else float(value)
            except (TypeError, ValueError):
                raise bad(f"'{value}' is not a valid value for the type xsd:double") from None
        if not isinstance(value, str):
            raise bad(f"Cannot deserialize instance of string from {type(value).__name__} value {value!r}")
        if kind == "date" and not _DATE.fullmatch(value):
            raise bad(f"'{value}' is not a valid value for the type xsd:date")
        if kind == "datetime" and not _DATETIME.fullmatch(value):
            raise bad(f"'{value}' is not a valid value for the type xsd:dateTime")
        if kind in ("reference", "id"):
            if not (len(value) in (15, 18) and value.isalnum()):
                raise ValueError(f"MALFORMED_ID:{name}: id value of incorrect type: {value}")
            return to_18(value)
        return value

    def _check(self, clean: dict[str, Any]) -> list[dict[str, Any]]:
        errors = []
        for k, v in clean.items():
            spec = self.specs[k]
            if isinstance(v, str) and spec.type in TEXT_TYPES and spec.length and len(v) > spec.length:
                errors.append(
                    _err(
                        "STRING_TOO_LONG",
                        f"{k}: data value too large: {v[:40]} (max length={spec.length})",
                        k,
                    )
                )
            if (
                spec.restricted
                and spec.picklist is not None
                and v not in (None, "")
                and v not in spec.picklist
            ):
                errors.append(
                    _err(
                        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                        f"{k}: bad value for restricted picklist field: {v}",
                        k,
                    )
                )
        return errors

    def _duplicates(self, clean: dict[str, Any]) -> list[str]:
        if not self.duplicate_keys:
            return []
        hits: list[str] = []
        for obj in (self, *self.peers):
            for rid, rec in obj.records.items():
                if obj.name == "Lead" and rec.get("IsConverted"):
                    continue
                if all(
                    clean.get(k) and rec.get(k) and str(clean[k]).lower() == str(rec[k]).lower()
                    for k in self.duplicate_keys
                ):
                    hits.append(rid)
        return hits

    def write(
        self, values: dict[str, Any], *, record_id: str | None = None, from_csv: bool = False
    ) -> tuple[str, bool, list[Any]]:
        """Create (no id) or update a record; returns (id, created, errors).

        Raises ``ValueRejected`` for a JSON value of the wrong type (the caller fails the whole request).
        """
        errors: list[dict[str, Any]] = []
        for k in values:
            if k == "attributes":
                continue
            if k not in self.fields:
                errors.append(
                    _err("INVALID_FIELD", f"No such column '{k}' on sobject of type {self.name}", k)
                )
            elif k in READ_ONLY:
                errors.append(_err("INVALID_FIELD_FOR_INSERT_UPDATE", f"Unable to create/update {k}", k))
        if errors:
            return "", False, errors
        clean: dict[str, Any] = {}
        for k, v in values.items():
            if k == "attributes":
                continue
            try:
                clean[k] = self.coerce(k, v, from_csv=from_csv)
            except ValueError as exc:
                text = str(exc)
                if text.startswith("MALFORMED_ID:"):
                    _, fname, msg = text.split(":", 2)
                    return "", False, [_err("MALFORMED_ID", f"{fname}:{msg}", fname)]
                return "", False, [_err("INVALID_TYPE_ON_FIELD_IN_RECORD", f"{k}: {text}", k)]
        errors = self._check(clean)
        if errors:
            return "", False, errors
        now = sf_now()
        if record_id is None:
            missing = [f for f in REQUIRED_ON_CREATE.get(self.name, ()) if not clean.get(f)]
            if missing:
                msg = f"Required fields are missing: [{', '.join(missing)}]"
                return "", False, [_err("REQUIRED_FIELD_MISSING", msg, *missing)]
            dups = self._duplicates(clean)
            if dups:
                err = _err("DUPLICATES_DETECTED", "Use one of these records?")
                err["duplicateResult"] = {
                    "allowSave": False,
                    "duplicateRule": f"Standard_{self.name}_Duplicate_Rule",
                    "duplicateRuleEntityType": self.name,
                    "matchResults": [
                        {
                            "entityType": self.name,
                            "matchRecords": [{"record": {"Id": d}, "matchConfidence": 100.0} for d in dups],
                            "success": True,
                            "size": len(dups),
                        }
                    ],
                }
                return "", False, [err]
            rid = self.new_id()
            rec = {f: None for f in self.fields}
            rec.update(clean)
            rec.update({"Id": rid, "CreatedDate": now, "SystemModstamp": now})
            if "IsConverted" in rec:
                rec["IsConverted"] = False
            self.records[rid] = rec
            created = True
        else:
            found = self.find(record_id)
            if found is None:
                return "", False, [_err("INVALID_ID_FIELD", f"invalid record id {record_id}", "Id")]
            rid = found
            self.records[rid].update(clean)
            self.records[rid]["SystemModstamp"] = now
            created = False
        for f, index in self.by_external.items():
            v = self.records[rid].get(f)
            if v:
                index[str(v)] = rid
        return rid, created, []

    def upsert(
        self, ext_field: str, values: dict[str, Any], *, from_csv: bool = False
    ) -> tuple[str, bool, list[Any]]:
        """Upsert by external id ``ext_field``."""
        key = values.get(ext_field)
        if not key:
            return "", False, [_err("MISSING_ARGUMENT", f"{ext_field} not specified", ext_field)]
        existing = self.by_external.get(ext_field, {}).get(str(key))
        return self.write(values, record_id=existing, from_csv=from_csv)


def _err(code: str, message: str, *fields: str) -> dict[str, Any]:
    return {"statusCode": code, "message": message, "fields": list(fields)}
