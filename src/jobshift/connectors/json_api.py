"""One small JSON-over-HTTP client (httpx) with the retry rules of the connectors, in one place.

Used by the sequence-tool connectors and the LLM client. Every call is counted; 429 waits the
``Retry-After`` seconds the server asks for (capped); 5xx, 408 and network errors are retried with
capped exponential backoff and jitter (:class:`jobshift.utils.retry.RetryPolicy`, the policy of every
client); after ``max_attempts`` tries the call raises
:class:`~jobshift.errors.RetryableError` (the outbox keeps the row pending). 401/403 raise
:class:`~jobshift.errors.FatalError` (stop and tell the admin). Other answers are returned to the caller,
which classifies its own 4xx (a validation error fails one record, not the run).
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from jobshift.errors import FatalError, RetryableError
from jobshift.utils.retry import RetryPolicy

MAX_RETRY_AFTER = 120.0


@dataclass
class ApiStats:
    """Calls made (retries included) by status, retries, seconds waited."""

    calls: int = 0
    retries: int = 0
    waited_seconds: float = 0.0
    by_status: Counter[int] = field(default_factory=Counter)


@dataclass(frozen=True)
class ApiResponse:
    """A non-retryable answer: status, parsed JSON body (``None`` when not JSON) and headers."""

    status: int
    body: Any
    headers: Mapping[str, str]

    @property
    def ok(self) -> bool:
        """2xx."""
        return 200 <= self.status < 300


class JsonApi:
    """A JSON API at ``base_url`` with fixed headers, timeouts and :class:`RetryPolicy`."""

    def __init__(
        self,
        name: str,
        base_url: str,
        *,
        headers: Mapping[str, str],
        timeout: float,
        policy: RetryPolicy,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        verify: bool | str = True,
    ) -> None:
        self.name = name
        self.policy = policy
        self.stats = ApiStats()
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers=dict(headers),
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            transport=transport,
            verify=verify,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def backoff(self, attempt: int) -> float:
        """Seconds before retry ``attempt`` (1-based): the policy's backoff, jittered by this client's rng."""
        return self.policy.backoff(attempt, self._rng.random)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> ApiResponse:
        """One call with retries; the answer unless it is retryable to the end or fatal."""
        attempt = 0
        while True:
            attempt += 1
            self.stats.calls += 1
            retry_after: float | None = None
            try:
                resp = self._http.request(
                    method, path, params=params, json=json, content=content, headers=headers
                )
            except httpx.TransportError as exc:
                reason = f"network error: {type(exc).__name__}"
            else:
                code = resp.status_code
                self.stats.by_status[code] += 1
                body = _json(resp)
                if code in (401, 403):
                    raise FatalError(f"{self.name}: HTTP {code}: {message(body, resp.text)}")
                if code == 429:
                    retry_after = _retry_after(resp.headers)
                    reason = f"rate limited (429): {message(body, resp.text)}"
                elif code >= 500 or code == 408:
                    reason = f"HTTP {code}: {message(body, resp.text)}"
                else:
                    return ApiResponse(code, body, resp.headers)
            if self.policy.gives_up(attempt):
                raise RetryableError(
                    f"{self.name}: {reason} (after {attempt} tries)", retry_after=retry_after
                )
            self.stats.retries += 1
            wait = retry_after if retry_after is not None else self.backoff(attempt)
            self.stats.waited_seconds += wait
            self._sleep(wait)


def _json(resp: httpx.Response) -> Any:
    try:
        return resp.json()
    except ValueError:
        return None


def _retry_after(headers: Mapping[str, str]) -> float | None:
    raw = headers.get("Retry-After")
    if raw is None:
        return None
    try:
        return min(max(float(raw), 0.0), MAX_RETRY_AFTER)
    except ValueError:
        return None


def message(body: Any, text: str = "") -> str:
    """A short error message from the common JSON error shapes (JSON:API ``errors``, ``message``...)."""
    if isinstance(body, dict):
        errs = body.get("errors")
        if isinstance(errs, list) and errs:
            first = errs[0]
            if isinstance(first, dict):
                return str(first.get("detail") or first.get("title") or first.get("message") or first)[:300]
            return str(first)[:300]
        if isinstance(errs, dict) and errs:
            return "; ".join(
                f"{k} {', '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in errs.items()
            )[:300]
        for key in ("message", "error_description", "error", "detail"):
            if body.get(key):
                err = body[key]
                return str(err.get("message") if isinstance(err, dict) else err)[:300]
    if isinstance(body, list) and body and isinstance(body[0], dict):
        return str(body[0].get("message") or body[0])[:300]
    return (text or "")[:300]
