"""The Salesforce client: OAuth, bounded retries, SOQL paging, describe, limits, composite and Bulk 2.0.

A thin layer over the real ``simple_salesforce.Salesforce``: this module logs in with OAuth against a
configurable login URL (username-password flow when a username is set, else client credentials), gives
the access token to ``Salesforce(session_id=…, instance_url=…)``, and wraps every API call in
:meth:`SalesforceClient.call`, which counts it, re-authenticates once on ``INVALID_SESSION_ID``, retries
transient failures (503, ``REQUEST_LIMIT_EXCEEDED``) by the one retry policy (:mod:`jobshift.utils.retry`:
``[salesforce] max_attempts``, exponential backoff from ``backoff_base_seconds`` up to
``backoff_max_seconds`` with jitter), and raises a classified :class:`~jobshift.errors.RetryableError` /
:class:`~jobshift.errors.FatalError` at the end (:class:`~jobshift.errors.AuthError` for refused
credentials).
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any, TypeVar
from urllib.parse import quote

import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceError

from jobshift.config import SalesforceSection
from jobshift.connectors.crm.call_stats import CallStats as BaseCallStats
from jobshift.connectors.crm.salesforce.errors import classify, is_session_error
from jobshift.errors import AuthError, ConfigError, FatalError, JobshiftError, PausedError, RetryableError
from jobshift.utils.retry import RetryPolicy, retry_call

T = TypeVar("T")
ENV_PASSWORD = "JOBSHIFT_SF_PASSWORD"
ENV_TOKEN = "JOBSHIFT_SF_TOKEN"
ENV_CLIENT_SECRET = "JOBSHIFT_SF_CLIENT_SECRET"
COMPOSITE_QUERIES = 5
"""Query subrequests Salesforce allows in one Composite request."""


@dataclass
class CallStats(BaseCallStats):
    """Salesforce's counters besides the common ones: re-logins, Bulk 2.0 jobs, calls the guard refused."""

    reauths: int = 0
    bulk_jobs: int = 0
    calls_refused: int = 0
    """Calls not made because API usage was at the pause threshold."""


