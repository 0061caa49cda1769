"""People Data Labs Person Enrichment client (``GET /v5/person/enrich``) on httpx.

One call per person: by LinkedIn URL (``profile``), by email, or by name and company. The API key is read
from ``JOBSHIFT_PDL_API_KEY`` only (never from a file) and sent as ``X-Api-Key``. 404 means "no match"
(not billed); 429 is retried after the ``Retry-After`` seconds the server asks for (at most
:data:`MAX_RETRY_AFTER`); 5xx and network errors are retried by the one retry policy
(:mod:`jobshift.utils.retry`: exponential backoff from ``[pdl] backoff_base_seconds`` up to
``backoff_max_seconds``, with jitter); after ``max_attempts`` tries the call raises
:class:`~jobshift.errors.RetryableError`. 401/402/403 (bad key, no credits) raise
:class:`~jobshift.errors.AuthError`. A match comes back as the PDL person dict with ``observed_at`` set,
the shape ``jobshift ingest people`` reads (docs/people-data.md). Tests use a local fake server or
``httpx.MockTransport``.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import httpx

from jobshift.config import PdlSection
from jobshift.errors import AuthError, ConfigError, RetryableError
from jobshift.utils.retry import RetryPolicy, parse_retry_after, retry_call

ENV_API_KEY = "JOBSHIFT_PDL_API_KEY"
ENRICH_PATH = "/v5/person/enrich"
MAX_RETRY_AFTER = 300.0


class PdlUnavailable(RetryableError):
    """PDL answered 429 or 5xx, or not at all: retried by the client; raised after the last try."""


@dataclass(frozen=True)
class PersonLookup:
    """What identifies one person: a LinkedIn URL, an email, or a name and a company."""

    linkedin_url: str | None = None
    email: str | None = None
    name: str | None = None
    company: str | None = None

    def params(self) -> dict[str, str]:
        """The query parameters of this lookup (the strongest identifier only)."""
        if self.linkedin_url:
            return {"profile": self.linkedin_url}
        if self.email:
            return {"email": self.email}
        if self.name and self.company:
            return {"name": self.name, "company": self.company}
        raise ValueError("a lookup needs a LinkedIn URL, an email, or a name and a company")


@dataclass(frozen=True)
class EnrichResult:
    """Outcome of one lookup: ``matched`` (with the profile), ``no_match``, or ``error`` (bad request)."""

    status: Literal["matched", "no_match", "error"]
    profile: dict[str, Any] | None = None
    likelihood: int | None = None
    error: str | None = None


@dataclass
class PdlStats:
    """Calls made (retries included), retries, matches (billed) and misses."""

    calls: int = 0
    retries: int = 0
    rate_limited: int = 0
    matched: int = 0
    no_match: int = 0
    errors: int = 0
    waited_seconds: float = 0.0
    by_status: dict[int, int] = field(default_factory=dict)


class PdlClient:
    """A PDL Person Enrichment client with rate limiting and bounded retries."""

    def __init__(
        self,
        settings: PdlSection,
        *,
        api_key: str | None = None,
        env: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        key = api_key or (os.environ if env is None else env).get(ENV_API_KEY)
        if not key:
            raise ConfigError(f"{ENV_API_KEY} is not set (the People Data Labs API key)", "pdl")
        self.settings = settings
        self._http = httpx.Client(
            base_url=settings.base_url.rstrip("/"),
            headers={"X-Api-Key": key, "Accept": "application/json"},
            timeout=settings.timeout_seconds,
            transport=transport,
        )
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        self.policy = RetryPolicy.from_settings(settings, max_retry_after_seconds=MAX_RETRY_AFTER)
        self._next_at = 0.0
        self.stats = PdlStats()

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._http.close()

    def __enter__(self) -> PdlClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self.stats.waited_seconds += seconds
            self._sleep(seconds)

    def _throttle(self) -> None:
        interval = 60.0 / self.settings.rate_per_minute
        now = self._clock()
        if now < self._next_at:
            self._wait(self._next_at - now)
        self._next_at = max(now, self._next_at) + interval

    def backoff(self, attempt: int) -> float:
        """Seconds before retry ``attempt`` (1-based): exponential, capped, jittered (50–100%)."""
        return self.policy.backoff(attempt, self._rng.random)

    def enrich(self, lookup: PersonLookup, *, observed_at: date) -> EnrichResult:
        """Enrich one person; the profile's ``observed_at`` is ``observed_at`` (ISO date)."""
        params = {**lookup.params(), "min_likelihood": str(self.settings.min_likelihood)}

        def once(attempt: int) -> EnrichResult:
            self._throttle()
            self.stats.calls += 1
            try:
                resp = self._http.get(ENRICH_PATH, params=params)
            except httpx.TransportError as exc:
                retry: float | None = None
                reason = f"network error: {exc}"
            else:
                code = resp.status_code
                self.stats.by_status[code] = self.stats.by_status.get(code, 0) + 1
                if code == 200:
                    return self._matched(resp, observed_at)
                if code == 404:
                    self.stats.no_match += 1
                    return EnrichResult("no_match")
                if code in (401, 402, 403):
                    raise AuthError(f"People Data Labs: HTTP {code}: {_message(resp)}")
                if code == 429:
                    self.stats.rate_limited += 1
                    retry = _retry_after(resp)
                    reason = f"rate limited (429): {_message(resp)}"
                elif code >= 500:
                    retry = None
                    reason = f"HTTP {code}: {_message(resp)}"
                else:
                    self.stats.errors += 1
                    return EnrichResult("error", error=f"HTTP {code}: {_message(resp)}")
            tries = f" (after {attempt} tries)" if self.policy.gives_up(attempt) else ""
            raise PdlUnavailable(f"People Data Labs: {reason}{tries}", retry_after=retry)

        return retry_call(
            once,
            self.policy,
            sleep=self._wait,
            rand=self._rng.random,
            retry_on=PdlUnavailable,
            on_retry=self._retried,
        )

    def _retried(self, attempt: int, error: BaseException, wait: float) -> None:
        self.stats.retries += 1

    def _matched(self, resp: httpx.Response, observed_at: date) -> EnrichResult:
        try:
            body = resp.json()
        except ValueError:
            raise RetryableError("People Data Labs: invalid JSON in a 200 response") from None
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            raise RetryableError("People Data Labs: 200 response without data")
        self.stats.matched += 1
        profile = {**data, "observed_at": observed_at.isoformat()}
        likelihood = body.get("likelihood")
        return EnrichResult("matched", profile=profile, likelihood=int(likelihood) if likelihood else None)


def _retry_after(resp: httpx.Response) -> float | None:
    wait = parse_retry_after(resp.headers.get("Retry-After"))
    return None if wait is None else min(wait, MAX_RETRY_AFTER)


def _message(resp: httpx.Response) -> str:
    try:
        body = resp.json()
    except ValueError:
        return resp.text[:200]
    err = body.get("error") if isinstance(body, dict) else None
    if isinstance(err, dict):
        return str(err.get("message") or err.get("type") or err)
    return str(err or body)[:200]
