"""Salesforce connector: the real ``simple_salesforce`` client behind jobshift's CRM connector protocol.

See docs/salesforce.md. :class:`SalesforceConnector` implements
:class:`~jobshift.connectors.crm_protocol.CrmConnector`; :class:`SalesforceClient` is the lower layer
(OAuth, bounded retries, SOQL paging, describe, limits, composite, Bulk 2.0).
"""

from jobshift.connectors.salesforce.client import CallStats, SalesforceClient
from jobshift.connectors.salesforce.connector import SalesforceConnector
from jobshift.connectors.salesforce.fields import SOBJECTS, FieldMap, default_field_map

__all__ = [
    "SOBJECTS",
    "CallStats",
    "FieldMap",
    "SalesforceClient",
    "SalesforceConnector",
    "default_field_map",
]
