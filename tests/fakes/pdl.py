"""A fake People Data Labs Person Enrichment API over real HTTP on 127.0.0.1.

``GET /v5/person/enrich`` with ``X-Api-Key``; matches by ``profile`` (LinkedIn URL), ``email``, or
``name`` + ``company``; 404 below ``min_likelihood`` or without a match. Faults: ``share_429`` of the
calls answer 429 with ``Retry-After``, ``share_503`` answer 503. ``billed`` counts 200 answers per person.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from fakes.server import BackgroundServer


def _li(url: str) -> str:
    u = url.strip().lower().rstrip("/")
    for prefix in ("https://", "http://", "www."):
        u = u.removeprefix(prefix)
    return u


class FakePdl:
    """The fake API; a context manager that starts and stops the server."""

    def __init__(
        self,
        profiles: list[dict[str, Any]],
        *,
        api_key: str = "pdl-test-key",
        share_429: float = 0.0,
        share_503: float = 0.0,
        retry_after: str = "0",
        seed: int = 5,
    ) -> None:
        self.api_key = api_key
        self.share_429, self.share_503, self.retry_after = share_429, share_503, retry_after
        self.rng = random.Random(seed)
        self.calls: Counter[str] = Counter()
        self.billed: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.profiles = profiles
        app = Starlette(routes=[Route("/v5/person/enrich", self._enrich, methods=["GET", "POST"])])
        self._server = BackgroundServer(app)
        self.url = self._server.url

    def __enter__(self) -> FakePdl:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()

    def _find(self, params: dict[str, str]) -> dict[str, Any] | None:
        for p in self.profiles:
            if (
                "profile" in params
                and p.get("linkedin_url")
                and _li(p["linkedin_url"]) == _li(params["profile"])
            ):
                return p
            if "email" in params:
                emails = {p.get("work_email"), *(p.get("personal_emails") or [])}
                emails |= {e.get("address") for e in p.get("emails") or []}
                if params["email"].lower() in {e.lower() for e in emails if e}:
                    return p
            if "name" in params and "company" in params and self._name_match(p, params):
                return p
        return None

    @staticmethod
    def _name_match(p: dict[str, Any], params: dict[str, str]) -> bool:
        companies = {(e.get("company") or {}).get("name", "").lower() for e in p.get("experience") or []}
        return (p.get("full_name") or "").lower() == params["name"].lower() and params[
            "company"
        ].lower() in companies

    async def _enrich(self, request: Request) -> Response:
        with self.lock:
            self.calls["total"] += 1
            if request.headers.get("x-api-key") != self.api_key:
                self.calls["401"] += 1
                return JSONResponse(
                    {"status": 401, "error": {"type": "authentication_error", "message": "Invalid API key"}},
                    status_code=401,
                )
            roll = self.rng.random()
            if roll < self.share_429:
                self.calls["429"] += 1
                return JSONResponse(
                    {"status": 429, "error": {"type": "rate_limit_error", "message": "Too many requests"}},
                    status_code=429,
                    headers={"Retry-After": self.retry_after},
                )
            if roll < self.share_429 + self.share_503:
                self.calls["503"] += 1
                return JSONResponse({"status": 503, "error": {"message": "unavailable"}}, status_code=503)
            params = dict(request.query_params)
            if not ({"profile", "email"} & params.keys() or {"name", "company"} <= params.keys()):
                self.calls["400"] += 1
                return JSONResponse(
                    {"status": 400, "error": {"type": "invalid_request_error"}}, status_code=400
                )
            found = self._find(params)
            min_lh = int(params.get("min_likelihood", "0"))
            if found is None or int(found.get("likelihood", 9)) < min_lh:
                self.calls["404"] += 1
                return JSONResponse(
                    {"status": 404, "error": {"type": "not_found", "message": "No records were found"}},
                    status_code=404,
                )
            self.calls["200"] += 1
            self.billed[str(found["id"])] += 1
            data = {k: v for k, v in found.items() if k != "likelihood"}
            return JSONResponse({"status": 200, "likelihood": int(found.get("likelihood", 9)), "data": data})
