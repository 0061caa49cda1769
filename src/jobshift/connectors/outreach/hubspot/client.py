"""HubSpot sequences (``Authorization: Bearer`` private-app token with ``automation.sequences.read`` and
``automation.sequences.enrollments.write``, plus the CRM contact scopes).

Enrolling = ``POST /automation/v4/sequences/enrollments?userId=U`` with ``{"contactId", "sequenceId",
"senderEmail"}``:

1. the contact: the lead's record when the CRM is HubSpot (jobshift's leads *are* contacts there), else
   ``POST /crm/v3/objects/contacts/search`` by e-mail, else ``POST /crm/v3/objects/contacts`` (409
   "Existing ID: N" is read back);
2. already enrolled? ``GET /automation/v4/sequences/enrollments/contact/{contactId}`` (404: not enrolled).
   A contact runs one sequence at a time in HubSpot: enrolled in *another* sequence fails alone;
3. the enrolment; a 400 ``VALIDATION_ERROR`` fails alone.

The token comes from ``JOBSHIFT_HUBSPOT_TOKEN`` (the CRM connector's), the host from ``[hubspot]
base_url`` unless ``[outreach.hubspot] base_url`` is set.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from jobshift.connectors.json_api import message
from jobshift.connectors.outreach._base import HttpSequenceTool, Refused, first
from jobshift.connectors.outreach.protocol import Enrolment

ENROL_PATH = "/automation/v4/sequences/enrollments"


class HubSpotSequencesConnector(HttpSequenceTool):
    """HubSpot sequences."""

    name = "hubspot"
    label = "HubSpot sequences"
    token_env = "JOBSHIFT_HUBSPOT_TOKEN"
    default_base_url = "https://api.hubapi.com"

    def check(self, sequences: Sequence[str]) -> list[str]:
        """Each sequence exists for its sender (``GET /automation/v4/sequences/{id}?userId=``)."""
        problems = []
        sender = self.settings.default_sender
        for seq in sequences:
            params = {"userId": sender.id} if sender else None
            r = self.api.request("GET", f"/automation/v4/sequences/{seq}", params=params)
            if r.status == 404:
                problems.append(f"HubSpot: no sequence {seq}")
            elif not r.ok:
                problems.append(f"HubSpot: sequence {seq}: HTTP {r.status}: {message(r.body)}")
        return problems

    def _contact(self, it: Enrolment) -> str:
        p = it.person
        if p.crm == "hubspot" and p.crm_record_id:
            return p.crm_record_id
        if not p.email:
            raise Refused("HubSpot: the lead has no e-mail address and is not a HubSpot contact")
        search = {
            "filterGroups": [{"filters": [{"propertyName": "email", "operator": "EQ", "value": p.email}]}],
            "properties": ["email"],
            "limit": 1,
        }
        r = self.api.request("POST", "/crm/v3/objects/contacts/search", json=search)
        found = first((r.body or {}).get("results")) if r.ok else None
        if found:
            return str(found["id"])
        props: dict[str, Any] = {"email": p.email}
        for key, value in (
            ("firstname", p.first_name),
            ("lastname", p.last_name),
            ("jobtitle", p.title),
            ("company", p.company),
        ):
            if value:
                props[key] = value
        c = self.api.request("POST", "/crm/v3/objects/contacts", json={"properties": props})
        if c.ok:
            return str(c.body["id"])
        m = re.search(r"Existing ID:\s*(\d+)", message(c.body))
        if c.status == 409 and m:
            return m.group(1)
        raise Refused(f"HubSpot: contact {p.email}: HTTP {c.status}: {message(c.body)}")

    def _enrolled_in(self, contact: str) -> dict[str, Any] | None:
        r = self.api.request("GET", f"{ENROL_PATH}/contact/{contact}")
        if r.status == 404 or not r.ok or not isinstance(r.body, dict) or not r.body.get("sequenceId"):
            return None
        return dict(r.body)

    def enrol_one(self, it: Enrolment) -> tuple[str, str | None]:
        """Contact → enrolled? → enrol."""
        if it.sender is None or not it.sender.email:
            raise Refused(
                "HubSpot: no sender (user id and e-mail) for the lead's owner ([outreach.hubspot] senders)"
            )
        contact = self._contact(it)
        current = self._enrolled_in(contact)
        if current is not None:
            if str(current["sequenceId"]) == it.sequence:
                return str(current.get("id") or contact), "already enrolled"
            raise Refused(
                f"HubSpot: contact {contact} is already enrolled in sequence {current['sequenceId']}"
            )
        body = {"contactId": contact, "sequenceId": it.sequence, "senderEmail": it.sender.email}
        r = self.api.request("POST", ENROL_PATH, params={"userId": it.sender.id}, json=body)
        if r.ok:
            return str(r.body.get("id")), None
        again = self._enrolled_in(contact)
        if again is not None and str(again["sequenceId"]) == it.sequence:
            return str(again.get("id") or contact), "already enrolled"
        raise Refused(f"HubSpot: sequence {it.sequence}: HTTP {r.status}: {message(r.body)}")
