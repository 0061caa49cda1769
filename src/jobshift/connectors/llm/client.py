"""An OpenAI-compatible chat client on httpx: ``POST {base_url}/chat/completions``.

Works with any server that speaks the OpenAI chat API: Ollama (``http://127.0.0.1:11434/v1``), vLLM
(``http://host:8000/v1``), llama.cpp's ``llama-server`` (``http://host:8080/v1``) or a hosted provider.
The key is read from the environment variable ``[outreach.llm] api_key_env`` names (a local server needs
none) and sent as ``Authorization: Bearer``. Retries and error classes are those of
:mod:`jobshift.connectors.json_api`; a 4xx other than 401/403/429 (an unknown model, a bad request) is a
:class:`~jobshift.errors.FatalError` for the run: every further call would fail the same way.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import httpx

from jobshift.config import LlmSection
from jobshift.connectors.json_api import JsonApi, message
from jobshift.errors import FatalError, RetryableError
from jobshift.utils.retry import RetryPolicy


@dataclass(frozen=True)
class ChatReply:
    """The model's answer and what it cost."""

    text: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    seconds: float


class ChatClient:
    """Chat completions against one OpenAI-compatible endpoint."""

    def __init__(
        self,
        settings: LlmSection,
        *,
        env: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        key = (os.environ if env is None else env).get(settings.api_key_env)
        headers = {"Accept": "application/json", "Content-Type": "application/json"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        self._api = JsonApi(
            "LLM",
            settings.base_url,
            headers=headers,
            timeout=settings.timeout_seconds,
            policy=RetryPolicy.from_settings(settings),
            transport=transport,
            sleep=sleep,
        )
        self._clock = clock

    @property
    def calls(self) -> int:
        """HTTP calls made so far (retries included)."""
        return self._api.stats.calls

    def close(self) -> None:
        """Close the connection pool."""
        self._api.close()

    def chat(self, messages: Sequence[Mapping[str, str]]) -> ChatReply:
        """One completion of ``messages`` (deterministic settings: the configured temperature)."""
        s = self.settings
        body = {
            "model": s.model,
            "messages": [dict(m) for m in messages],
            "temperature": s.temperature,
            "max_tokens": s.max_tokens,
            "stream": False,
        }
        started = self._clock()
        resp = self._api.request("POST", "/chat/completions", json=body)
        seconds = self._clock() - started
        if not resp.ok:
            raise FatalError(f"LLM: HTTP {resp.status}: {message(resp.body)}")
        data = resp.body
        try:
            choice = data["choices"][0]
            text = choice["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise RetryableError("LLM: a 200 answer without choices[0].message.content") from None
        if not isinstance(text, str):
            raise RetryableError("LLM: the message content is not text")
        usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
        return ChatReply(
            text=text,
            model=str(data.get("model") or s.model),
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or 0),
            seconds=seconds,
        )
