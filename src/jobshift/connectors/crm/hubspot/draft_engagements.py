"""Drafts as HubSpot notes or tasks on the lead's contact (``[outreach] crm_write = "note"`` / ``"task"``).

``note``: ``hs_note_body`` (HTML) starting with ``[jobshift draft]``; ``task``: ``hs_task_subject``
starting with it, the draft in ``hs_task_body``, ``NOT_STARTED``, type ``EMAIL``, due today, owned by the
lead owner. Each is associated with the contact (HubSpot-defined types 202 note→contact, 204
task→contact). Existing drafts are found with a search per lead (``associations.contact`` EQ the contact,
the subject / body property read back); created ones are matched back to their lead by the ``ref`` line
every draft body carries (batch answers come in any order). The exactly-once loop is
:mod:`jobshift.connectors.crm.draft_writes`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from jobshift.config import HubSpotSection
from jobshift.connectors.crm.draft_writes import write_exactly_once
from jobshift.connectors.crm.hubspot.client import HubSpotClient, HubSpotHttpError
from jobshift.connectors.crm.protocol import WriteResult
from jobshift.domain.outreach.crm_write import DRAFT_MARK, DraftWrite, draft_write_key
from jobshift.errors import PausedError

OBJECT = {"note": "notes", "task": "tasks"}
TO_CONTACT = {"note": 202, "task": 204}
"""HubSpot-defined association type ids: note → contact, task → contact."""
MARKED = {"note": "hs_note_body", "task": "hs_task_subject"}
"""The property that starts with the draft mark."""
BODY = {"note": "hs_note_body", "task": "hs_task_body"}
"""The property that carries the ``ref draft:<lead id>`` line."""


def _ms(day: str | None) -> str:
    when = datetime.fromisoformat(day) if day else datetime.now(UTC).replace(tzinfo=None)
    return str(int(when.replace(tzinfo=UTC).timestamp() * 1000))


def _ref(lead_id: str) -> str:
    return f"ref {draft_write_key(lead_id)})"


class HubSpotDraftEngagements:
    """Writes drafts as notes or tasks (see the module docstring)."""

    name = "hubspot"

    def __init__(
        self,
        settings: HubSpotSection,
        *,
        env: Mapping[str, str] | None = None,
        client: HubSpotClient | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.client = client or HubSpotClient(settings, env=env, sleep=sleep, rng=rng)
        self.sleep = sleep

    def close(self) -> None:
        """Nothing to release."""

    def find(self, writes: Sequence[DraftWrite]) -> dict[str, str]:
        """Contact id → note / task id of the draft that exists for each write's lead."""
        out: dict[str, str] = {}
        for w in writes:
            prop = MARKED[w.mode]
            body = {
                "filterGroups": [
                    {
                        "filters": [
                            {"propertyName": "associations.contact", "operator": "EQ", "value": w.target}
                        ]
                    }
                ],
                "properties": [prop],
                "limit": 100,
            }
            for rec in self.client.search_all(OBJECT[w.mode], body):
                if str((rec.get("properties") or {}).get(prop) or "").startswith(DRAFT_MARK):
                    out[w.lead_id] = str(rec["id"])
                    break
        return out

    def _input(self, w: DraftWrite) -> dict[str, Any]:
        if w.mode == "note":
            props: dict[str, Any] = {"hs_note_body": w.note_html(), "hs_timestamp": _ms(None)}
        else:
            props = {
                "hs_task_subject": w.subject,
                "hs_task_body": w.body,
                "hs_task_status": "NOT_STARTED",
                "hs_task_priority": "MEDIUM",
                "hs_task_type": "EMAIL",
                "hs_timestamp": _ms(w.due),
            }
        if w.owner_id and w.owner_id.isdigit():
            props["hubspot_owner_id"] = w.owner_id
        assoc = {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": TO_CONTACT[w.mode]}
        return {"properties": props, "associations": [{"to": {"id": w.target}, "types": [assoc]}]}

    def create(self, writes: Sequence[DraftWrite]) -> list[WriteResult]:
        """Batch-create the notes / tasks (one call per kind, tried once), matched back by their ref."""
        made: dict[str, WriteResult] = {}
        for mode in ("note", "task"):
            part = [w for w in writes if w.mode == mode]
            if not part:
                continue
            kind = OBJECT[mode]
            try:
                answer = self.client.call_once(
                    f"batch create {kind}",
                    self.client.objects_batch.create,
                    kind,
                    {"inputs": [self._input(w) for w in part]},
                )
            except PausedError:
                raise
            except HubSpotHttpError as exc:  # the batch refused whole (an input HubSpot rejects)
                if len(part) == 1:
                    made[part[0].idempotency_key] = WriteResult(
                        part[0].idempotency_key, False, error=str(exc)
                    )
                    continue
                for w in part:  # one by one: the bad one fails alone
                    made[w.idempotency_key] = self.create([w])[0]
                continue
            for rec in answer.get("results") or []:
                text = str((rec.get("properties") or {}).get(BODY[mode]) or "")
                for w in part:
                    if _ref(w.lead_id) in text:
                        made[w.idempotency_key] = WriteResult(
                            w.idempotency_key, True, record_id=str(rec["id"])
                        )
        return [
            made.get(w.idempotency_key)
            or WriteResult(w.idempotency_key, False, error="not in HubSpot's answer", retryable=True)
            for w in writes
        ]

    def write_drafts(self, writes: Sequence[DraftWrite]) -> list[WriteResult]:
        """Write each draft once (find, create the missing, look again after a lost answer)."""
        return write_exactly_once(writes, self.find, self.create, self.client.policy, sleep=self.sleep)
