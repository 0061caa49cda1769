"""Outreach API v2 (JSON:API, ``application/vnd.api+json``, ``Authorization: Bearer``).

Enrolling = a ``sequenceState`` relating a prospect, a sequence and a mailbox:

1. the prospect: ``GET /prospects?filter[emails]=<email>``, else ``POST /prospects``
   (``{"data": {"type": "prospect", "attributes": {"emails": [...], "firstName", ...}}}``);
2. already enrolled? ``GET /sequenceStates?filter[prospect][id]=P&filter[sequence][id]=S``;
3. ``POST /sequenceStates`` with ``relationships`` prospect, sequence and mailbox (the sender; required).
   422 ``validationError`` "already ... in sequence" is read back as the existing state; any other 422
   (no such mailbox, inactive sequence) fails the enrolment alone.

The token comes from ``JOBSHIFT_OUTREACH_TOKEN`` (an OAuth access token with the ``prospects.all`` and
``sequenceStates.all`` scopes).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jobshift.connectors.json_api import message
from jobshift.connectors.outreach._base import HttpSequenceTool, Refused, first
from jobshift.connectors.outreach.protocol import Enrolment


class OutreachConnector(HttpSequenceTool):
    """Outreach sequences."""

    name = "outreach"
    label = "Outreach"
    token_env = "JOBSHIFT_OUTREACH_TOKEN"
    default_base_url = "https://api.outreach.io/api/v2"
    content_type = "application/vnd.api+json"

    def check(self, sequences: Sequence[str]) -> list[str]:
        """Each sequence exists and is enabled."""
        problems = []
        for seq in sequences:
            r = self.api.request("GET", f"/sequences/{seq}")
            if r.status == 404:
                problems.append(f"Outreach: no sequence {seq}")
            elif not r.ok:
                problems.append(f"Outreach: sequence {seq}: HTTP {r.status}: {message(r.body)}")
            elif not ((r.body or {}).get("data", {}).get("attributes", {}).get("enabled", True)):
                problems.append(f"Outreach: sequence {seq} is not enabled")
        return problems

    def _prospect(self, it: Enrolment) -> str:
        p = it.person
        if not p.email:
            raise Refused("Outreach: the lead has no e-mail address")
        for attempt in (1, 2):
            r = self.api.request("GET", "/prospects", params={"filter[emails]": p.email})
            found = first((r.body or {}).get("data")) if r.ok else None
            if found:
                return str(found["id"])
            if attempt == 2:
                break
            attrs: dict[str, Any] = {"emails": [p.email]}
            for key, value in (
                ("firstName", p.first_name),
                ("lastName", p.last_name),
                ("title", p.title),
                ("company", p.company),
            ):
                if value:
                    attrs[key] = value
            c = self.api.request(
                "POST", "/prospects", json={"data": {"type": "prospect", "attributes": attrs}}
            )
            if c.ok:
                return str(c.body["data"]["id"])
            if c.status != 422 or "exist" not in message(c.body).lower():
                raise Refused(f"Outreach: prospect {p.email}: HTTP {c.status}: {message(c.body)}")
        raise Refused(f"Outreach: prospect {p.email} could not be found or created")

    def _existing(self, prospect: str, sequence: str) -> str | None:
        r = self.api.request(
            "GET",
            "/sequenceStates",
            params={"filter[prospect][id]": prospect, "filter[sequence][id]": sequence},
        )
        found = first((r.body or {}).get("data")) if r.ok else None
        return str(found["id"]) if found else None

    def enrol_one(self, it: Enrolment) -> tuple[str, str | None]:
        """Prospect → existing state? → create the state."""
        if it.sender is None:
            raise Refused("Outreach: no mailbox for the lead's owner ([outreach.outreach] senders)")
        prospect = self._prospect(it)
        existing = self._existing(prospect, it.sequence)
        if existing:
            return existing, "already in the sequence"
        rel = {
            "prospect": {"data": {"type": "prospect", "id": _id(prospect)}},
            "sequence": {"data": {"type": "sequence", "id": _id(it.sequence)}},
            "mailbox": {"data": {"type": "mailbox", "id": _id(it.sender.id)}},
        }
        r = self.api.request(
            "POST", "/sequenceStates", json={"data": {"type": "sequenceState", "relationships": rel}}
        )
        if r.ok:
            return str(r.body["data"]["id"]), None
        if r.status == 422 and "already" in message(r.body).lower():
            again = self._existing(prospect, it.sequence)
            if again:
                return again, "already in the sequence"
        raise Refused(f"Outreach: sequence {it.sequence}: HTTP {r.status}: {message(r.body)}")


def _id(value: str) -> int | str:
    """Outreach ids are integers; keep a non-numeric id as given (the API will say it is wrong)."""
    return int(value) if value.isdigit() else value
