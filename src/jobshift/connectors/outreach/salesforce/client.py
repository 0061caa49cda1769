"""Salesforce Sales Engagement: enrol leads and contacts in cadences through the standard invocable action.

``POST /services/data/vXX.X/actions/standard/assignTargetToSalesCadence`` with
``{"inputs": [{"salesCadenceNameOrId", "targetId", "userId"}, ...]}`` answers one result per input:
``{"actionName", "isSuccess", "errors": [{"statusCode", "message", "fields"}], "outputValues"}``.

1. the cadence: an ``ActionCadence`` id as given, else ``SELECT Id FROM ActionCadence WHERE Name = ...``;
2. the target: the lead's record when the CRM is Salesforce, else a Lead (not converted), then a Contact,
   with the e-mail (SOQL); none found fails the enrolment alone;
3. already on it? ``SELECT ... FROM ActionCadenceTracker WHERE ActionCadenceId IN (...) AND TargetId IN
   (...) AND State != 'Complete'`` (one query per batch); those are not sent again;
4. the action for the rest; an input that failed with "already" is read back from the trackers.

It logs in with the CRM connector's ``[salesforce]`` settings and ``JOBSHIFT_SF_*`` secrets, through the
same client (counted calls, re-authentication, retries, the API-usage guard).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from simple_salesforce.exceptions import SalesforceError

from jobshift.config import SalesforceSection, SequenceToolSection
from jobshift.connectors.crm.protocol import WriteResult
from jobshift.connectors.crm.salesforce.client import SalesforceClient
from jobshift.connectors.outreach.protocol import Enrolment

ACTION = "actions/standard/assignTargetToSalesCadence"
_SFID = re.compile(r"^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$")
_CHUNK = 200


def _q(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


class SalesforceCadenceConnector:
    """Salesforce Sales Engagement cadences."""

    name = "salesforce"
    label = "Salesforce Sales Engagement"

    def __init__(
        self,
        sf_settings: SalesforceSection,
        settings: SequenceToolSection,
        *,
        env: Mapping[str, str] | None = None,
        client: SalesforceClient | None = None,
    ) -> None:
        self.settings = settings
        self.client = client or SalesforceClient(sf_settings, env=env)
        self._cadences: dict[str, str | None] = {}

    def close(self) -> None:
        """Nothing to release (the client's session is shared)."""

    def cadence_id(self, name_or_id: str) -> str | None:
        """The ActionCadence id of a cadence id or name (``None`` when there is none)."""
        if name_or_id not in self._cadences:
            if _SFID.match(name_or_id) and name_or_id.startswith("77C"):
                self._cadences[name_or_id] = name_or_id
            else:
                rows = list(
                    self.client.query(f"SELECT Id FROM ActionCadence WHERE Name = {_q(name_or_id)} LIMIT 1")
                )
                self._cadences[name_or_id] = str(rows[0]["Id"]) if rows else None
        return self._cadences[name_or_id]

    def check(self, sequences: Sequence[str]) -> list[str]:
        """Each cadence exists."""
        return [f"Salesforce: no cadence {s!r} (ActionCadence)" for s in sequences if not self.cadence_id(s)]

    def _target(self, it: Enrolment) -> str | None:
        p = it.person
        if p.crm == "salesforce" and p.crm_record_id:
            return p.crm_record_id
        if not p.email:
            return None
        for soql in (
            f"SELECT Id FROM Lead WHERE Email = {_q(p.email)} AND IsConverted = false LIMIT 1",
            f"SELECT Id FROM Contact WHERE Email = {_q(p.email)} LIMIT 1",
        ):
            rows = list(self.client.query(soql))
            if rows:
                return str(rows[0]["Id"])
        return None

    def _trackers(self, pairs: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
        if not pairs:
            return {}
        cads = ",".join(sorted({_q(c) for c, _ in pairs}))
        targets = ",".join(sorted({_q(t) for _, t in pairs}))
        soql = (
            "SELECT Id, ActionCadenceId, TargetId FROM ActionCadenceTracker "
            f"WHERE ActionCadenceId IN ({cads}) AND TargetId IN ({targets}) AND State != 'Complete'"
        )
        out = {}
        for r in self.client.query(soql):
            key = (str(r["ActionCadenceId"]), str(r["TargetId"]))
            if key in pairs:
                out[key] = str(r["Id"])
        return out

    def _assign(self, inputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        body = json.dumps({"inputs": inputs})

        def post(sf: Any) -> Any:
            try:
                return sf.restful(ACTION, method="POST", data=body)
            except SalesforceError as exc:  # all inputs failed: 400 with the per-input results
                content = exc.content
                if (
                    isinstance(content, list)
                    and content
                    and isinstance(content[0], dict)
                    and "isSuccess" in content[0]
                ):
                    return content
                raise

        result = self.client.call("cadence", post)
        return list(result) if isinstance(result, list) else []

    def enrol(self, intents: Sequence[Enrolment]) -> list[WriteResult]:
        """Resolve cadences and targets, skip those already on the cadence, assign the rest."""
        results: dict[str, WriteResult] = {}
        todo: list[tuple[Enrolment, str, str]] = []
        for it in intents:
            cad = self.cadence_id(it.sequence)
            target = self._target(it) if cad else None
            if not cad:
                results[it.idempotency_key] = WriteResult(
                    it.idempotency_key, False, error=f"Salesforce: no cadence {it.sequence!r}"
                )
            elif not target:
                results[it.idempotency_key] = WriteResult(
                    it.idempotency_key,
                    False,
                    error=f"Salesforce: no lead or contact with e-mail {it.person.email!r}",
                )
            else:
                todo.append((it, cad, target))
        existing = self._trackers({(c, t) for _, c, t in todo})
        send = []
        for it, cad, target in todo:
            if (cad, target) in existing:
                results[it.idempotency_key] = WriteResult(
                    it.idempotency_key,
                    True,
                    record_id=existing[(cad, target)],
                    notes=("already on the cadence",),
                )
            else:
                send.append((it, cad, target))
        for i in range(0, len(send), _CHUNK):
            part = send[i : i + _CHUNK]
            inputs = []
            for it, cad, target in part:
                one = {"salesCadenceNameOrId": cad, "targetId": target}
                if it.sender is not None:
                    one["userId"] = it.sender.id
                inputs.append(one)
            answers = self._assign(inputs)
            done = self._trackers({(c, t) for _, c, t in part})
            for (it, cad, target), ans in zip(
                part, answers + [{}] * (len(part) - len(answers)), strict=False
            ):
                tracker = done.get((cad, target))
                if ans.get("isSuccess") or tracker:
                    note = None if ans.get("isSuccess") else "already on the cadence"
                    results[it.idempotency_key] = WriteResult(
                        it.idempotency_key, True, record_id=tracker or target, notes=(note,) if note else ()
                    )
                else:
                    errs = ans.get("errors") or [{}]
                    msg = f"{errs[0].get('statusCode', '')}: {errs[0].get('message', 'not assigned')}".strip(
                        ": "
                    )
                    results[it.idempotency_key] = WriteResult(
                        it.idempotency_key, False, error=f"Salesforce: {msg}"
                    )
        return [results[it.idempotency_key] for it in intents]
