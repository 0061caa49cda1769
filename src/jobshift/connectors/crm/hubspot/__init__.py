"""HubSpot connector: the official ``hubspot-api-client`` behind jobshift's CRM connector protocol.

See docs/hubspot.md. :class:`HubSpotConnector` implements
:class:`~jobshift.connectors.crm.protocol.CrmConnector`; :class:`HubSpotClient` is the lower layer
(private-app token, timeouts, retries, rate-limit headers, search paging, batch calls).
"""

from jobshift.connectors.crm.hubspot.client import CallStats, HubSpotClient, HubSpotHttpError
from jobshift.connectors.crm.hubspot.connector import HubSpotConnector
from jobshift.connectors.crm.hubspot.fields import OBJECT_TYPES, PropertyMap

__all__ = [
    "OBJECT_TYPES",
    "CallStats",
    "HubSpotClient",
    "HubSpotConnector",
    "HubSpotHttpError",
    "PropertyMap",
]
