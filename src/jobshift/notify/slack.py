"""Slack delivery through slack-sdk's ``WebClient`` (``base_url`` points it at Slack or a test server).

The SDK's own retry handlers are switched off: a blind retry after a dropped connection can post twice.
Instead every outcome is classified:

- ``RateLimited`` (HTTP 429): nothing was posted; wait ``Retry-After`` seconds, then retry.
- ``UnknownOutcome`` (5xx, timeout, connection lost): the message may have been posted. Before posting
  again the caller looks for it with :meth:`SlackNotifier.find_sent`: every message carries Slack
  message metadata ``{"event_type": "jobshift_notification", "event_payload": {"key": <key>}}``, and
  ``conversations.history`` with ``include_all_metadata`` returns it.
- ``FatalError``: Slack refused the message for good (``channel_not_found``, ``invalid_auth``, ...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from jobshift.errors import FatalError, RetryableError

EVENT_TYPE = "jobshift_notification"
RETRYABLE_CODES = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


class RateLimited(RetryableError):
    """Slack answered 429: nothing happened; retry after ``retry_after`` seconds."""


class UnknownOutcome(RetryableError):
    """The request may or may not have been processed (5xx, timeout, lost connection)."""


@dataclass(frozen=True)
class Posted:
    """A posted message: its channel and timestamp (Slack's message id)."""

    channel: str
    ts: str

    @property
    def message_id(self) -> str:
        """``channel:ts``, stored as the provider message id."""
        return f"{self.channel}:{self.ts}"


class SlackNotifier:
    """Posts notifications as the bot whose token is given; counts API calls by method."""

    def __init__(
        self,
        token: str,
        *,
        base_url: str = "https://slack.com/api/",
        timeout: float = 30.0,
        on_call: Callable[[str], None] | None = None,
    ) -> None:
        self.client = WebClient(
            token=token, base_url=base_url, timeout=int(max(1, timeout)), retry_handlers=[]
        )
        self.calls: dict[str, int] = {}
        self._dm: dict[str, str] = {}
        self._on_call = on_call

    def _call(self, method: str, *, read: bool = False, **kwargs: Any) -> dict[str, Any]:
        """One Web API call: reads as GET with query parameters, writes as a JSON POST."""
        self.calls[method] = self.calls.get(method, 0) + 1
        if self._on_call:
            self._on_call(method)
        try:
            if read:
                resp = self.client.api_call(method, http_verb="GET", params=kwargs)
            else:
                resp = self.client.api_call(method, json=kwargs)
        except SlackApiError as exc:
            r = exc.response
            status = r.status_code
            if status == 429:
                raw = r.headers.get("Retry-After") or r.headers.get("retry-after") or "1"
                try:
                    wait = float(raw[0] if isinstance(raw, list) else raw)
                except ValueError:
                    wait = 1.0
                raise RateLimited(f"{method}: rate limited", retry_after=max(0.0, wait)) from None
            if status >= 500:
                raise UnknownOutcome(f"{method}: HTTP {status}") from None
            code = str(r.get("error") or f"HTTP {status}")
            if code in RETRYABLE_CODES:
                raise UnknownOutcome(f"{method}: {code}") from None
            raise FatalError(f"{method}: {code}") from None
        except OSError as exc:  # URLError, timeouts, lost connections
            raise UnknownOutcome(f"{method}: {exc.__class__.__name__}: {exc}") from None
        return dict(resp.data) if isinstance(resp.data, dict) else {}

    def auth_test(self) -> dict[str, Any]:
        """Check the token (``auth.test``): the bot's user and team."""
        return self._call("auth.test")

    def user_info(self, slack_user_id: str) -> dict[str, Any]:
        """``users.info`` of a Slack user (``deleted`` users cannot be messaged)."""
        return dict(self._call("users.info", read=True, user=slack_user_id).get("user") or {})

    def dm_channel(self, slack_user_id: str) -> str:
        """The direct-message channel with a user (``conversations.open``, cached)."""
        if slack_user_id not in self._dm:
            data = self._call("conversations.open", users=slack_user_id)
            self._dm[slack_user_id] = str((data.get("channel") or {}).get("id") or slack_user_id)
        return self._dm[slack_user_id]

    def post(self, channel: str, text: str, blocks: list[dict[str, Any]], key: str) -> Posted:
        """``chat.postMessage`` with the notification key in the message metadata."""
        data = self._call(
            "chat.postMessage",
            channel=channel,
            text=text,
            blocks=blocks,
            unfurl_links=False,
            metadata={"event_type": EVENT_TYPE, "event_payload": {"key": key}},
        )
        return Posted(str(data.get("channel") or channel), str(data.get("ts")))

    def find_sent(
        self, channel: str, key: str, oldest: float | None = None, max_pages: int = 5
    ) -> Posted | None:
        """The message already posted for ``key`` in ``channel`` (newest history pages), if any."""
        cursor: str | None = None
        for _ in range(max_pages):
            args: dict[str, Any] = {"channel": channel, "include_all_metadata": "true", "limit": 200}
            if oldest is not None:
                args["oldest"] = f"{oldest:.6f}"
            if cursor:
                args["cursor"] = cursor
            data = self._call("conversations.history", read=True, **args)
            for msg in data.get("messages") or []:
                meta = msg.get("metadata") or {}
                if (
                    meta.get("event_type") == EVENT_TYPE
                    and (meta.get("event_payload") or {}).get("key") == key
                ):
                    return Posted(channel, str(msg.get("ts")))
            cursor = ((data.get("response_metadata") or {}).get("next_cursor")) or None
            if not data.get("has_more") or not cursor:
                return None
        return None
