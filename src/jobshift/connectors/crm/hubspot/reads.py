"""Reading HubSpot into canonical rows: search by last modification, past the 10,000-result window.

HubSpot's search API returns at most 10,000 results per query (100 per page, ``after`` paging). A read
asks for records with ``<modstamp> GTE cursor`` sorted ascending by the modstamp; when a query's window is
used up, it asks again from the newest modstamp seen (skipping the records already read at exactly that
instant). Deals get their company from the deal→company association and their stage mapped through
``[hubspot.deal_stages]``; deal→contact associations become opportunity contact roles (the association
label is the role); owners become users (role: the owner's primary team).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from jobshift.config import HubSpotSection
from jobshift.connectors.crm.hubspot.client import HubSpotClient, HubSpotHttpError
from jobshift.connectors.crm.hubspot.fields import ENGAGEMENTS, KEY_PROPERTY, MODSTAMP, TYPE_PROPERTY, convert
from jobshift.connectors.crm.salesforce.fields import column_kinds
from jobshift.connectors.csv_import.values import stage_number
from jobshift.errors import FatalError

WINDOW = 10_000
"""Results one search query can page through."""


def epoch_ms(value: datetime) -> str:
    """A naive-UTC datetime as HubSpot's filter value (epoch milliseconds)."""
    return str(int(value.replace(tzinfo=UTC).timestamp() * 1000))


def search_changed(
    client: HubSpotClient,
    object_type: str,
    properties: list[str],
    since: datetime | None,
    groups: list[dict[str, Any]] | None = None,
) -> Iterator[dict[str, Any]]:
    """Every record of ``object_type`` modified at or after ``since``, oldest change first."""
    stamp = MODSTAMP[object_type]
    cursor = epoch_ms(since) if since is not None else None
    seen_at_cursor: set[str] = set()
    page_size = client.settings.search_page_size
    while True:
        since_filter = [{"propertyName": stamp, "operator": "GTE", "value": cursor}] if cursor else []
        filter_groups = [{"filters": [*g["filters"], *since_filter]} for g in groups or [{"filters": []}]]
        body: dict[str, Any] = {
            "filterGroups": [g for g in filter_groups if g["filters"]],
            "sorts": [{"propertyName": stamp, "direction": "ASCENDING"}],
            "properties": sorted({*properties, stamp}),
            "limit": page_size,
        }
        read = 0
        newest: str | None = None
        at_newest: set[str] = set()
        for rec in client.search_all(object_type, body):
            read += 1
            rid = str(rec.get("id"))
            value = _ms((rec.get("properties") or {}).get(stamp))
            if value == cursor and rid in seen_at_cursor:
                continue
            if value is not None:
                if value != newest:
                    newest, at_newest = value, set()
                at_newest.add(rid)
            yield rec
        if read < WINDOW or newest is None:
            return
        if newest == cursor:
            raise FatalError(
                f"HubSpot {object_type}: more than {WINDOW:,} records changed at the same instant; "
                "read them with a narrower filter"
            )
        seen_at_cursor = at_newest
        cursor = newest


def _ms(value: Any) -> str | None:
    """A modstamp property value (ISO 8601 or epoch ms) as epoch milliseconds."""
    if value in (None, ""):
        return None
    text = str(value)
    if text.isdigit():
        return text
    dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return str(int(dt.timestamp() * 1000))


def modstamp(rec: dict[str, Any], object_type: str) -> datetime | None:
    """The record's last modification as naive UTC."""
    ms = _ms((rec.get("properties") or {}).get(MODSTAMP[object_type]))
    return datetime.fromtimestamp(int(ms) / 1000, UTC).replace(tzinfo=None) if ms else None


def contact_groups(obj: str) -> list[dict[str, Any]]:
    """Filter groups (OR-ed) of contacts read as ``obj``: a contact jobshift created (``jobshift_key``)
    or one without a company is a lead; every other contact is a contact."""
    if obj == "leads":
        return [
            {"filters": [{"propertyName": KEY_PROPERTY, "operator": "HAS_PROPERTY"}]},
            {"filters": [{"propertyName": "associatedcompanyid", "operator": "NOT_HAS_PROPERTY"}]},
        ]
    return [
        {
            "filters": [
                {"propertyName": KEY_PROPERTY, "operator": "NOT_HAS_PROPERTY"},
                {"propertyName": "associatedcompanyid", "operator": "HAS_PROPERTY"},
            ]
        }
    ]


def deal_row(
    settings: HubSpotSection, row: dict[str, Any], stage_id: str | None, labels: dict[str, str]
) -> dict[str, Any]:
    """Stage id → ``"N-Label"`` (configuration first, then the pipeline's label) and closed/won flags."""
    if stage_id is not None:
        row["stage"] = settings.deal_stages.get(stage_id) or labels.get(stage_id) or stage_id
        won = stage_id in settings.closed_won_stages
        row["is_won"] = won
        row["is_closed"] = won or stage_id in settings.closed_lost_stages
        row["stage_number"] = stage_number(row["stage"])
    return row


def stage_labels(client: HubSpotClient) -> dict[str, str]:
    """Deal stage id → label over every deal pipeline."""
    body = client.call("pipelines deals", client.pipelines.get_all, "deals")
    return {
        str(s.get("id")): str(s.get("label"))
        for p in body.get("results") or []
        for s in p.get("stages") or []
    }


