"""Strict local fakes of the sequence tools over real HTTP on 127.0.0.1: Outreach (API v2, JSON:API),
Salesloft (API v2) and HubSpot sequences (``/automation/v4/sequences`` + CRM contacts).

Each checks what the real API checks as far as jobshift uses it: the bearer token (401), the content
type (Outreach: ``application/vnd.api+json``, else 415), the request shape (JSON:API ``data.type`` and
``relationships``; required query parameters; 400/422 with the API's error body), unknown sequences,
cadences and mailboxes / users (404 / 422), and "already enrolled" (422 / a HubSpot contact in another
sequence). Faults: ``fault_share`` of the calls are refused before anything happens (429 with
``Retry-After: 0`` or 503, alternately by the seeded RNG) and ``lost_share`` are processed and *then*
answered 503 (the client cannot know it worked). ``enrolments`` counts memberships per (person,
sequence): exactly-once means every count is 1.
"""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from fakes.server import BackgroundServer


class _Fake:
    token = "seq-token"
    content_type = "application/json"

    def __init__(self, *, fault_share: float = 0.0, lost_share: float = 0.0, seed: int = 11) -> None:
        self.fault_share, self.lost_share = fault_share, lost_share
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.calls: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()
        self.enrolments: Counter[tuple[str, str]] = Counter()
        self._next = 1000
        app = Starlette(
            routes=[Route("/{path:path}", self._dispatch, methods=["GET", "POST", "PATCH", "DELETE"])]
        )
        self._server = BackgroundServer(app)
        self.url = self._server.url

    def __enter__(self) -> Any:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()

    def new_id(self) -> int:
        self._next += 1
        return self._next

    def error(self, status: int, message: str) -> JSONResponse:
        return JSONResponse({"message": message}, status_code=status)

    async def _dispatch(self, request: Request) -> Response:
        body = await request.body()
        with self.lock:
            self.calls["total"] += 1
            if request.headers.get("authorization") != f"Bearer {self.token}":
                self.calls["401"] += 1
                return self.error(401, "unauthorized")
            if body and not request.headers.get("content-type", "").startswith(self.content_type):
                return self.error(415, f"Content-Type must be {self.content_type}")
            roll = self.rng.random()
            if roll < self.fault_share:
                if self.rng.random() < 0.5:
                    self.faults["429"] += 1
                    return JSONResponse(
                        {"message": "rate limit"}, status_code=429, headers={"Retry-After": "0"}
                    )
                self.faults["503"] += 1
                return self.error(503, "unavailable")
            try:
                data = json.loads(body) if body else None
            except json.JSONDecodeError:
                return self.error(400, "invalid JSON")
            self.calls[f"{request.method} {request.url.path}"] += 1
            resp = self.route(request.method, request.url.path, dict(request.query_params), data)
            if roll < self.fault_share + self.lost_share:
                self.faults["lost"] += 1
                return self.error(503, "unavailable (response lost)")
            return resp

    def route(self, method: str, path: str, params: dict[str, str], data: Any) -> Response:
        raise NotImplementedError


