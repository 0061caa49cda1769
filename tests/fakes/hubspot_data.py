"""The in-memory account behind the fake HubSpot: objects, property definitions, validation and search.

Enforced as HubSpot does (what the connector relies on): property existence and types (number, bool,
date, datetime, enumeration options: a value outside them is 400 ``VALIDATION_ERROR``), unique e-mail on
contacts and unique-value properties (``hasUniqueValue``: 409 ``CONFLICT`` "Contact already exists.
Existing ID: N"), search filters (EQ, NEQ, IN, NOT_IN, GT, GTE, LT, LTE, HAS_PROPERTY, NOT_HAS_PROPERTY;
at most 5 groups, 6 filters per group, 18 in all, 100 values per IN), one sort, paging with ``after``
within the first 10,000 results, at most 200 per page.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

WINDOW = 10_000


class Refused(Exception):
    """A request HubSpot refuses: HTTP status, category, message."""

    def __init__(self, status: int, category: str, message: str) -> None:
        self.status, self.category, self.message = status, category, message
        super().__init__(message)


def _p(name: str, type_: str = "string", options: tuple[str, ...] = (), **kw: Any) -> dict[str, Any]:
    field_type = {"string": "text", "number": "number", "date": "date", "datetime": "date"}.get(
        type_, "select"
    )
    d: dict[str, Any] = {
        "name": name,
        "label": name,
        "type": type_,
        "fieldType": field_type,
        "groupName": "contactinformation",
        "hasUniqueValue": False,
        **kw,
    }
    if type_ == "enumeration":
        d["options"] = [
            {"label": o, "value": o, "displayOrder": i, "hidden": False} for i, o in enumerate(options)
        ]
    return d


LIFECYCLE = (
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "evangelist",
    "other",
)
LEAD_STATUS = (
    "NEW",
    "OPEN",
    "IN_PROGRESS",
    "OPEN_DEAL",
    "UNQUALIFIED",
    "ATTEMPTED_TO_CONTACT",
    "CONNECTED",
    "BAD_TIMING",
)
STAGES = (
    "appointmentscheduled",
    "qualifiedtobuy",
    "presentationscheduled",
    "decisionmakerboughtin",
    "contractsent",
    "closedwon",
    "closedlost",
)
BOOL = ("true", "false")
STANDARD: dict[str, list[dict[str, Any]]] = {
    "contacts": [
        _p("email"),
        _p("firstname"),
        _p("lastname"),
        _p("jobtitle"),
        _p("company"),
        _p("phone"),
        _p("country"),
        _p("state"),
        _p("hubspot_owner_id"),
        _p("associatedcompanyid", "number"),
        _p("lifecyclestage", "enumeration", LIFECYCLE),
        _p("hs_lead_status", "enumeration", LEAD_STATUS),
        _p("hs_linkedin_url"),
        _p("hs_email_domain", calculated=True),
        _p("createdate", "datetime"),
        _p("lastmodifieddate", "datetime"),
        _p("hs_object_id", "number"),
    ],
    "companies": [
        _p("name"),
        _p("domain"),
        _p("type"),
        _p("industry"),
        _p("numberofemployees", "number"),
        _p("country"),
        _p("state"),
        _p("hubspot_owner_id"),
        _p("hs_parent_company_id", "number"),
        _p("hs_is_target_account", "bool"),
        _p("createdate", "datetime"),
        _p("hs_lastmodifieddate", "datetime"),
        _p("hs_object_id", "number"),
    ],
    "deals": [
        _p("dealname"),
        _p("dealstage", "enumeration", STAGES),
        _p("dealtype"),
        _p("amount", "number"),
        _p("closedate", "datetime"),
        _p("createdate", "datetime"),
        _p("hs_lastmodifieddate", "datetime"),
        _p("hubspot_owner_id"),
        _p("pipeline"),
        _p("hs_deal_stage_probability", "number"),
        _p("hs_object_id", "number"),
    ],
    **{
        etype: [
            _p("hs_timestamp", "datetime"),
            _p("hubspot_owner_id"),
            _p(subject),
            *(
                [
                    _p("hs_task_type", "enumeration", ("CALL", "EMAIL", "LINKED_IN", "TODO")),
                    _p("hs_task_body"),
                    _p(
                        "hs_task_status",
                        "enumeration",
                        ("NOT_STARTED", "IN_PROGRESS", "WAITING", "COMPLETED"),
                    ),
                    _p("hs_task_priority", "enumeration", ("LOW", "MEDIUM", "HIGH")),
                ]
                if etype == "tasks"
                else []
            ),
            _p("createdate", "datetime"),
            _p("hs_lastmodifieddate", "datetime"),
            _p("hs_object_id", "number"),
        ]
        for etype, subject in (
            ("calls", "hs_call_title"),
            ("emails", "hs_email_subject"),
            ("meetings", "hs_meeting_title"),
            ("tasks", "hs_task_subject"),
            ("notes", "hs_note_body"),
        )
    },
    "communications": [
        _p("hs_timestamp", "datetime"),
        _p("hubspot_owner_id"),
        _p("hs_communication_body"),
        _p("hs_communication_channel_type", "enumeration", ("SMS", "WHATS_APP", "LINKEDIN_MESSAGE")),
        _p("createdate", "datetime"),
        _p("hs_lastmodifieddate", "datetime"),
        _p("hs_object_id", "number"),
    ],
    "users": [
        _p("hs_email"),
        _p("hs_internal_user_id", "number"),
        _p("createdate", "datetime"),
        _p("hs_lastmodifieddate", "datetime"),
        _p("hs_object_id", "number"),
    ],
}
READ_ONLY = {"hs_object_id", "createdate", "lastmodifieddate", "hs_lastmodifieddate", "hs_email_domain"}
MODSTAMP = {
    "contacts": "lastmodifieddate",
    "companies": "hs_lastmodifieddate",
    "deals": "hs_lastmodifieddate",
    "users": "hs_lastmodifieddate",
    "calls": "hs_lastmodifieddate",
    "emails": "hs_lastmodifieddate",
    "meetings": "hs_lastmodifieddate",
    "tasks": "hs_lastmodifieddate",
    "notes": "hs_lastmodifieddate",
    "communications": "hs_lastmodifieddate",
    "leads": "hs_lastmodifieddate",
}


def ms(value: datetime) -> int:
    """A naive-UTC datetime as epoch milliseconds."""
    return int(value.replace(tzinfo=UTC).timestamp() * 1000)


def iso(value: int) -> str:
    """Epoch milliseconds as HubSpot's ISO 8601 text."""
    dt = datetime.fromtimestamp(value / 1000, UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def to_ms(value: Any) -> int | None:
    """A date/datetime value (ISO text or epoch ms) as epoch ms (``None`` when it is not one)."""
    text = str(value).strip()
    if text.isdigit():
        return int(text)
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return int((dt if dt.tzinfo else dt.replace(tzinfo=UTC)).timestamp() * 1000)


def check_value(prop: dict[str, Any], value: Any) -> str | None:
    """Why ``value`` is not valid for the property (``None`` when it is)."""
    if value is None or value == "":
        return None
    text, t = str(value), prop["type"]
    if t == "number":
        try:
            float(text)
        except ValueError:
            return f"{text!r} is not a number"
    elif t == "bool" and text.lower() not in BOOL:
        return f"{text!r} is not a valid boolean"
    elif t == "enumeration":
        allowed = [o["value"] for o in prop.get("options") or []]
        if text not in allowed:
            return f"{text!r} was not one of the allowed options: {allowed}"
    elif t == "date" and (len(text) != 10 or to_ms(text) is None) and not text.isdigit():
        return f"{text!r} is not a valid date (YYYY-MM-DD)"
    elif t == "datetime" and to_ms(text) is None:
        return f"{text!r} is not a valid datetime"
    return None


def _cmp_value(prop: dict[str, Any] | None, value: Any) -> Any:
    t = (prop or {}).get("type")
    if value is None or value == "":
        return None
    if t in ("date", "datetime"):
        return to_ms(value)
    if t == "number":
        try:
            return float(value)
        except ValueError:
            return None
    return str(value).lower()


def matches(rec: dict[str, Any], f: dict[str, Any], props: dict[str, dict[str, Any]]) -> bool:
    """Whether a record passes one search filter."""
    name, op = f.get("propertyName"), f.get("operator")
    prop = props.get(str(name))
    have = _cmp_value(prop, rec["properties"].get(name))
    if op == "HAS_PROPERTY":
        return have is not None
    if op == "NOT_HAS_PROPERTY":
        return have is None
    if op in ("IN", "NOT_IN"):
        values = {_cmp_value(prop, v) for v in f.get("values") or []}
        return (have in values) == (op == "IN")
    want = _cmp_value(prop, f.get("value"))
    if op == "EQ":
        return have == want
    if op == "NEQ":
        return have != want
    if have is None or want is None:
        return False
    return {"GT": have > want, "GTE": have >= want, "LT": have < want, "LTE": have <= want}[str(op)]


def search(
    records: list[dict[str, Any]], body: dict[str, Any], props: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """One page of a search request over ``records``."""
    groups = body.get("filterGroups") or []
    filters = [f for g in groups for f in g.get("filters") or []]
    if len(groups) > 5 or any(len(g.get("filters") or []) > 6 for g in groups) or len(filters) > 18:
        raise Refused(400, "VALIDATION_ERROR", "too many filter groups or filters")
    for f in filters:
        if len(f.get("values") or []) > 100:
            raise Refused(400, "VALIDATION_ERROR", "at most 100 values in an IN filter")
        if f.get("operator") not in (
            "EQ",
            "NEQ",
            "IN",
            "NOT_IN",
            "GT",
            "GTE",
            "LT",
            "LTE",
            "HAS_PROPERTY",
            "NOT_HAS_PROPERTY",
        ):
            raise Refused(400, "VALIDATION_ERROR", f"unsupported operator {f.get('operator')}")
    limit = int(body.get("limit") or 10)
    after = int(body.get("after") or 0)
    if limit > 200:
        raise Refused(400, "VALIDATION_ERROR", "limit must be at most 200")
    if after + limit > WINDOW:
        raise Refused(400, "VALIDATION_ERROR", f"paging beyond {WINDOW} results is not supported")
    hits = [
        r
        for r in records
        if not groups or any(all(matches(r, f, props) for f in g.get("filters") or []) for g in groups)
    ]
    sorts = body.get("sorts") or []
    if len(sorts) > 1:
        raise Refused(400, "VALIDATION_ERROR", "only one sort is supported")
    if sorts:
        name = sorts[0]["propertyName"]
        desc = sorts[0].get("direction") == "DESCENDING"
        hits.sort(
            key=lambda r: (_cmp_value(props.get(name), r["properties"].get(name)) or 0, int(r["id"])),
            reverse=desc,
        )
    else:
        hits.sort(key=lambda r: int(r["id"]))
    page = hits[after : after + limit]
    wanted = set(body.get("properties") or []) | {"hs_object_id", "createdate"}
    out: dict[str, Any] = {"total": len(hits), "results": [project(r, wanted) for r in page]}
    if after + limit < min(len(hits), WINDOW):
        out["paging"] = {"next": {"after": str(after + limit)}}
    return out


def project(rec: dict[str, Any], wanted: set[str]) -> dict[str, Any]:
    """The API form of a record with the ``wanted`` properties."""
    props = {k: v for k, v in rec["properties"].items() if k in wanted}
    return {
        "id": rec["id"],
        "properties": props,
        "createdAt": rec["createdAt"],
        "updatedAt": rec["updatedAt"],
        "archived": False,
    }
