"""A fake HubSpot account over real HTTP on 127.0.0.1, for the official ``hubspot-api-client``.

CRM v3 objects (search, batch create / update / read) for contacts, companies, deals, engagements and —
with ``leads_object=True`` — HubSpot's Leads object (:mod:`fakes.hubspot_leads`), properties and property
groups, owners, deal and lead pipelines, associations v4 (batch read, associate default), account info
(``/account-info/v3/details``: the portal id), with
rate-limit headers (``X-HubSpot-RateLimit-Daily(-Remaining)``, ``-Max``, ``-Remaining``; not on search
answers, as HubSpot does) and validation from :mod:`fakes.hubspot_data`.

Batches: a batch create with one invalid record is refused whole (400 ``VALIDATION_ERROR``), one whose
e-mail or unique property value exists is refused whole (409 ``CONFLICT`` naming the first existing
record) — as HubSpot does; a batch update answers 207 with per-id ``OBJECT_NOT_FOUND`` errors. Results come
back in shuffled order (HubSpot does not promise the input order).

Faults: ``fault_share`` of the calls are refused before anything happens (429 with ``Retry-After``, or
502, alternately by the seeded RNG); ``lost_share`` are processed and then answered 504; ``drop_share``
are processed and then the connection is cut mid-answer.
"""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from fakes.hubspot_api import Api
from fakes.hubspot_data import STANDARD, Refused
from fakes.hubspot_leads import lead_properties
from fakes.server import BackgroundServer

TOKEN = "pat-na1-test-token"
ENV = {"JOBSHIFT_HUBSPOT_TOKEN": TOKEN}


def error(status: int, category: str, message: str) -> JSONResponse:
    """HubSpot's error body."""
    body = {"status": "error", "message": message, "correlationId": "fake", "category": category}
    return JSONResponse(body, status_code=status)


class FakeHubSpot(Api):
    """The fake account. Use as a context manager (starts/stops the HTTP server)."""

    def __init__(
        self,
        *,
        token: str = TOKEN,
        daily_limit: int = 1_000_000,
        fault_share: float = 0.0,
        lost_share: float = 0.0,
        drop_share: float = 0.0,
        retry_after: str = "0",
        seed: int = 7,
        leads_object: bool = False,
        portal_id: int = 4242_1717,
        jobshift_properties: bool = True,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(clock=clock)
        self.token = token
        self.daily_limit, self.api_used = daily_limit, 0
        self.fault_share, self.lost_share, self.drop_share = fault_share, lost_share, drop_share
        self.retry_after = retry_after
        self.rng = random.Random(seed)
        self.leads_object = leads_object
        self.calls: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.props = {t: {p["name"]: dict(p) for p in defs} for t, defs in STANDARD.items()}
        if leads_object:
            self.props["leads"] = lead_properties()
        else:
            del self.objects["leads"]
        self.account_info = {"portalId": portal_id, "accountType": "STANDARD", "timeZone": "US/Eastern",
                             "companyCurrency": "USD", "uiDomain": "app.hubspot.com",
                             "dataHostingLocation": "na1"}  # fmt: skip
        if jobshift_properties:
            self.install_jobshift_properties()
        app = Starlette(routes=[Route("/{path:path}", self._dispatch, methods=["GET", "POST", "PATCH"])])
        self._server = BackgroundServer(app)
        self.url = self._server.url

    def __enter__(self) -> FakeHubSpot:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()

    def install_jobshift_properties(self) -> None:
        """Create jobshift's property group and properties on contacts, as `jobshift crm setup` does."""
        from jobshift.connectors.crm.hubspot.fields import (
            JOBSHIFT_PROPERTIES,
            LEAD_PROPERTIES,
            property_definition,
        )

        self.groups.setdefault("contacts", {})["jobshift"] = {"name": "jobshift", "label": "jobshift"}
        for name in JOBSHIFT_PROPERTIES:
            self.props["contacts"][name] = property_definition(name, "jobshift")
        if "leads" in self.props:
            self.groups.setdefault("leads", {})["jobshift"] = {"name": "jobshift", "label": "jobshift"}
            for name in LEAD_PROPERTIES:
                self.props["leads"][name] = property_definition(name, "jobshift")

    # -- dispatch ---------------------------------------------------------------------------------
    async def _dispatch(self, request: Request) -> Response:
        raw = await request.body()
        path = "/" + request.path_params["path"].rstrip("/")
        with self.lock:
            self.calls["total"] += 1
            if request.headers.get("authorization", "") != f"Bearer {self.token}":
                self.calls["unauthorized"] += 1
                return error(401, "INVALID_AUTHENTICATION", "Authentication credentials not found.")
            self.api_used += 1
            if self.api_used > self.daily_limit:
                return error(429, "RATE_LIMITS", "You have reached your daily limit.")
            roll = self.rng.random()
            if roll < self.fault_share:
                return self._fault()
            try:
                body = json.loads(raw) if raw else {}
                kind, status, answer = self.route(request.method, path, dict(request.query_params), body)
            except Refused as exc:
                self.calls["refused"] += 1
                return error(exc.status, exc.category, exc.message)
            self.calls[kind] += 1
            if roll < self.fault_share + self.lost_share:
                self.faults["lost"] += 1
                return error(504, "GATEWAY_TIMEOUT", "answer lost after processing")
            if roll < self.fault_share + self.lost_share + self.drop_share:
                self.faults["dropped"] += 1
                return Response(b'{"status":', status_code=200, headers={"content-length": "4096"})
            resp = JSONResponse(answer, status_code=status)
            if kind != "search":
                resp.headers.update(self._rate_headers())
            return resp

    def _rate_headers(self) -> dict[str, str]:
        return {
            "X-HubSpot-RateLimit-Daily": str(self.daily_limit),
            "X-HubSpot-RateLimit-Daily-Remaining": str(max(0, self.daily_limit - self.api_used)),
            "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
            "X-HubSpot-RateLimit-Max": "190",
            "X-HubSpot-RateLimit-Remaining": "189",
        }

    def _fault(self) -> Response:
        if self.rng.random() < 0.5:
            self.faults["429"] += 1
            resp = error(429, "RATE_LIMITS", "You have reached your secondly limit.")
            resp.headers["Retry-After"] = self.retry_after
            resp.headers.update(self._rate_headers())
            return resp
        self.faults["502"] += 1
        return error(502, "BAD_GATEWAY", "Bad gateway")