class FakeOutreach(_Fake):
    """Outreach API v2 at ``{url}/api/v2``: prospects, sequences, mailboxes, sequenceStates."""

    content_type = "application/vnd.api+json"

    def __init__(
        self, *, sequences: dict[str, bool] | None = None, mailboxes: set[str] | None = None, **kw: Any
    ) -> None:
        super().__init__(**kw)
        self.sequences = sequences or {"11": True}
        self.mailboxes = mailboxes or {"7"}
        self.prospects: dict[str, dict[str, Any]] = {}
        self.states: dict[str, dict[str, str]] = {}

    def error(self, status: int, message: str) -> JSONResponse:
        code = {401: "unauthorized", 404: "resourceNotFound", 422: "validationError"}.get(status, "error")
        return JSONResponse({"errors": [{"id": code, "title": code, "detail": message}]}, status_code=status)

    @staticmethod
    def _res(kind: str, rid: str, attrs: dict[str, Any]) -> dict[str, Any]:
        return {"type": kind, "id": int(rid), "attributes": attrs}

    def route(self, method: str, path: str, params: dict[str, str], data: Any) -> Response:
        p = path.removeprefix("/api/v2")
        if method == "GET" and p.startswith("/sequences/"):
            sid = p.split("/")[2]
            if sid not in self.sequences:
                return self.error(404, f"sequence {sid} not found")
            return JSONResponse({"data": self._res("sequence", sid, {"enabled": self.sequences[sid]})})
        if p == "/prospects" and method == "GET":
            email = params.get("filter[emails]")
            if not email:
                return self.error(400, "filter required")
            found = [
                self._res("prospect", i, {"emails": r["emails"]})
                for i, r in self.prospects.items()
                if email in r["emails"]
            ]
            return JSONResponse({"data": found, "meta": {"count": len(found)}})
        if p == "/prospects" and method == "POST":
            d = (data or {}).get("data") or {}
            attrs = d.get("attributes") or {}
            if (
                d.get("type") != "prospect"
                or not isinstance(attrs.get("emails"), list)
                or not attrs["emails"]
            ):
                return self.error(422, "data.type must be prospect with attributes.emails")
            if any(set(attrs["emails"]) & set(r["emails"]) for r in self.prospects.values()):
                return self.error(422, "A prospect with this email already exists")
            pid = str(self.new_id())
            self.prospects[pid] = attrs
            return JSONResponse({"data": self._res("prospect", pid, attrs)}, status_code=201)
        if p == "/sequenceStates" and method == "GET":
            pid, sid = params.get("filter[prospect][id]"), params.get("filter[sequence][id]")
            found = [
                self._res("sequenceState", i, {"state": "active"})
                for i, s in self.states.items()
                if (pid is None or s["prospect"] == pid) and (sid is None or s["sequence"] == sid)
            ]
            return JSONResponse({"data": found})
        if p == "/sequenceStates" and method == "POST":
            d = (data or {}).get("data") or {}
            rel = d.get("relationships") or {}
            try:
                ids = {k: str(rel[k]["data"]["id"]) for k in ("prospect", "sequence", "mailbox")}
                types_ok = all(rel[k]["data"]["type"] == k for k in ("prospect", "sequence", "mailbox"))
            except (KeyError, TypeError):
                return self.error(422, "relationships prospect, sequence and mailbox are required")
            if d.get("type") != "sequenceState" or not types_ok:
                return self.error(422, "data.type must be sequenceState")
            if ids["prospect"] not in self.prospects:
                return self.error(422, "prospect not found")
            if ids["sequence"] not in self.sequences or not self.sequences[ids["sequence"]]:
                return self.error(422, "sequence not found or not enabled")
            if ids["mailbox"] not in self.mailboxes:
                return self.error(422, "mailbox not found")
            if any(
                s["prospect"] == ids["prospect"] and s["sequence"] == ids["sequence"]
                for s in self.states.values()
            ):
                return self.error(422, "Prospect is already active in this sequence")
            sid = str(self.new_id())
            self.states[sid] = {"prospect": ids["prospect"], "sequence": ids["sequence"]}
            email = self.prospects[ids["prospect"]]["emails"][0]
            self.enrolments[(email, ids["sequence"])] += 1
            return JSONResponse(
                {"data": self._res("sequenceState", sid, {"state": "active"})}, status_code=201
            )
        return self.error(404, f"no route {method} {path}")


class FakeSalesloft(_Fake):
    """Salesloft API v2 at ``{url}/v2``: people, cadences, cadence memberships."""

    def __init__(self, *, cadences: set[str] | None = None, users: set[str] | None = None, **kw: Any) -> None:
        super().__init__(**kw)
        self.cadences = cadences or {"21"}
        self.users = users or {"5"}
        self.people: dict[str, dict[str, Any]] = {}
        self.memberships: dict[str, dict[str, str]] = {}

    def error(self, status: int, message: str) -> JSONResponse:
        return JSONResponse({"errors": {"base": [message]}}, status_code=status)

    def route(self, method: str, path: str, params: dict[str, str], data: Any) -> Response:
        p = path.removeprefix("/v2")
        if method == "GET" and p.startswith("/cadences/"):
            cid = p.split("/")[2].removesuffix(".json")
            if cid not in self.cadences:
                return self.error(404, "Not Found")
            return JSONResponse({"data": {"id": int(cid), "name": f"cadence {cid}"}})
        if p == "/people.json" and method == "GET":
            email = params.get("email_addresses[]")
            found = [
                {"id": int(i), **r} for i, r in self.people.items() if email and r["email_address"] == email
            ]
            return JSONResponse({"data": found, "metadata": {"paging": {"per_page": 25, "current_page": 1}}})
        if p == "/people.json" and method == "POST":
            email = (data or {}).get("email_address")
            if not email or "@" not in email:
                return JSONResponse({"errors": {"email_address": ["is invalid"]}}, status_code=422)
            if any(r["email_address"] == email for r in self.people.values()):
                return JSONResponse(
                    {"errors": {"email_address": ["has already been taken"]}}, status_code=422
                )
            pid = str(self.new_id())
            self.people[pid] = dict(data)
            return JSONResponse({"data": {"id": int(pid), **data}})
        if p == "/cadence_memberships.json" and method == "GET":
            pid, cid = params.get("person_id"), params.get("cadence_id")
            found = [
                {"id": int(i), "currently_on_cadence": True}
                for i, m in self.memberships.items()
                if m["person"] == pid and m["cadence"] == cid
            ]
            return JSONResponse({"data": found})
        if p == "/cadence_memberships.json" and method == "POST":
            pid, cid, uid = params.get("person_id"), params.get("cadence_id"), params.get("user_id")
            if not pid or not cid:
                return self.error(422, "person_id and cadence_id are required")
            if pid not in self.people:
                return self.error(404, "person not found")
            if cid not in self.cadences:
                return self.error(404, "cadence not found")
            if uid is not None and uid not in self.users:
                return self.error(422, "user not found")
            if any(m["person"] == pid and m["cadence"] == cid for m in self.memberships.values()):
                return self.error(422, "Person is already on this cadence")
            mid = str(self.new_id())
            self.memberships[mid] = {"person": pid, "cadence": cid}
            self.enrolments[(self.people[pid]["email_address"], cid)] += 1
            return JSONResponse({"data": {"id": int(mid), "currently_on_cadence": True}})
        return self.error(404, f"no route {method} {path}")


