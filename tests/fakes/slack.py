"""A fake Slack Web API over real HTTP on 127.0.0.1: auth.test, users.info, conversations.open,
chat.postMessage, conversations.history (with message metadata), fault injection and call counters.

Faults (seeded RNG, per API call): ``rate_limit_share`` answered 429 with ``Retry-After`` (nothing
happens), ``error_share`` answered 500 before anything happens, ``lost_share`` of postMessage calls are
processed (the message is stored) and *then* answered 500 — the client cannot know it was posted.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from fakes.server import BackgroundServer

TOKEN = "xoxb-test-token"


class FakeSlack:
    """The fake workspace. Use as a context manager; ``base_url`` is what slack-sdk's ``base_url`` takes."""

    def __init__(
        self,
        *,
        users: dict[str, dict[str, Any]] | None = None,
        rate_limit_share: float = 0.0,
        retry_after: str = "1",
        error_share: float = 0.0,
        lost_share: float = 0.0,
        seed: int = 11,
        token: str = TOKEN,
        faults_on: tuple[str, ...] = ("chat.postMessage", "conversations.open", "conversations.history"),
    ) -> None:
        self.users = users or {}
        self.rate_limit_share, self.retry_after = rate_limit_share, retry_after
        self.error_share, self.lost_share = error_share, lost_share
        self.faults_on = faults_on
        self.token = token
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.calls: Counter[str] = Counter()
        self.answers: Counter[str] = Counter()
        self.messages: dict[str, list[dict[str, Any]]] = {}  # channel -> messages, oldest first
        self.call_log: list[tuple[float, str, int]] = []  # (monotonic time, method, status)
        self._ts = 1_700_000_000.0
        self.forced: list[int] = []  # statuses to answer next, before the random faults
        app = Starlette(routes=[Route("/api/{method}", self._handle, methods=["GET", "POST"])])
        self.server = BackgroundServer(app)

    @property
    def base_url(self) -> str:
        """The API root (``.../api/``)."""
        return f"{self.server.url}/api/"

    def __enter__(self) -> FakeSlack:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()

    def posted(self) -> list[dict[str, Any]]:
        """Every stored message, all channels."""
        with self.lock:
            return [m for msgs in self.messages.values() for m in msgs]

    def keys(self) -> Counter[str]:
        """How many stored messages carry each notification key (exactly once: every count is 1)."""
        return Counter((m.get("metadata") or {}).get("event_payload", {}).get("key") for m in self.posted())

    async def _args(self, request: Request) -> dict[str, Any]:
        args: dict[str, Any] = {k: v for k, v in request.query_params.items()}
        body = await request.body()
        if body:
            ctype = request.headers.get("content-type", "")
            if "json" in ctype:
                args.update(json.loads(body))
            else:
                args.update({k: v[0] for k, v in parse_qs(body.decode()).items()})
        return args

    def _log(self, method: str, status: int) -> None:
        self.call_log.append((time.monotonic(), method, status))
        self.answers[f"{method}:{status}"] += 1

    async def _handle(self, request: Request) -> Response:
        method = request.path_params["method"]
        args = await self._args(request)
        with self.lock:
            self.calls[method] += 1
            if request.headers.get("authorization") != f"Bearer {self.token}":
                self._log(method, 200)
                return JSONResponse({"ok": False, "error": "invalid_auth"})
            forced = self.forced.pop(0) if self.forced else None
            faulty = method in self.faults_on
            if forced == 429 or (forced is None and faulty and self.rng.random() < self.rate_limit_share):
                self._log(method, 429)
                return JSONResponse(
                    {"ok": False, "error": "ratelimited"},
                    status_code=429,
                    headers={"Retry-After": self.retry_after},
                )
            if forced == 500 or (forced is None and faulty and self.rng.random() < self.error_share):
                self._log(method, 500)
                return Response("upstream error", status_code=500)
            lost = forced == 599 or (
                forced is None and method == "chat.postMessage" and self.rng.random() < self.lost_share
            )
            out = self._dispatch(method, args)
            if lost:
                self._log(method, 500)
                return Response("lost after processing", status_code=500)
            self._log(method, 200)
            return JSONResponse(out)

    def _next_ts(self) -> str:
        self._ts = max(self._ts + 0.000100, time.time())
        return f"{self._ts:.6f}"

    def _dispatch(self, method: str, a: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "user_id": "UBOT", "team_id": "T1", "bot_id": "B1"}
        if method == "users.info":
            u = self.users.get(str(a.get("user")))
            return {"ok": True, "user": u} if u else {"ok": False, "error": "user_not_found"}
        if method == "conversations.open":
            uid = str(a.get("users") or "")
            if self.users and uid not in self.users:
                return {"ok": False, "error": "user_not_found"}
            return {"ok": True, "channel": {"id": f"D{uid}"}}
        if method == "chat.postMessage":
            ch = str(a.get("channel") or "")
            if not ch or ch.startswith("CNOTFOUND"):
                return {"ok": False, "error": "channel_not_found"}
            blocks = a.get("blocks")
            if isinstance(blocks, str):
                blocks = json.loads(blocks)
            meta = a.get("metadata")
            if isinstance(meta, str):
                meta = json.loads(meta)
            msg = {"ts": self._next_ts(), "text": a.get("text"), "blocks": blocks, "metadata": meta}
            self.messages.setdefault(ch, []).append(msg)
            return {"ok": True, "channel": ch, "ts": msg["ts"], "message": {"text": a.get("text")}}
        if method == "conversations.history":
            ch = str(a.get("channel") or "")
            msgs = list(reversed(self.messages.get(ch, [])))
            oldest = float(a.get("oldest") or 0)
            msgs = [m for m in msgs if float(m["ts"]) > oldest]
            limit = int(a.get("limit") or 100)
            start = int(a.get("cursor") or 0)
            page = msgs[start : start + limit]
            with_meta = str(a.get("include_all_metadata", "")).lower() in ("1", "true")
            out = [m if with_meta else {k: v for k, v in m.items() if k != "metadata"} for m in page]
            more = start + limit < len(msgs)
            return {
                "ok": True,
                "messages": out,
                "has_more": more,
                "response_metadata": {"next_cursor": str(start + limit) if more else ""},
            }
        return {"ok": False, "error": "unknown_method"}
