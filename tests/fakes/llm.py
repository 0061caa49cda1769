"""A strict local OpenAI-compatible chat server (``POST /v1/chat/completions``) with deterministic replies.

It checks the request as OpenAI-compatible servers do: ``model`` known (404 ``model_not_found``
otherwise, as Ollama and vLLM answer), ``messages`` a non-empty list of ``{role, content}``, the bearer
key when one is configured (401). The reply is ``reply(facts)`` where ``facts`` is the user message's
``- label: value`` lines as a dict, so a test can answer from the evidence (grounded) or invent facts
on purpose. Faults: ``fault_share`` of the calls answer 429 (``Retry-After: 0``) or 503. ``prompts``
keeps every request's messages (to check that only the evidence was sent).
"""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from fakes.server import BackgroundServer

Reply = Callable[[dict[str, str]], str]


def grounded(facts: dict[str, str]) -> str:
    """A draft that states only the facts (as a careful model would)."""
    first = facts.get("person first name", "there")
    company = facts.get("new company", "your new company")
    sender = facts.get("sender name", "")
    body = (
        f"Hi {first},\n\nCongrats on joining {company}! Would you be open to a quick chat?\n\nBest,\n{sender}"
    )
    return json.dumps(
        {
            "subject": f"Congrats on {company}",
            "body": body,
            "linkedin_note": f"Congrats on joining {company}, {first}!",
        }
    )


def facts_of(content: str) -> dict[str, str]:
    """``- label: value`` lines of a prompt as a dict."""
    out = {}
    for line in content.splitlines():
        if line.startswith("- ") and ": " in line:
            k, v = line[2:].split(": ", 1)
            out[k] = v
    return out


class FakeLlm:
    """The fake server; a context manager. ``url`` is the API root to configure (``…/v1``)."""

    def __init__(
        self,
        reply: Reply = grounded,
        *,
        model: str = "test-model",
        api_key: str | None = None,
        fault_share: float = 0.0,
        tokens: tuple[int, int] = (120, 80),
        seed: int = 3,
    ) -> None:
        self.reply, self.model, self.api_key, self.fault_share, self.tokens = (
            reply,
            model,
            api_key,
            fault_share,
            tokens,
        )
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.calls = 0
        self.faults = 0
        self.prompts: list[list[dict[str, Any]]] = []
        app = Starlette(routes=[Route("/v1/chat/completions", self._chat, methods=["POST"])])
        self._server = BackgroundServer(app)
        self.url = self._server.url + "/v1"

    def __enter__(self) -> FakeLlm:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()

    async def _chat(self, request: Request) -> Response:
        with self.lock:
            self.calls += 1
            if self.api_key and request.headers.get("authorization") != f"Bearer {self.api_key}":
                return JSONResponse(
                    {"error": {"message": "Incorrect API key", "type": "invalid_request_error"}}, 401
                )
            if self.rng.random() < self.fault_share:
                self.faults += 1
                if self.rng.random() < 0.5:
                    return JSONResponse(
                        {"error": {"message": "rate limited"}}, 429, headers={"Retry-After": "0"}
                    )
                return JSONResponse({"error": {"message": "overloaded"}}, 503)
            try:
                body = json.loads(await request.body())
            except ValueError:
                return JSONResponse({"error": {"message": "invalid JSON"}}, 400)
            msgs = body.get("messages")
            if body.get("model") != self.model:
                return JSONResponse(
                    {
                        "error": {
                            "message": f"model '{body.get('model')}' not found",
                            "code": "model_not_found",
                        }
                    },
                    404,
                )
            if (
                not isinstance(msgs, list)
                or not msgs
                or not all(
                    isinstance(m, dict) and m.get("role") and isinstance(m.get("content"), str) for m in msgs
                )
            ):
                return JSONResponse({"error": {"message": "messages must be a list of {role, content}"}}, 400)
            self.prompts.append(msgs)
            user = next((m["content"] for m in reversed(msgs) if m["role"] == "user"), "")
            text = self.reply(facts_of(user))
        p, c = self.tokens
        return JSONResponse(
            {
                "id": f"chatcmpl-{self.calls}",
                "object": "chat.completion",
                "model": self.model,
                "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
                ],
                "usage": {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c},
            }
        )
