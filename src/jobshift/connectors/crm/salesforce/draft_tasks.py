"""Drafts as Salesforce Tasks on the lead's record (``[outreach] crm_write = "task"`` or ``"note"``).

One Task per lead, ``WhoId`` = the lead's Lead id (its Contact's once converted), ``OwnerId`` = the lead
owner, ``Subject`` starting with ``[jobshift draft]``, the draft in ``Description``. ``task``: an open
task (``Status`` "Not Started", due today) for the rep to send; ``note``: a completed task (Salesforce's
logged activity; Notes and ContentNote need a separate API and show nowhere in the activity timeline).
Existing draft tasks are found with ``SELECT Id, WhoId FROM Task WHERE WhoId IN (...) AND Subject LIKE
'[jobshift draft]%'``; see :mod:`jobshift.connectors.crm.draft_writes` for the exactly-once loop.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from jobshift.config import SalesforceSection
from jobshift.connectors.crm.draft_writes import write_exactly_once
from jobshift.connectors.crm.protocol import WriteResult
from jobshift.connectors.crm.salesforce.client import SalesforceClient
from jobshift.connectors.crm.salesforce.writes import _record_error
from jobshift.domain.outreach.crm_write import DRAFT_MARK, DraftWrite

_SFID = re.compile(r"^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$")
_USER = re.compile(r"^005[a-zA-Z0-9]{12}([a-zA-Z0-9]{3})?$")
_CHUNK = 200


def _q(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


class SalesforceDraftTasks:
    """Writes drafts as Tasks (see the module docstring)."""

    name = "salesforce"

    def __init__(
        self,
        settings: SalesforceSection,
        *,
        env: Mapping[str, str] | None = None,
        client: SalesforceClient | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client or SalesforceClient(settings, env=env, sleep=sleep)
        self.sleep = sleep

    def close(self) -> None:
        """Nothing to release (requests' session closes with the process)."""

    def find(self, writes: Sequence[DraftWrite]) -> dict[str, str]:
        """Lead record id → Task id of the draft tasks that exist for ``writes``."""
        ids = sorted({w.target for w in writes if _SFID.match(w.target)})
        out: dict[str, str] = {}
        mark = DRAFT_MARK.replace("%", "\\%").replace("_", "\\_")
        for i in range(0, len(ids), _CHUNK):
            soql = (
                "SELECT Id, WhoId FROM Task WHERE WhoId IN ("
                + ", ".join(_q(x) for x in ids[i : i + _CHUNK])
                + f") AND Subject LIKE {_q(mark + '%')}"
            )
            for rec in self.client.query(soql):
                who = str(rec.get("WhoId") or "")
                for w in writes:  # 15- and 18-character ids of one record
                    if who[:15] == w.target[:15]:
                        out.setdefault(w.lead_id, str(rec["Id"]))
        return out

    def _record(self, w: DraftWrite) -> dict[str, Any]:
        rec: dict[str, Any] = {
            "attributes": {"type": "Task"},
            "WhoId": w.target,
            "Subject": w.subject,
            "Description": w.body,
            "Status": "Not Started" if w.mode == "task" else "Completed",
            "Priority": "Normal",
            "ActivityDate": w.due,
        }
        if w.owner_id and _USER.match(w.owner_id):
            rec["OwnerId"] = w.owner_id
        return rec

    def create(self, writes: Sequence[DraftWrite]) -> list[WriteResult]:
        """Create the Tasks in one call (tried once); a lead id that is not a record id fails alone."""
        bad = {w.idempotency_key for w in writes if not _SFID.match(w.target)}
        good = [w for w in writes if w.idempotency_key not in bad]
        answers = iter(self.client.create_once([self._record(w) for w in good]) if good else [])
        out = []
        for w in writes:
            if w.idempotency_key in bad:
                out.append(
                    WriteResult(w.idempotency_key, False, error=f"{w.target!r} is not a Salesforce id")
                )
                continue
            res = next(answers)
            if res.get("success"):
                out.append(WriteResult(w.idempotency_key, True, record_id=str(res.get("id"))))
            else:
                err, retry = _record_error(res.get("errors") or [])
                out.append(WriteResult(w.idempotency_key, False, error=err, retryable=retry))
        return out

    def write_drafts(self, writes: Sequence[DraftWrite]) -> list[WriteResult]:
        """Write each draft once (find, create the missing, look again after a lost answer)."""
        return write_exactly_once(writes, self.find, self.create, self.client.policy, sleep=self.sleep)
