"""Object model of the fake Salesforce: describe metadata, records, external ids, typed values."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

# Standard fields of the objects jobshift reads and writes: API name -> describe type.
_COMMON = {"Id": "id", "OwnerId": "reference", "CreatedDate": "datetime", "SystemModstamp": "datetime"}
STANDARD_FIELDS: dict[str, dict[str, str]] = {
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


def sf_now() -> str:
    """Now in Salesforce's datetime format."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"


class SObject:
    """One object type: its fields (describe), records by id and external-id indexes."""

    def __init__(self, name: str, fields: dict[str, str], external_ids: set[str]) -> None:
        self.name = name
        self.fields = dict(fields)
        self.external_ids = set(external_ids)
        self.records: dict[str, dict[str, Any]] = {}
        self.by_external: dict[str, dict[str, str]] = {f: {} for f in external_ids}
        self._seq = 0

    def describe(self) -> dict[str, Any]:
        """The ``/sobjects/X/describe`` payload (the parts clients use)."""
        out = []
        for name, type_ in self.fields.items():
            out.append(
                {
                    "name": name,
                    "type": type_,
                    "label": name,
                    "custom": name.endswith("__c"),
                    "externalId": name in self.external_ids,
                    "idLookup": name == "Id" or name in self.external_ids,
                    "relationshipName": RELATIONSHIPS.get((self.name, name)),
                    "updateable": name not in READ_ONLY,
                    "createable": name not in READ_ONLY,
                }
            )
        return {"name": self.name, "label": self.name, "fields": out, "custom": False}

    def new_id(self) -> str:
        """A fresh 18-character record id."""
        self._seq += 1
        return f"{ID_PREFIX.get(self.name, 'a00')}{self._seq:015d}"

    def has_field(self, name: str) -> bool:
        """Whether ``name`` (or ``Rel.Field`` through a known relationship) exists."""
        if "." in name:
            rel = name.split(".", 1)[0]
            return any(RELATIONSHIPS.get((self.name, f)) == rel for f in self.fields)
        return name in self.fields

    def coerce(self, name: str, value: Any) -> Any:
        """A written value as stored (CSV text from Bulk → typed)."""
        if value is None or not isinstance(value, str):
            return value
        kind = self.fields.get(name, "string")
        if kind == "boolean":
            return value.strip().lower() in ("true", "1", "yes")
        if kind in ("int",):
            return int(float(value))
        if kind in ("double", "currency", "percent"):
            return float(value)
        return value

    def write(self, values: dict[str, Any], *, record_id: str | None = None) -> tuple[str, bool, list[Any]]:
        """Create (no id) or update a record; returns (id, created, errors)."""
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
        clean = {k: self.coerce(k, v) for k, v in values.items() if k != "attributes"}
        now = sf_now()
        if record_id is None:
            missing = [f for f in REQUIRED_ON_CREATE.get(self.name, ()) if not clean.get(f)]
            if missing:
                msg = f"Required fields are missing: [{', '.join(missing)}]"
                return "", False, [_err("REQUIRED_FIELD_MISSING", msg, *missing)]
            rid = self.new_id()
            rec = {f: None for f in self.fields}
            rec.update(clean)
            rec.update({"Id": rid, "CreatedDate": now, "SystemModstamp": now})
            if "IsConverted" in rec:
                rec["IsConverted"] = False
            self.records[rid] = rec
            created = True
        else:
            if record_id not in self.records:
                return "", False, [_err("INVALID_ID_FIELD", f"invalid record id {record_id}", "Id")]
            rid = record_id
            self.records[rid].update(clean)
            self.records[rid]["SystemModstamp"] = now
            created = False
        for f, index in self.by_external.items():
            v = self.records[rid].get(f)
            if v:
                index[str(v)] = rid
        return rid, created, []

    def upsert(self, ext_field: str, values: dict[str, Any]) -> tuple[str, bool, list[Any]]:
        """Upsert by external id ``ext_field``."""
        key = values.get(ext_field)
        if not key:
            return "", False, [_err("MISSING_ARGUMENT", f"{ext_field} not specified", ext_field)]
        existing = self.by_external.get(ext_field, {}).get(str(key))
        return self.write(values, record_id=existing)


def _err(code: str, message: str, *fields: str) -> dict[str, Any]:
    return {"statusCode": code, "message": message, "fields": list(fields)}
