"""Salesforce connector: the real ``simple_salesforce`` client behind jobshift's CRM connector protocol.

See docs/salesforce.md. :class:`SalesforceConnector` implements
:class:`~jobshift.connectors.crm.protocol.CrmConnector`; :class:`SalesforceClient` is the lower layer
(OAuth, bounded retries, SOQL paging, describe, limits, composite, Bulk 2.0).
"""

from jobshift.connectors.crm.salesforce.client import CallStats, SalesforceClient
from jobshift.connectors.crm.salesforce.connector import SalesforceConnector
from jobshift.connectors.crm.salesforce.fields import SOBJECTS, FieldMap, default_field_map

__all__ = [
    "SOBJECTS",
    "CallStats",
    "FieldMap",
    "SalesforceClient",
    "SalesforceConnector",
    "default_field_map",
]
