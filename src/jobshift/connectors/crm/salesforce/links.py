"""Links to Salesforce records: ``{instance_url}/lightning/r/{Object}/{Id}/view`` (Lightning Experience).

The instance URL is the one the login answered with (``jobshift crm check`` stores it in the workspace);
``[salesforce] instance_url`` overrides it. The object comes from the id's key prefix when it is a standard
one (a lead linked to an existing Contact opens the Contact), else from the canonical object.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jobshift.config import SalesforceSection
from jobshift.connectors.crm.salesforce.fields import SOBJECTS
from jobshift.domain.normalize.sfid import is_salesforce_id, to_18

KEY_PREFIXES = {"001": "Account", "003": "Contact", "005": "User", "006": "Opportunity", "00Q": "Lead",
                "00T": "Task"}  # fmt: skip


def record_url(
    settings: SalesforceSection,
    account: Mapping[str, Any],
    obj: str,
    record_id: str | None,
    related: Mapping[str, str] | None = None,
) -> str | None:
    """The Lightning URL of record ``record_id`` of canonical object ``obj`` (``None`` without an instance
    URL, or when ``record_id`` is not a Salesforce id)."""
    base = (settings.instance_url or account.get("instance_url") or "").rstrip("/")
    if not base or not is_salesforce_id(record_id):
        return None
    sobject = KEY_PREFIXES.get(str(record_id)[:3]) or SOBJECTS.get(obj)
    return f"{base}/lightning/r/{sobject}/{to_18(record_id)}/view" if sobject else None
