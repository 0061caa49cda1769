"""Use cases of the HubSpot connector: set up the properties, check the account, pull it into the store.

``setup_hubspot`` creates the property group ``[hubspot] property_group`` and jobshift's contact
properties (``jobshift_key`` with unique values, ``jobshift_no_longer_at_company``…) through the
properties API — and, on a portal with the Leads object, ``jobshift_key`` on leads —, or only lists them
with ``dry_run``. ``check_hubspot`` checks the token, every property jobshift reads and writes, the
configured enumeration values (lead status, lifecycle stage), whether the account has the Leads object and
how leads will be written (``lead_mode``; in Leads-object mode also the lead pipeline, stage, type and
label), and reads the portal id for links to records. ``pull_hubspot`` reads companies, contacts, deals,
deal–contact associations, owners and engagements into the store, incrementally by last modification (the
same keyed upsert as ``jobshift import`` and ``crm pull`` for Salesforce).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from jobshift.connectors.crm.hubspot import OBJECT_TYPES, HubSpotConnector, HubSpotHttpError
from jobshift.connectors.crm.hubspot.fields import JOBSHIFT_PROPERTIES, LEAD_PROPERTIES, property_definition
from jobshift.connectors.crm.hubspot.leads_object import check_leads_object
from jobshift.connectors.csv_import.columns import OBJECTS
from jobshift.domain.crm_payload import WRITTEN_FIELDS
from jobshift.errors import FatalError
from jobshift.services.crm.salesforce_sync import PullReport, pull_with
from jobshift.services.workspace import Workspace

_SOURCES = {
    **{o: f"hubspot:{OBJECT_TYPES.get(o, o)}" for o in OBJECTS},
    "users": "hubspot:owners",
    "opportunity_contact_roles": "hubspot:deal-contact associations",
    "activities": "hubspot:engagements",
}


def connect(ws: Workspace, **kwargs: Any) -> HubSpotConnector:
    """A connector configured from ``[hubspot]`` (the token from ``JOBSHIFT_HUBSPOT_TOKEN``)."""
    return HubSpotConnector(ws.config.hubspot, **kwargs)


@dataclass
class HubSpotCheckReport:
    """What ``crm check`` found: API usage, per object the properties read / missing, the Leads object."""

    api_used: int
    api_limit: int
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    leads_object: bool = False
    lead_mode: str = "contact"
    writes_leads_as: str = "contacts"
    """``contacts``, or ``contacts + Leads objects`` (the mode ``lead_mode`` chose for this portal)."""
    account: dict[str, Any] = field(default_factory=dict)
    """Portal id and UI domain (links to records), stored in the workspace."""
    stats: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


def check_hubspot(ws: Workspace, *, connector: HubSpotConnector | None = None) -> HubSpotCheckReport:
    """Check the token, the properties jobshift writes and the configured values (see the module doc)."""
    conn = connector or connect(ws)
    usage = conn.api_usage()
    s = ws.config.hubspot
    report = HubSpotCheckReport(api_used=usage.used, api_limit=usage.limit, lead_mode=s.lead_mode)
    for obj in ("accounts", "contacts", "opportunities", "leads"):
        pmap = conn.property_map(obj)
        props = conn.properties(pmap.object_type)
        read = [p for p in pmap.to_hs.values() if p in props]
        report.objects[obj] = {
            "object_type": pmap.object_type,
            "properties_read": len(read),
            "not_in_account": [p for p in pmap.to_hs.values() if p not in props],
        }
    missing = [f for obj, names in WRITTEN_FIELDS.items() for f in conn.missing_fields(obj, names)]  # type: ignore[arg-type]
    if "jobshift_key" not in conn.properties("contacts"):
        missing.append("contacts.jobshift_key")
    if missing:
        raise FatalError(
            f"the account lacks {len(missing)} propert(ies) jobshift writes: "
            f"{', '.join(sorted(set(missing)))}; create them with `jobshift crm setup` "
            "or map others in [hubspot.fields.*]"
        )
    if not conn.properties("contacts")["jobshift_key"].get("hasUniqueValue"):
        raise FatalError("HubSpot contacts.jobshift_key must have unique values (hasUniqueValue)")
    lead_status = conn.property_map("leads").to_hs.get("status") or "hs_lead_status"
    contact_status = conn.property_map("contacts").to_hs.get("status") or "hs_lead_status"
    conn.check_values(
        [
            (lead_status, s.lead_status, "[hubspot] lead_status"),
            (contact_status, s.departed_lead_status, "[hubspot] departed_lead_status"),
            ("lifecyclestage", s.lead_lifecycle_stage, "[hubspot] lead_lifecycle_stage"),
            ("lifecyclestage", s.departed_lifecycle_stage, "[hubspot] departed_lifecycle_stage"),
        ]
    )
    report.leads_object = conn.has_leads_object()
    if report.leads_object and s.lead_mode == "contact":
        report.warnings.append(
            "the account has the Leads object; jobshift writes leads as contacts with a lead status "
            '([hubspot] lead_mode = "contact"; "leads_object" or "auto" also creates Leads)'
        )
    if not report.leads_object and s.lead_mode == "leads_object":
        raise FatalError('[hubspot] lead_mode = "leads_object" but the account has no Leads object')
    if conn.uses_leads_object():
        check_leads_object(conn)
        report.writes_leads_as = "contacts + Leads objects"
    try:
        report.account = conn.account_info()
    except HubSpotHttpError as exc:
        report.warnings.append(f"no account info ({exc}): set [hubspot] portal_id for links to HubSpot")
    report.stats = conn.stats.to_dict()
    return report


def pull_hubspot(
    ws: Workspace,
    *,
    since: datetime | None = None,
    objects: Sequence[str] | None = None,
    connector: HubSpotConnector | None = None,
) -> PullReport:
    """Read HubSpot into the store (incremental by last modification; see the module docstring)."""
    return pull_with(ws, connector or connect(ws), _SOURCES, since=since, objects=objects)


@dataclass
class HubSpotSetupReport:
    """The property group and properties ``crm setup`` created (or would create with ``dry_run``)."""

    dry_run: bool
    group: str
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    definitions: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


def setup_hubspot(
    ws: Workspace, *, dry_run: bool = False, connector: HubSpotConnector | None = None
) -> HubSpotSetupReport:
    """Create jobshift's property group and contact properties that do not exist yet."""
    group = ws.config.hubspot.property_group
    report = HubSpotSetupReport(dry_run=dry_run, group=group)
    report.definitions = [property_definition(n, group) for n in JOBSHIFT_PROPERTIES]
    if dry_run and connector is None:
        report.created = list(JOBSHIFT_PROPERTIES)
        return report
    conn = connector or connect(ws)
    have = conn.properties("contacts")
    todo = [("contacts", d) for d in report.definitions if d["name"] not in have]
    report.existing = [n for n in JOBSHIFT_PROPERTIES if n in have]
    if conn.has_leads_object():  # the Leads object gets jobshift's key too (lead_mode "leads_object")
        on_leads = conn.properties("leads")
        todo += [("leads", property_definition(n, group)) for n in LEAD_PROPERTIES if n not in on_leads]
        report.existing += [f"leads.{n}" for n in LEAD_PROPERTIES if n in on_leads]
    report.created = [d["name"] if obj == "contacts" else f"{obj}.{d['name']}" for obj, d in todo]
    if dry_run or not todo:
        return report
    for obj in dict.fromkeys(obj for obj, _d in todo):
        _ensure_group(conn, obj, group)
    for obj, d in todo:
        conn.client.call("create property", conn.client.properties.create, obj, d)
    conn.forget_properties()
    return report


def _ensure_group(conn: HubSpotConnector, object_type: str, group: str) -> None:
    client = conn.client
    groups = client.call(f"property groups {object_type}", client.property_groups.get_all, object_type)
    if group not in {g.get("name") for g in groups.get("results") or []}:
        body = {"name": group, "label": "jobshift", "displayOrder": -1}
        try:
            client.call("create property group", client.property_groups.create, object_type, body)
        except HubSpotHttpError as exc:
            if exc.status != 409:
                raise
