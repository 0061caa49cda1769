"""Classification of Salesforce failures into jobshift's retry / stop errors.

Retryable: 5xx (503 ``SERVER_UNAVAILABLE``), ``REQUEST_LIMIT_EXCEEDED``, ``UNABLE_TO_LOCK_ROW``, network
errors and timeouts. Fatal: everything else (``INVALID_FIELD``, ``MALFORMED_QUERY``, bad credentials…).
``INVALID_SESSION_ID`` is handled by the client (one re-authentication) before it is classified.
"""

from __future__ import annotations

from typing import Any

import requests
from simple_salesforce.exceptions import SalesforceError, SalesforceOperationError

from jobshift.errors import ConnectorError, FatalError, RetryableError

RETRYABLE_CODES = frozenset(
    {"REQUEST_LIMIT_EXCEEDED", "SERVER_UNAVAILABLE", "UNABLE_TO_LOCK_ROW", "API_CURRENTLY_DISABLED"}
)
SESSION_CODES = frozenset({"INVALID_SESSION_ID"})


def error_codes(content: Any) -> list[tuple[str, str]]:
    """``(errorCode, message)`` pairs of a Salesforce error payload (a list of dicts, or a dict)."""
    items = content if isinstance(content, list) else [content]
    out: list[tuple[str, str]] = []
    for item in items:
        if isinstance(item, dict):
            code = item.get("errorCode") or item.get("statusCode") or item.get("error") or ""
            msg = item.get("message") or item.get("error_description") or ""
            out.append((str(code), str(msg)))
    return out


def is_session_error(exc: BaseException) -> bool:
    """Whether ``exc`` is a 401 ``INVALID_SESSION_ID`` (the access token expired or was revoked)."""
    if isinstance(exc, SalesforceError) and exc.status == 401:
        codes = {c for c, _ in error_codes(exc.content)}
        return not codes or bool(codes & SESSION_CODES)
    return False


def classify(exc: BaseException, what: str) -> ConnectorError:
    """The jobshift error for a failure of the Salesforce call ``what``."""
    if isinstance(exc, ConnectorError):
        return exc
    if isinstance(exc, requests.exceptions.SSLError):
        return FatalError(f"Salesforce {what}: TLS verification failed: {exc}")
    if isinstance(exc, requests.Timeout | requests.ConnectionError):
        return RetryableError(f"Salesforce {what}: network error: {exc}")
    if isinstance(exc, SalesforceError):
        pairs = error_codes(exc.content)
        detail = "; ".join(f"{c}: {m}" for c, m in pairs) or str(exc.content)[:300]
        codes = {c for c, _ in pairs}
        if exc.status >= 500 or codes & RETRYABLE_CODES:
            return RetryableError(f"Salesforce {what}: HTTP {exc.status} {detail}")
        return FatalError(f"Salesforce {what}: HTTP {exc.status} {detail}")
    if isinstance(exc, SalesforceOperationError):
        return FatalError(f"Salesforce {what}: {exc}")
    return FatalError(f"Salesforce {what}: {type(exc).__name__}: {exc}")
