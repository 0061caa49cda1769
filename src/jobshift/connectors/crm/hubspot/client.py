"""The HubSpot client: the official ``hubspot-api-client`` with timeouts, bounded retries and usage headers.

``HubSpot(access_token=…, host=[hubspot] base_url)`` builds the generated API classes; every call goes
through :meth:`HubSpotClient.call`, which passes a (connect, read) timeout, reads the raw JSON response
(``_preload_content=False``: no model classes, no surprises on fields they do not know), records the
``X-HubSpot-RateLimit-*`` headers, retries 429 (after ``Retry-After``, honoured up to 10 × ``[hubspot]
backoff_max_seconds``), 5xx and dropped connections by the one retry policy (:mod:`jobshift.utils.retry`:
``max_attempts``, exponential backoff with jitter), and raises a classified error at the end:
:class:`HubSpotHttpError` (a ``FatalError`` carrying status and body, so callers can resolve 409
conflicts) or ``RetryableError``.
The token (``JOBSHIFT_HUBSPOT_TOKEN``) is never logged or put into an error message.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

import urllib3
from hubspot import HubSpot
from urllib3.util.retry import Retry

from jobshift.config import HubSpotSection
from jobshift.connectors.crm.call_stats import CallStats as BaseCallStats
from jobshift.errors import ConfigError, FatalError, RetryableError
from jobshift.utils.retry import RetryPolicy, parse_retry_after, retry_call

ENV_TOKEN = "JOBSHIFT_HUBSPOT_TOKEN"
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
RETRY_AFTER_CAP_FACTOR = 10
"""A ``Retry-After`` is honoured up to this many times ``backoff_max_seconds``."""


@dataclass
class CallStats(BaseCallStats):
    """HubSpot's counters besides the common ones: calls answered 429 (throttled)."""

    throttled: int = 0


class HubSpotHttpError(FatalError):
    """HubSpot refused a call (4xx other than 429): status, error category and the parsed body."""

    def __init__(self, what: str, status: int, body: Any) -> None:
        self.status = status
        self.body = body if isinstance(body, dict) else {"message": str(body)[:500]}
        self.category = str(self.body.get("category") or "")
        self.message = str(self.body.get("message") or "")
        super().__init__(f"HubSpot {what}: HTTP {status} {self.category} {self.message}".strip())


@dataclass
class Usage:
    """The newest rate-limit headers seen: daily limit / remaining, interval remaining."""

    daily: int | None = None
    daily_remaining: int | None = None
    interval_remaining: int | None = None


def _token(env: Mapping[str, str] | None) -> str:
    token = (env if env is not None else os.environ).get(ENV_TOKEN)
    if not token:
        raise ConfigError(f"set {ENV_TOKEN} to the private app's access token", "hubspot")
    return token