class TimeoutSession(requests.Session):
    """A session whose every request has a (connect, read) timeout unless the caller gives one
    (simple-salesforce sets none on most calls); optionally verifying TLS with one CA file, whatever
    ``REQUESTS_CA_BUNDLE`` says (requests lets that variable override ``Session.verify``)."""

    def __init__(self, timeout: tuple[float, float], ca_bundle: str | None = None) -> None:
        super().__init__()
        self.timeout = timeout
        self._ca_bundle = ca_bundle
        if ca_bundle:
            self.verify = ca_bundle

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        """``requests.Session.request`` with the default timeout."""
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().request(method, url, *args, **kwargs)

    def merge_environment_settings(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Environment settings, with ``verify`` pinned to the configured CA file."""
        out: dict[str, Any] = super().merge_environment_settings(*args, **kwargs)
        if self._ca_bundle:
            out["verify"] = self._ca_bundle
        return out


def _net_reason(exc: requests.RequestException) -> str:
    """A short reason for a network failure (requests' own messages run to several hundred characters)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "connection timed out"
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return "no answer within the read timeout"
    text = str(exc)
    for marker, reason in (
        ("Connection refused", "connection refused"),
        ("Name or service not known", "host name not found"),
        ("nodename nor servname", "host name not found"),
        ("Temporary failure in name resolution", "host name not found"),
        ("Network is unreachable", "network unreachable"),
        ("No route to host", "no route to host"),
        ("timed out", "connection timed out"),
    ):
        if marker in text:
            return reason
    return type(exc).__name__


class SalesforceClient:
    """One authenticated Salesforce session with bounded retries and call counters."""

    def __init__(
        self,
        settings: SalesforceSection,
        *,
        env: Mapping[str, str] | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self._env = os.environ if env is None else env
        if session is None:
            timeout = (settings.connect_timeout_seconds, settings.timeout_seconds)
            session = TimeoutSession(timeout, settings.ca_bundle)
        self.session = session
        self.sleep = sleep
        self._rng = rng or random.Random()
        self.policy = RetryPolicy.from_settings(settings)
        self.stats = CallStats()
        self._sf: Salesforce | None = None

    # -- authentication ---------------------------------------------------------------------------
    def _token_request(self) -> dict[str, str]:
        s = self.settings
        secret = self._env.get(ENV_CLIENT_SECRET)
        if not s.client_id or not secret:
            raise ConfigError(
                f"client_id and {ENV_CLIENT_SECRET} are required for OAuth", "salesforce.client_id"
            )
        data = {"client_id": s.client_id, "client_secret": secret}
        if s.username:
            password = self._env.get(ENV_PASSWORD)
            if not password:
                raise ConfigError(f"{ENV_PASSWORD} is not set", "salesforce.username")
            data |= {
                "grant_type": "password",
                "username": s.username,
                "password": password + self._env.get(ENV_TOKEN, ""),
            }
        else:
            data["grant_type"] = "client_credentials"
        return data

    def login(self) -> None:
        """Get an access token from ``{login_url}/services/oauth2/token`` and open the REST session."""
        url = self.settings.login_url.rstrip("/") + "/services/oauth2/token"
        self.stats.calls["oauth"] += 1
        try:
            resp = self.session.post(
                url,
                data=self._token_request(),
                timeout=(self.settings.connect_timeout_seconds, self.settings.timeout_seconds),
            )
        except requests.exceptions.SSLError as exc:
            raise FatalError(f"Salesforce login: TLS verification failed for {url}: {exc}") from None
        except requests.RequestException as exc:
            raise RetryableError(f"Salesforce login: cannot reach {url} ({_net_reason(exc)})") from None
        try:
            payload = resp.json()
        except ValueError:
            payload = {}
        if resp.status_code >= 500:
            raise RetryableError(f"Salesforce login: HTTP {resp.status_code}")
        if resp.status_code != 200 or "access_token" not in payload:
            err = payload.get("error") or f"HTTP {resp.status_code}"
            desc = payload.get("error_description") or resp.text[:200]
            raise AuthError(f"Salesforce login failed ({url}): {err}: {desc}")
        instance = self.settings.instance_url or payload.get("instance_url")
        if not instance:
            raise FatalError(
                "Salesforce login: no instance_url in the token response; set salesforce.instance_url"
            )
        self._sf = Salesforce(
            session_id=payload["access_token"],
            instance_url=instance,
            version=self.settings.api_version,
            session=self.session,
        )

    @property
    def sf(self) -> Salesforce:
        """The authenticated ``simple_salesforce.Salesforce`` (logs in on first use)."""
        if self._sf is None:
            self._with_retries("oauth", self.login, count=False, attempts=self.settings.login_attempts)
        assert self._sf is not None
        return self._sf

    # -- calls with retries -----------------------------------------------------------------------
    def backoff(self, attempt: int) -> float:
        """Seconds to wait before retry ``attempt`` (1-based): the retry policy's jittered backoff."""
        return self.policy.backoff(attempt, self._rng.random)

    def _with_retries(
        self, kind: str, fn: Callable[[], T], *, count: bool = True, attempts: int | None = None
    ) -> T:
        reauthed = False

        def once(attempt: int) -> T:
            nonlocal reauthed
            while True:
                if count:
                    self.stats.calls[kind] += 1
                try:
                    return fn()
                except Exception as exc:
                    if is_session_error(exc) and not reauthed:
                        reauthed = True
                        self.stats.reauths += 1
                        self._sf = None
                        self.login()  # raises AuthError when the credentials no longer work
                        continue  # the same attempt again, with the new session
                    if isinstance(exc, JobshiftError) and not isinstance(exc, RetryableError):
                        raise
                    err = classify(exc, kind)
                    if is_session_error(exc):
                        err = FatalError(f"Salesforce {kind}: session rejected again after re-authentication")
                    raise err from None

        policy = self.policy if attempts is None else replace(self.policy, max_attempts=attempts)
        return retry_call(
            once,
            policy,
            sleep=self.sleep,
            rand=self._rng.random,
            retry_on=RetryableError,
            on_retry=self._retried,
        )

    def _retried(self, attempt: int, error: BaseException, wait: float) -> None:
        self.stats.retries += 1

    def guard(self) -> None:
        """Raise ``RetryableError`` when the org's API usage (from the last response's
        ``Sforce-Limit-Info`` header: no extra call) is at or above ``api_usage_pause_share``."""
        usage = self.header_usage()
        if usage is None:
            return
        used, limit = usage
        share = self.settings.api_usage_pause_share
        if limit and used / limit >= share:
            self.stats.calls_refused += 1
            raise PausedError(
                f"Salesforce API usage {used:,}/{limit:,} reached {share:.0%} of the daily limit: paused",
                retry_after=3600.0,
            )

    def call(self, kind: str, fn: Callable[[Salesforce], T]) -> T:
        """Run ``fn(sf)`` (one API call) with counting, re-authentication and bounded retries.

        Every call but ``/limits`` is guarded: near the daily API limit it is not made at all
        (:meth:`guard`), reads and dedupe queries included.
        """
        if kind != "limits":
            self.guard()
        return self._with_retries(kind, lambda: fn(self.sf))

    # -- reads ------------------------------------------------------------------------------------
    def query(self, soql: str) -> Iterator[dict[str, Any]]:
        """Every record of a SOQL query, page by page (``nextRecordsUrl``), without ``attributes``."""
        page = self.call("query", lambda sf: sf.query(soql))
        while True:
            for rec in page.get("records", []):
                rec.pop("attributes", None)
                self.stats.records_read += 1
                yield rec
            nxt = page.get("nextRecordsUrl")
            if page.get("done", True) or not nxt:
                return
            page = self.call("query_more", _query_more(nxt))

    def query_many(self, soqls: list[str]) -> list[list[dict[str, Any]]]:
        """The records of several SOQL queries, up to ``COMPOSITE_QUERIES`` per Composite call (the whole
        Composite request counts as one API call); pages beyond the first are read with ``query_more``."""
        out: list[list[dict[str, Any]]] = []
        base = f"/services/data/v{self.settings.api_version}/query"
        for i in range(0, len(soqls), COMPOSITE_QUERIES):
            part = soqls[i : i + COMPOSITE_QUERIES]
            body = {
                "allOrNone": False,
                "compositeRequest": [
                    {"method": "GET", "url": f"{base}?q={quote(q)}", "referenceId": f"q{j}"}
                    for j, q in enumerate(part)
                ],
            }
            res: Any = self.call("composite_query", _composite_post(body))
            answers = {a.get("referenceId"): a for a in (res or {}).get("compositeResponse", [])}
            for j in range(len(part)):
                ans = answers.get(f"q{j}") or {}
                status = int(ans.get("httpStatusCode") or 500)
                if status != 200:
                    raise classify(SalesforceError(base, status, "composite", ans.get("body")), "query")  # type: ignore[arg-type]
                page = ans.get("body") or {}
                records: list[dict[str, Any]] = []
                while True:
                    for rec in page.get("records", []):
                        rec.pop("attributes", None)
                        self.stats.records_read += 1
                        records.append(rec)
                    nxt = page.get("nextRecordsUrl")
                    if page.get("done", True) or not nxt:
                        break
                    page = self.call("query_more", _query_more(nxt))
                out.append(records)
        return out

    def describe(self, sobject: str) -> dict[str, Any]:
        """The describe payload of ``sobject``."""
        out = self.call("describe", lambda sf: sf.restful(f"sobjects/{sobject}/describe"))
        return dict(out or {})

    def limits(self) -> dict[str, Any]:
        """The org's ``/limits``."""
        return dict(self.call("limits", lambda sf: sf.limits()) or {})

    def header_usage(self) -> tuple[int, int] | None:
        """API usage from the last ``Sforce-Limit-Info`` header (no extra call), if any."""
        if self._sf is None:
            return None
        usage = self._sf.api_usage.get("api-usage")
        if usage is None:
            return None
        return int(usage.used), int(usage.total)

    # -- writes -----------------------------------------------------------------------------------
    def composite(self, method: str, path: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """One sObject Collections call (≤ 200 records, ``allOrNone`` false); one result per record."""
        body = {"allOrNone": False, "records": records}
        out = self.call("composite", lambda sf: sf.restful(path, method=method, json=body))
        return list(out or [])

    def create_once(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Create records (each with ``attributes.type``) in one sObject Collections call, tried *once*:
        a create is not idempotent, so the caller looks for its records again before re-sending (a 5xx
        may come after the org created them). Raises ``RetryableError`` like :meth:`call`."""
        self.guard()
        body = {"allOrNone": False, "records": records}
        out = self._with_retries(
            "composite", lambda: self.sf.restful("composite/sobjects", method="POST", json=body), attempts=1
        )
        return list(out or [])

    def bulk2(self, sobject: str) -> Any:
        """The Bulk 2.0 client of ``sobject`` for the current session."""
        return getattr(self.sf.bulk2, sobject)._client


def _composite_post(body: dict[str, Any]) -> Callable[[Salesforce], Any]:
    return lambda sf: sf.restful("composite", method="POST", json=body)


def _query_more(url: str) -> Callable[[Salesforce], Any]:
    return lambda sf: sf.query_more(url, identifier_is_url=True)
