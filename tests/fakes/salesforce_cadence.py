"""The fake Salesforce org with Sales Engagement: ``ActionCadence`` and ``ActionCadenceTracker`` records and
the ``assignTargetToSalesCadence`` invocable action (``POST /services/data/vXX.X/actions/standard/...``).

The action checks its inputs as the real one does: ``inputs`` a non-empty list, ``salesCadenceNameOrId``
an existing active cadence (by id or name), ``targetId`` an existing Lead or Contact, ``userId`` (when
given) an existing user; a target already running on the cadence fails with "already assigned". The answer
is one ``{actionName, isSuccess, errors, outputValues}`` per input, HTTP 200, or 400 when every input failed.
The org's fault injection (``fault_share``, ``lost_share``) applies to every call, the action included.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from fakes.salesforce import FakeSalesforce
from fakes.salesforce_data import SObject, sf_now

ACTION = "actions/standard/assignTargetToSalesCadence"


class FakeSalesforceCadences(FakeSalesforce):
    """The fake org plus cadences; ``enrolments`` counts trackers per (target, cadence)."""

    def __init__(self, tmp_dir: Path, *, users: set[str] | None = None, **kw: Any) -> None:
        super().__init__(tmp_dir, **kw)
        self.objects["ActionCadence"] = SObject(
            "ActionCadence", {"Id": "id", "Name": "string", "State": "string", "OwnerId": "reference"}, set()
        )
        self.objects["ActionCadenceTracker"] = SObject(
            "ActionCadenceTracker",
            {
                "Id": "id",
                "ActionCadenceId": "reference",
                "TargetId": "reference",
                "State": "string",
                "OwnerId": "reference",
                "CreatedDate": "datetime",
            },
            set(),
        )
        from fakes.salesforce_data import ID_PREFIX

        ID_PREFIX.setdefault("ActionCadence", "77C")
        ID_PREFIX.setdefault("ActionCadenceTracker", "7ta")
        self.users = users or {"005000000000001AAA"}
        self.enrolments: Counter[tuple[str, str]] = Counter()

    def _route(self, method: str, rest: str, request: Request, body: bytes) -> tuple[str, Response]:
        if rest == ACTION and method == "POST":
            return "cadence", self._assign(body)
        return super()._route(method, rest, request, body)

    def _cadence(self, name_or_id: str) -> str | None:
        for rid, rec in self.objects["ActionCadence"].records.items():
            if (rid == name_or_id or rid[:15] == name_or_id or rec["Name"] == name_or_id) and rec[
                "State"
            ] == "Active":
                return rid
        return None

    def _assign(self, body: bytes) -> Response:
        try:
            inputs = json.loads(body)["inputs"]
            assert isinstance(inputs, list) and inputs
        except (ValueError, KeyError, AssertionError, TypeError):
            return JSONResponse(
                [{"errorCode": "JSON_PARSER_ERROR", "message": "inputs required"}], status_code=400
            )
        out = []
        trackers = self.objects["ActionCadenceTracker"]
        for one in inputs:
            errors = []
            cad = self._cadence(str(one.get("salesCadenceNameOrId") or ""))
            target = str(one.get("targetId") or "")
            exists = self.objects["Lead"].find(target) or self.objects["Contact"].find(target)
            if cad is None:
                errors.append(
                    {
                        "statusCode": "INVALID_INPUT",
                        "message": "Cadence not found or not active.",
                        "fields": [],
                    }
                )
            elif not exists:
                errors.append(
                    {"statusCode": "INVALID_ID_FIELD", "message": "Invalid targetId.", "fields": ["targetId"]}
                )
            elif one.get("userId") is not None and one["userId"] not in self.users:
                errors.append(
                    {"statusCode": "INVALID_ID_FIELD", "message": "Invalid userId.", "fields": ["userId"]}
                )
            elif any(
                t["ActionCadenceId"] == cad and t["TargetId"] == exists and t["State"] != "Complete"
                for t in trackers.records.values()
            ):
                errors.append(
                    {
                        "statusCode": "INVALID_OPERATION",
                        "message": "Target is already assigned to a cadence.",
                        "fields": [],
                    }
                )
            if not errors:
                tid = trackers.new_id()
                trackers.records[tid] = {
                    "Id": tid,
                    "ActionCadenceId": cad,
                    "TargetId": exists,
                    "State": "Running",
                    "OwnerId": one.get("userId"),
                    "CreatedDate": sf_now(),
                    "SystemModstamp": sf_now(),
                }
                self.enrolments[(str(exists), str(cad))] += 1
            out.append(
                {
                    "actionName": "assignTargetToSalesCadence",
                    "errors": errors or None,
                    "isSuccess": not errors,
                    "outputValues": None,
                }
            )
        status = 400 if all(not r["isSuccess"] for r in out) else 200
        return JSONResponse(out, status_code=status)