class HubSpotClient:
    """One HubSpot account (see the module docstring); ``apis`` are built once and reused."""

    def __init__(
        self,
        settings: HubSpotSection,
        *,
        env: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self.stats = CallStats()
        self.usage = Usage()
        self._sleep = sleep
        self._rng = rng or random.Random()
        self.policy = RetryPolicy.from_settings(
            settings, max_retry_after_seconds=settings.backoff_max_seconds * RETRY_AFTER_CAP_FACTOR
        )
        api = HubSpot(
            access_token=_token(env),
            host=settings.base_url.rstrip("/"),
            retry=Retry(total=0, connect=0, read=0, redirect=0, status=0, raise_on_status=False),
        )
        crm = api.crm
        self.objects_search = crm.objects.search_api
        self.objects_batch = crm.objects.batch_api
        self.properties = crm.properties.core_api
        self.property_groups = crm.properties.groups_api
        self.owners = crm.owners.owners_api
        self.pipelines = crm.pipelines.pipelines_api
        self.associations = crm.associations.v4.batch_api

    # -- the one call path -------------------------------------------------------------------------
    def call(self, what: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call ``fn`` (a generated API method) and return its JSON body (see the module docstring)."""
        return self._call(self.policy, what, fn, *args, **kwargs)

    def call_once(self, what: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """:meth:`call` tried once: for a create that is not idempotent (the caller looks for its
        records again before re-sending, since a 5xx may come after HubSpot created them)."""
        return self._call(replace(self.policy, max_attempts=1), what, fn, *args, **kwargs)

    def _call(self, policy: RetryPolicy, what: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        s = self.settings
        timeout = (s.connect_timeout_seconds, s.timeout_seconds)

        def once(attempt: int) -> Any:
            self.stats.calls[what] += 1
            try:
                raw = fn(*args, _preload_content=False, _request_timeout=timeout, **kwargs)
                self._headers(raw.headers)
                data = raw.data
                return json.loads(data) if data else {}
            except Exception as exc:
                if _is_api_exception(exc):
                    status, body = int(getattr(exc, "status", 0) or 0), _json(getattr(exc, "body", None))
                    headers = getattr(exc, "headers", None)
                    self._headers(headers)
                    if status and status not in _RETRY_STATUS:
                        raise HubSpotHttpError(what, status, body) from None
                    retry_after = None
                    if status == 429:
                        self.stats.throttled += 1
                        retry_after = _retry_after(headers)
                    message = f"HubSpot {what}: HTTP {status or 'network error'} {_msg(body)}"
                    raise RetryableError(message, retry_after=retry_after) from None
                if _is_network(exc):
                    raise RetryableError(f"HubSpot {what}: network error: {type(exc).__name__}") from None
                raise

        return retry_call(
            once,
            policy,
            sleep=self._sleep,
            rand=self._rng.random,
            retry_on=RetryableError,
            on_retry=self._retried,
        )

    def _retried(self, attempt: int, error: BaseException, wait: float) -> None:
        self.stats.retries += 1

    def _headers(self, headers: Any) -> None:
        if not headers:
            return
        h = {str(k).lower(): v for k, v in dict(headers).items()}
        for name, attr in (
            ("x-hubspot-ratelimit-daily", "daily"),
            ("x-hubspot-ratelimit-daily-remaining", "daily_remaining"),
            ("x-hubspot-ratelimit-remaining", "interval_remaining"),
        ):
            if name in h:
                with contextlib.suppress(ValueError):
                    setattr(self.usage, attr, int(h[name]))

    # -- helpers over the generated APIs -----------------------------------------------------------
    def search(self, object_type: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """One page of ``POST /crm/v3/objects/{type}/search``."""
        return dict(
            self.call(f"search {object_type}", self.objects_search.do_search, object_type, dict(body))
        )

    def search_all(self, object_type: str, body: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        """Every result of a search, page by page with ``after`` (within the 10,000-result window)."""
        after: str | None = None
        while True:
            page = self.search(object_type, {**body, **({"after": after} if after else {})})
            results = page.get("results") or []
            self.stats.records_read += len(results)
            yield from results
            after = ((page.get("paging") or {}).get("next") or {}).get("after")
            if not after or not results:
                return

    def account_info(self) -> dict[str, Any]:
        """The account's ``portalId``, ``uiDomain``, time zone… (``GET /account-info/v3/details``; the
        generated clients have no API class for it, so the call goes through one of their ``ApiClient``s)."""
        api_client = self.objects_batch.api_client

        def fetch(**kwargs: Any) -> Any:
            return api_client.call_api(
                "/account-info/v3/details", "GET", {}, [], {"Accept": "application/json"},
                auth_settings=["oauth2"], response_types_map={}, **kwargs,
            )  # fmt: skip

        return dict(self.call("account info", fetch))

    def property_list(self, object_type: str) -> list[dict[str, Any]]:
        """Every property definition of ``object_type`` (``GET /crm/v3/properties/{type}``)."""
        body = self.call(f"properties {object_type}", self.properties.get_all, object_type)
        return list(body.get("results") or [])

    def owner_list(self) -> Iterator[dict[str, Any]]:
        """Every owner (``GET /crm/v3/owners``, paged)."""
        after: str | None = None
        while True:
            kw: dict[str, Any] = {"limit": 100, **({"after": after} if after else {})}
            page = self.call("owners", self.owners.get_page, **kw)
            yield from page.get("results") or []
            after = ((page.get("paging") or {}).get("next") or {}).get("after")
            if not after:
                return

    def association_ids(self, from_type: str, to_type: str, ids: list[str]) -> dict[str, list[str]]:
        """Associated record ids per ``from`` id."""
        links = self.association_links(from_type, to_type, ids)
        return {k: [t for t, _ in v] for k, v in links.items()}

    def association_links(
        self, from_type: str, to_type: str, ids: list[str]
    ) -> dict[str, list[tuple[str, str | None]]]:
        """(associated id, label) per ``from`` id (``POST /crm/v4/associations/{from}/{to}/batch/read``)."""
        out: dict[str, list[tuple[str, str | None]]] = {}
        for i in range(0, len(ids), 1000):
            body = {"inputs": [{"id": x} for x in ids[i : i + 1000]]}
            page = self.call(
                f"associations {from_type}->{to_type}", self.associations.get_page, from_type, to_type, body
            )
            for r in page.get("results") or []:
                src = str((r.get("from") or {}).get("id"))
                for t in r.get("to") or []:
                    labels = [a.get("label") for a in t.get("associationTypes") or [] if a.get("label")]
                    out.setdefault(src, []).append((str(t.get("toObjectId")), labels[0] if labels else None))
        return out


def _json(body: Any) -> Any:
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    try:
        return json.loads(body) if body else {}
    except (TypeError, ValueError):
        return {"message": str(body)[:300]}


def _msg(body: Any) -> str:
    return str(body.get("message") or "")[:300] if isinstance(body, dict) else ""


def _retry_after(headers: Any) -> float | None:
    value = dict(headers or {}).get("Retry-After") or dict(headers or {}).get("retry-after")
    return parse_retry_after(value)


def _is_api_exception(exc: BaseException) -> bool:
    """An ``ApiException`` (or subclass: ``ServiceException``…) of any generated package: one class per
    package, all with ``status``, ``body`` and ``headers``."""
    return any(c.__name__ == "ApiException" for c in type(exc).__mro__)


def _is_network(exc: BaseException) -> bool:
    return isinstance(exc, urllib3.exceptions.HTTPError | ConnectionError | TimeoutError)