def owner_rows(
    client: HubSpotClient, extra: dict[str, str] | None = None, default_role: str = "AE"
) -> Iterator[dict[str, Any]]:
    """Owners as canonical users; ``extra`` (canonical column → property of HubSpot's Users object, from
    ``[hubspot.fields.users]``) adds e.g. the Slack id, segment or region, joined by e-mail."""
    by_email: dict[str, dict[str, Any]] = {}
    if extra:
        body = {"properties": sorted({*extra.values(), "hs_email"}), "limit": 100}
        for rec in client.search_all("users", body):
            props = rec.get("properties") or {}
            by_email[str(props.get("hs_email") or "").lower()] = props
    for o in client.owner_list():
        teams = o.get("teams") or []
        primary = next((t for t in teams if t.get("primary")), teams[0] if teams else None)
        name = " ".join(x for x in (o.get("firstName"), o.get("lastName")) if x) or o.get("email") or ""
        row: dict[str, Any] = {
            "id": str(o.get("id")),
            "name": name,
            "email": o.get("email"),
            "role": str((primary or {}).get("name") or default_role),
            "active": not bool(o.get("archived")),
        }
        props = by_email.get(str(o.get("email") or "").lower(), {})
        for column, prop in (extra or {}).items():
            if props.get(prop) not in (None, ""):
                row[column] = convert(column_kinds("users")[column], props.get(prop), column)
        yield row


def read_object(conn: Any, object: str, since: datetime | None) -> Iterator[dict[str, Any]]:
    """Canonical rows of ``object`` for :meth:`HubSpotConnector.read` (``conn``: the connector, whose
    ``watermarks``, ``skipped_fields`` and ``rejected`` this fills)."""
    client: HubSpotClient = conn.client
    if object == "users":
        yield from owner_rows(client, dict(conn.settings.fields.get("users") or {}))
        return
    if object == "opportunity_contact_roles":
        for batch in _chunks(search_changed(client, "deals", ["dealname"], since)):
            links = client.association_links("deals", "contacts", [str(r["id"]) for r in batch])
            for deal_id, contacts in links.items():
                for cid, label in dict(contacts).items():  # one row per contact
                    yield {"opportunity_id": deal_id, "contact_id": cid, "role": label, "is_primary": False}
        return
    if object == "activities":
        yield from _activities(conn, since)
        return
    pmap = conn.property_map(object)
    props = conn.properties(pmap.object_type)
    cols = {c: p for c, p in pmap.to_hs.items() if p in props}
    conn.skipped_fields[object] = [p for p in pmap.to_hs.values() if p not in props]
    groups = contact_groups(object) if pmap.object_type == "contacts" else None
    labels = stage_labels(client) if object == "opportunities" else {}
    for batch in _chunks(search_changed(client, pmap.object_type, list(cols.values()), since, groups)):
        companies = (
            client.association_ids("deals", "companies", [str(r["id"]) for r in batch])
            if object == "opportunities"
            else {}
        )
        for rec in batch:
            stamp = modstamp(rec, pmap.object_type)
            if stamp and (object not in conn.watermarks or stamp > conn.watermarks[object]):
                conn.watermarks[object] = stamp
            try:
                row = pmap.to_canonical(rec.get("properties") or {}, cols)
            except ValueError as exc:
                conn.rejected.append((object, str(rec.get("id")), str(exc)))
                continue
            row["id"] = str(rec["id"])
            if object == "opportunities":
                ids = companies.get(row["id"]) or []
                row["account_id"] = ids[0] if ids else None
                deal_row(conn.settings, row, (rec.get("properties") or {}).get("dealstage"), labels)
            yield row


def _chunks(records: Iterator[dict[str, Any]], size: int = 100) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for rec in records:
        batch.append(rec)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _activities(conn: Any, since: datetime | None) -> Iterator[dict[str, Any]]:
    """The engagements of ``[hubspot] engagements`` (calls, e-mails, meetings, notes, tasks,
    communications) as activities: who = the first associated contact (an engagement with none is skipped),
    the deal = the first associated deal. A type the token cannot read is skipped and named in
    ``skipped_fields["activities"]``."""
    client: HubSpotClient = conn.client
    skipped: list[str] = conn.skipped_fields.setdefault("activities", [])
    for etype in conn.settings.engagements:
        kind, subject = ENGAGEMENTS[etype]
        typed = TYPE_PROPERTY.get(etype)
        props = ["hs_timestamp", "hubspot_owner_id", subject, *([typed[0]] if typed else [])]
        try:
            for batch in _chunks(search_changed(client, etype, props, since)):
                ids = [str(r["id"]) for r in batch]
                who = client.association_ids(etype, "contacts", ids)
                deals = client.association_ids(etype, "deals", ids)
                for rec in batch:
                    yield from _activity(conn, etype, kind, subject, rec, who, deals)
        except HubSpotHttpError as exc:
            if exc.status not in (403, 404):
                raise
            skipped.append(etype)


def _activity(
    conn: Any,
    etype: str,
    kind: str | None,
    subject: str,
    rec: dict[str, Any],
    who: dict[str, list[str]],
    deals: dict[str, list[str]],
) -> Iterator[dict[str, Any]]:
    rid, p = str(rec["id"]), rec.get("properties") or {}
    stamp = modstamp(rec, etype)
    if stamp and ("activities" not in conn.watermarks or stamp > conn.watermarks["activities"]):
        conn.watermarks["activities"] = stamp
    contacts = who.get(rid) or []
    if not contacts:
        return
    try:
        occurred = convert("datetime", p.get("hs_timestamp"), "occurred_at")
    except ValueError as exc:
        conn.rejected.append(("activities", rid, str(exc)))
        return
    linked = deals.get(rid) or []
    typed = TYPE_PROPERTY.get(etype)
    yield {
        "id": rid,
        "who_id": contacts[0],
        "type": kind or (typed[1].get(str(p.get(typed[0]) or ""), "Other") if typed else "Other"),
        "occurred_at": occurred,
        "owner_id": p.get("hubspot_owner_id") or None,
        "subject": p.get(subject) or None,
        "opportunity_id": linked[0] if linked else None,
    }
