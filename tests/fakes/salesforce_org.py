"""A fake Salesforce org laid out as jobshift's metadata deploys it, loaded with a generated company.

``org_fields(gen_dir)`` gives the custom fields and picklists of such an org: jobshift's fields parsed from
the DX metadata it ships (``src/jobshift/salesforce_dx``: Date for the job start, lookups for past account
/ contact, checkboxes, restricted picklists), and restricted standard picklists whose values are the
company's own (from the generated CSVs) plus the values the setup guide has the admin add.
``load_company(fake, gen_dir)`` creates every user, account, contact, opportunity, role, lead
and activity of a ``jobshift generate`` directory as Salesforce records (generator ids → Salesforce ids,
returned as a map).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fakes.company_files import company_rows
from fakes.salesforce import FakeSalesforce
from jobshift.connectors.crm.salesforce.fields import SOBJECTS, default_field_map
from jobshift.services.crm.salesforce_setup import metadata_fields

ORDER = ("users", "accounts", "contacts", "opportunities", "opportunity_contact_roles", "leads", "activities")
VOCABULARY = {
    ("Lead", "Status"): {"New"},
    ("Lead", "LeadSource"): {"jobshift Contact Tracking", "New Hires & Promotions"},
}
"""Standard picklist values the admin adds by hand (docs/salesforce.md, "Set up the org")."""
_BOOL = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}


def _picklist(values: set[str]) -> dict[str, Any]:
    return {"type": "picklist", "picklist": tuple(sorted(v for v in values if v)), "restricted": True}


_DESCRIBE_TYPE = {
    "Text": "string", "Checkbox": "boolean", "Date": "date", "DateTime": "datetime", "Lookup": "reference",
    "Url": "url", "Picklist": "picklist", "LongTextArea": "textarea", "TextArea": "textarea",
    "Number": "double", "Email": "email", "Phone": "phone",
}  # fmt: skip


def deployed_fields(sobject: str, extra_values: dict[str, set[str]] | None = None) -> dict[str, Any]:
    """The custom fields of ``sobject`` as jobshift's shipped DX metadata deploys them (describe types,
    lengths, restricted picklists); ``extra_values`` adds the org's own values to a picklist."""
    out: dict[str, Any] = {}
    for name, meta in metadata_fields().get(sobject, {}).items():
        spec: dict[str, Any] = {"type": _DESCRIBE_TYPE[meta["type"]]}
        if meta.get("length"):
            spec["length"] = int(meta["length"])
        if meta["type"] == "Picklist":
            spec["picklist"] = tuple(
                sorted(set(meta["picklist_values"]) | (extra_values or {}).get(name, set()))
            )
            spec["restricted"] = bool(meta.get("restricted"))
        out[name] = spec
    return out


def org_fields(gen_dir: Path) -> dict[str, dict[str, Any]]:
    """Custom fields (and restricted standard picklists) of the org for ``fake = FakeSalesforce(...)``:
    jobshift's fields exactly as its DX metadata deploys them, the company's own picklist values kept."""
    used: dict[tuple[str, str], set[str]] = {k: set(v) for k, v in VOCABULARY.items()}
    for r in company_rows(gen_dir, "leads"):
        used[("Lead", "Status")].add(r.get("status") or "")
        used[("Lead", "LeadSource")].add(r.get("lead_source") or "")
    contact_status = {r.get("status") or "" for r in company_rows(gen_dir, "contacts")} - {""}
    return {
        "Lead": {
            "Status": _picklist(used[("Lead", "Status")]),
            "LeadSource": _picklist(used[("Lead", "LeadSource")]),
            **deployed_fields("Lead"),
        },
        "Contact": deployed_fields("Contact", {"Status__c": contact_status}),
        "Account": {
            "Segment__c": "picklist",
            "Is_Target__c": "boolean",
            "BDR__c": "reference",
            "Renewal_Manager__c": "reference",
        },
        "User": {"Segment__c": "string", "Region__c": "string", "Slack_User_ID__c": "string"},
    }


def _value(fake: FakeSalesforce, sobject: str, field: str, raw: str, ids: dict[str, str]) -> Any:
    if raw == "":
        return None
    kind = fake.objects[sobject].fields.get(field, "string")
    if kind in ("reference", "id"):
        return ids.get(raw, raw)
    if kind == "boolean":
        return _BOOL.get(raw.strip().lower())
    if kind in ("int", "double", "currency", "percent"):
        return float(raw)
    if kind == "datetime" and "T" in raw and "+" not in raw:
        return raw + ".000+0000"
    if kind == "date":
        return raw[:10]
    return raw


def load_company(fake: FakeSalesforce, gen_dir: Path) -> dict[str, str]:
    """Create every record of ``gen_dir`` in ``fake``; returns generator id → Salesforce id."""
    ids: dict[str, str] = {}
    for obj in ORDER:
        sobject = SOBJECTS[obj]
        mapping = default_field_map(obj)
        for row in company_rows(gen_dir, obj):
            values: dict[str, Any] = {}
            for canonical, raw in row.items():
                sf_name = mapping.get(canonical)
                if canonical == "id" or not sf_name:
                    continue
                if canonical == "who_id":
                    values[sf_name] = ids.get(raw, raw)
                    continue
                if "." in sf_name:
                    values[sf_name] = raw or None
                    continue
                if not fake.objects[sobject].has_field(sf_name):
                    continue
                values[sf_name] = _value(fake, sobject, sf_name, raw, ids)
            if row.get("created_at"):
                values["CreatedDate"] = row["created_at"] + ".000+0000"
            rid = fake.add(sobject, **values)
            if row.get("id"):
                ids[row["id"]] = rid
    return ids
