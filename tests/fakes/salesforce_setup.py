"""Settings and org layout shared by the Salesforce tests and the benchmark."""

from __future__ import annotations

from typing import Any

from jobshift.config import SalesforceSection
from jobshift.connectors.crm.salesforce.fields import default_field_map

LEAD_CUSTOM = {name: "string" for name in default_field_map("leads").values() if name.endswith("__c")}
LEAD_CUSTOM |= {
    "Jobshift_Key__c": "string",
    "Jobshift_Is_Target_Company__c": "boolean",
    "Jobshift_Is_Customer_Company__c": "boolean",
}
CONTACT_CUSTOM = {
    "LinkedIn_URL__c": "url",
    "UG_No_Longer_At_Company__c": "boolean",
    "No_Longer_at_Company_Date__c": "datetime",
    "Disqualified_Reason__c": "string",
    "Status__c": "picklist",
}
ORG_FIELDS = {"Lead": LEAD_CUSTOM, "Contact": CONTACT_CUSTOM, "Account": {"Segment__c": "picklist"}}
ORG_EXTERNAL_IDS = {"Lead": {"Jobshift_Key__c"}}
ENV = {"JOBSHIFT_SF_PASSWORD": "pw", "JOBSHIFT_SF_TOKEN": "tok", "JOBSHIFT_SF_CLIENT_SECRET": "test-secret"}


def sf_settings(fake: Any, **overrides: Any) -> SalesforceSection:
    """Settings pointing at ``fake`` with tiny backoffs (retries stay bounded in test time)."""
    values: dict[str, Any] = {
        "login_url": fake.url,
        "username": "integration@example.com",
        "client_id": "test-client",
        "ca_bundle": fake.cert,
        "max_attempts": 8,
        "backoff_base_seconds": 0.001,
        "backoff_max_seconds": 0.01,
        "bulk_poll_seconds": 0.01,
        "fields": {"contacts": {"no_longer_at_company": "UG_No_Longer_At_Company__c"}},
    }
    values.update(overrides)
    return SalesforceSection(**values)
