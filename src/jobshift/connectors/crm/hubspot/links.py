"""Links to HubSpot records: ``https://app.hubspot.com/contacts/{portalId}/record/{objectTypeId}/{id}``.

The portal id (and the UI domain: ``app-eu1.hubspot.com`` for accounts hosted in the EU) comes from
``/account-info/v3/details``, which ``jobshift crm check`` stores in the workspace; ``[hubspot] portal_id``
overrides it and ``[hubspot] record_url_template`` shapes the link. A jobshift lead is a HubSpot contact;
when a Lead object was made for it (``related["0-136"]``), the lead's link opens that Lead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from jobshift.config import HubSpotSection
from jobshift.connectors.crm.hubspot.fields import OBJECT_TYPE_IDS, OBJECT_TYPES

DEFAULT_UI_DOMAIN = "app.hubspot.com"


def record_url(
    settings: HubSpotSection,
    account: Mapping[str, Any],
    obj: str,
    record_id: str | None,
    related: Mapping[str, str] | None = None,
) -> str | None:
    """The HubSpot URL of record ``record_id`` of canonical object ``obj`` (``leads``, ``contacts``,
    ``accounts``, ``opportunities``) or of a HubSpot objectTypeId (``0-136``); ``None`` without a portal
    id, a record id, or for an object HubSpot has no record page for."""
    portal = settings.portal_id or account.get("portal_id")
    type_id = OBJECT_TYPE_IDS.get(OBJECT_TYPES.get(obj, obj)) or (obj if obj[:1].isdigit() else None)
    lead_object = (related or {}).get(OBJECT_TYPE_IDS["leads"])
    if obj == "leads" and lead_object:
        type_id, record_id = OBJECT_TYPE_IDS["leads"], lead_object
    if not portal or not record_id or not type_id:
        return None
    try:
        return settings.record_url_template.format(
            ui_domain=account.get("ui_domain") or DEFAULT_UI_DOMAIN,
            portal_id=quote(str(portal), safe=""),
            object_type_id=type_id,
            id=quote(str(record_id), safe=""),
        )
    except (KeyError, IndexError, ValueError):  # a template with other placeholders: no link
        return None
