"""What the HTTP sequence connectors share: the token from the environment, the JSON API, per-intent
error capture (a refused record fails alone)."""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import httpx

from jobshift.config import SequenceToolSection
from jobshift.connectors.crm.protocol import WriteResult
from jobshift.connectors.json_api import JsonApi
from jobshift.connectors.outreach.protocol import Enrolment
from jobshift.errors import ConfigError
from jobshift.utils.retry import RetryPolicy


class Refused(Exception):
    """The tool refused this one enrolment (a 4xx about the record): it fails alone, not retried."""


class HttpSequenceTool:
    """Base of the Outreach, Salesloft and HubSpot connectors."""

    name = "tool"
    label = "tool"
    token_env = ""
    default_base_url = ""
    content_type = "application/json"

    def __init__(
        self,
        settings: SequenceToolSection,
        *,
        env: Mapping[str, str] | None = None,
        base_url: str | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        token = (os.environ if env is None else env).get(self.token_env)
        if not token:
            raise ConfigError(
                f"{self.token_env} is not set (the {self.label} API token)", f"outreach.{self.name}"
            )
        self.settings = settings
        self.api = JsonApi(
            self.label,
            base_url or settings.base_url or self.default_base_url,
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": self.content_type,
                "Content-Type": self.content_type,
            },
            timeout=settings.timeout_seconds,
            policy=RetryPolicy.from_settings(settings),
            transport=transport,
            sleep=sleep,
            rng=rng,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self.api.close()

    def enrol(self, intents: Sequence[Enrolment]) -> list[WriteResult]:
        """Each intent in turn; a refused one fails alone, a retryable error stops the batch."""
        out = []
        for it in intents:
            try:
                record_id, note = self.enrol_one(it)
            except Refused as exc:
                out.append(WriteResult(it.idempotency_key, False, error=str(exc)))
                continue
            out.append(
                WriteResult(it.idempotency_key, True, record_id=record_id, notes=(note,) if note else ())
            )
        return out

    def enrol_one(self, it: Enrolment) -> tuple[str, str | None]:
        """Enrol one intent: (enrolment id, a note such as "already enrolled")."""
        raise NotImplementedError


def first(items: Any) -> Any:
    """The first element of a list (``None`` when empty or not a list)."""
    return items[0] if isinstance(items, list) and items else None