class FakeHubSpotSequences(_Fake):
    """HubSpot: ``/crm/v3/objects/contacts`` (search, create) and ``/automation/v4/sequences``."""

    def __init__(
        self, *, sequences: set[str] | None = None, users: dict[str, str] | None = None, **kw: Any
    ) -> None:
        super().__init__(**kw)
        self.sequences = sequences or {"31"}
        self.users = users or {"41": "rep@acme.test"}
        self.contacts: dict[str, dict[str, Any]] = {}
        self.enrolled: dict[str, dict[str, str]] = {}

    def error(self, status: int, message: str) -> JSONResponse:
        category = {
            400: "VALIDATION_ERROR",
            404: "OBJECT_NOT_FOUND",
            409: "CONFLICT",
            429: "RATE_LIMITS",
        }.get(status, "ERROR")
        return JSONResponse({"status": "error", "message": message, "category": category}, status_code=status)

    def route(self, method: str, path: str, params: dict[str, str], data: Any) -> Response:
        if path == "/crm/v3/objects/contacts/search" and method == "POST":
            try:
                f = data["filterGroups"][0]["filters"][0]
            except (KeyError, IndexError, TypeError):
                return self.error(400, "filterGroups required")
            found = [
                {"id": i, "properties": c}
                for i, c in self.contacts.items()
                if c.get(f["propertyName"]) == f["value"]
            ]
            return JSONResponse({"total": len(found), "results": found[: int(data.get("limit", 10))]})
        if path == "/crm/v3/objects/contacts" and method == "POST":
            props = (data or {}).get("properties") or {}
            if not props.get("email"):
                return self.error(400, "Property values were not valid: email")
            for i, c in self.contacts.items():
                if c["email"] == props["email"]:
                    return self.error(409, f"Contact already exists. Existing ID: {i}")
            cid = str(self.new_id())
            self.contacts[cid] = dict(props)
            return JSONResponse({"id": cid, "properties": props}, status_code=201)
        if method == "GET" and path.startswith("/automation/v4/sequences/enrollments/contact/"):
            cid = path.rsplit("/", 1)[1]
            e = self.enrolled.get(cid)
            if e is None:
                return self.error(404, "contact is not enrolled")
            return JSONResponse(
                {"id": e["id"], "sequenceId": e["sequence"], "toEmail": self.contacts[cid]["email"]}
            )
        if method == "GET" and path.startswith("/automation/v4/sequences/"):
            sid = path.rsplit("/", 1)[1]
            if sid not in self.sequences:
                return self.error(404, "sequence not found")
            if params.get("userId") not in self.users:
                return self.error(400, "userId is required")
            return JSONResponse({"id": sid, "name": f"sequence {sid}"})
        if path == "/automation/v4/sequences/enrollments" and method == "POST":
            uid = params.get("userId")
            d = data or {}
            if uid not in self.users:
                return self.error(400, "userId is required and must be a user")
            if not all(d.get(k) for k in ("contactId", "sequenceId", "senderEmail")):
                return self.error(400, "contactId, sequenceId and senderEmail are required")
            if d["senderEmail"] != self.users[uid]:
                return self.error(400, "senderEmail is not a connected inbox of the user")
            if d["sequenceId"] not in self.sequences:
                return self.error(404, "sequence not found")
            if d["contactId"] not in self.contacts:
                return self.error(404, "contact not found")
            if d["contactId"] in self.enrolled:
                return self.error(400, "Contact is already enrolled in a sequence")
            eid = str(self.new_id())
            self.enrolled[d["contactId"]] = {"id": eid, "sequence": d["sequenceId"]}
            self.enrolments[(self.contacts[d["contactId"]]["email"], d["sequenceId"])] += 1
            return JSONResponse(
                {
                    "id": eid,
                    "toEmail": self.contacts[d["contactId"]]["email"],
                    "enrolledAt": "2026-12-10T09:00:00Z",
                }
            )
        return self.error(404, f"no route {method} {path}")
