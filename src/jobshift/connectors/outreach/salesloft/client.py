"""Salesloft API v2 (JSON, ``Authorization: Bearer``; answers wrap records in ``data``).

Enrolling = a cadence membership:

1. the person: ``GET /people.json?email_addresses[]=<email>``, else ``POST /people.json``
   (``email_address``, ``first_name``, ``last_name``...); 422 "has already been taken" is read back;
2. already on the cadence? ``GET /cadence_memberships.json?person_id=P&cadence_id=C``;
3. ``POST /cadence_memberships.json?person_id=P&cadence_id=C[&user_id=U]``; 422 "already on cadence" is
   read back, any other 422 fails the enrolment alone.

The key comes from ``JOBSHIFT_SALESLOFT_TOKEN`` (an API key or OAuth token with people and cadence scopes).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jobshift.connectors.json_api import message
from jobshift.connectors.outreach._base import HttpSequenceTool, Refused, first
from jobshift.connectors.outreach.protocol import Enrolment


class SalesloftConnector(HttpSequenceTool):
    """Salesloft cadences."""

    name = "salesloft"
    label = "Salesloft"
    token_env = "JOBSHIFT_SALESLOFT_TOKEN"
    default_base_url = "https://api.salesloft.com/v2"

    def check(self, sequences: Sequence[str]) -> list[str]:
        """Each cadence exists."""
        problems = []
        for seq in sequences:
            r = self.api.request("GET", f"/cadences/{seq}.json")
            if r.status == 404:
                problems.append(f"Salesloft: no cadence {seq}")
            elif not r.ok:
                problems.append(f"Salesloft: cadence {seq}: HTTP {r.status}: {message(r.body)}")
        return problems

    def _person(self, it: Enrolment) -> str:
        p = it.person
        if not p.email:
            raise Refused("Salesloft: the lead has no e-mail address")
        for attempt in (1, 2):
            r = self.api.request("GET", "/people.json", params={"email_addresses[]": p.email})
            found = first((r.body or {}).get("data")) if r.ok else None
            if found:
                return str(found["id"])
            if attempt == 2:
                break
            body: dict[str, Any] = {"email_address": p.email}
            for key, value in (
                ("first_name", p.first_name),
                ("last_name", p.last_name),
                ("title", p.title),
                ("company_name", p.company),
            ):
                if value:
                    body[key] = value
            c = self.api.request("POST", "/people.json", json=body)
            if c.ok:
                return str(c.body["data"]["id"])
            if c.status != 422 or "taken" not in message(c.body).lower():
                raise Refused(f"Salesloft: person {p.email}: HTTP {c.status}: {message(c.body)}")
        raise Refused(f"Salesloft: person {p.email} could not be found or created")

    def _existing(self, person: str, cadence: str) -> str | None:
        r = self.api.request(
            "GET",
            "/cadence_memberships.json",
            params={"person_id": person, "cadence_id": cadence, "currently_on_cadence": "true"},
        )
        found = first((r.body or {}).get("data")) if r.ok else None
        return str(found["id"]) if found else None

    def enrol_one(self, it: Enrolment) -> tuple[str, str | None]:
        """Person → on the cadence? → add the membership."""
        person = self._person(it)
        existing = self._existing(person, it.sequence)
        if existing:
            return existing, "already on the cadence"
        params = {"person_id": person, "cadence_id": it.sequence}
        if it.sender is not None:
            params["user_id"] = it.sender.id
        r = self.api.request("POST", "/cadence_memberships.json", params=params)
        if r.ok:
            return str(r.body["data"]["id"]), None
        if r.status == 422 and "already" in message(r.body).lower():
            again = self._existing(person, it.sequence)
            if again:
                return again, "already on the cadence"
        raise Refused(f"Salesloft: cadence {it.sequence}: HTTP {r.status}: {message(r.body)}")
