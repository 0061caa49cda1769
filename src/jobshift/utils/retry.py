"""The one retry policy: exponential backoff with jitter, a longest wait, a bounded number of attempts,
and the other side's ``Retry-After`` honoured.

Every retry in jobshift goes through here:

- **calls** retried in-process (:func:`retry_call`): the Salesforce, HubSpot and People Data Labs
  clients, and Slack's 429 waits while notifications are sent;
- **rows** retried by a later run (:meth:`RetryPolicy.delay` gives ``next_attempt_at``,
  :meth:`RetryPolicy.gives_up` says when a row is failed): the outbox (``push``) and notifications.

Every config section that retries spells its settings the same way (``max_attempts``,
``backoff_base_seconds``, ``backoff_max_seconds``; see ``RetrySettings`` in ``jobshift.config``). The wait
after failed attempt *n* (1-based) is ``min(backoff_max_seconds, backoff_base_seconds · 2^(n−1))``, of
which the share ``jitter`` is random: a wait is drawn from ``[(1 − jitter) · w, w]``. When the failure
says how long to wait (``TransientError.retry_after``, from a ``Retry-After`` header), that wait is used
instead, cut to ``max_retry_after_seconds`` when set. Retried: :class:`~jobshift.errors.TransientError`
(``retry_on``); anything else propagates at once. Sleep and the random source are parameters, so tests
are deterministic.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Protocol, TypeVar

from jobshift.errors import TransientError

T = TypeVar("T")
Rand = Callable[[], float]
"""A random source: a float in [0, 1) per call (``random.Random().random``)."""


class RetrySettingsLike(Protocol):
    """What a config section that retries holds (``jobshift.config.RetrySettings``)."""

    max_attempts: int
    backoff_base_seconds: float
    backoff_max_seconds: float


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait: see the module docstring."""

    max_attempts: int
    """Attempts in all (the first one included); after the last one the failure stands."""
    backoff_base_seconds: float
    """The wait after the first failed attempt; doubled after every further one."""
    backoff_max_seconds: float
    """The longest wait of the exponential backoff."""
    jitter: float = 0.5
    """Share of each wait that is random (0: none; 0.5: between half and the whole wait)."""
    max_retry_after_seconds: float | None = None
    """Longest server-asked wait honoured (longer ones are cut to this); ``None``: no limit."""

    @classmethod
    def from_settings(
        cls, settings: RetrySettingsLike, *, jitter: float = 0.5, max_retry_after_seconds: float | None = None
    ) -> RetryPolicy:
        """The policy of a config section (``jitter`` and the cap on ``Retry-After`` are the caller's)."""
        return cls(
            settings.max_attempts,
            settings.backoff_base_seconds,
            settings.backoff_max_seconds,
            jitter=jitter,
            max_retry_after_seconds=max_retry_after_seconds,
        )

    def backoff(self, attempt: int, rand: Rand | None = random.random) -> float:
        """Seconds to wait after failed attempt ``attempt`` (1-based) when the failure says nothing."""
        wait = min(self.backoff_max_seconds, self.backoff_base_seconds * 2 ** max(attempt - 1, 0))
        if self.jitter and rand is not None:
            wait *= 1.0 - self.jitter + self.jitter * rand()
        return wait

    def delay(
        self, attempt: int, retry_after: float | None = None, rand: Rand | None = random.random
    ) -> float:
        """Seconds to wait after failed attempt ``attempt``: ``retry_after`` when given, else the backoff."""
        if retry_after is None:
            return self.backoff(attempt, rand)
        wait = max(retry_after, 0.0)
        cap = self.max_retry_after_seconds
        return wait if cap is None else min(wait, cap)

    def gives_up(self, attempts: int) -> bool:
        """Whether ``attempts`` failed attempts are all there may be."""
        return attempts >= self.max_attempts


def retry_call(
    fn: Callable[[int], T],
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], object] = time.sleep,
    rand: Rand | None = random.random,
    retry_on: type[BaseException] | tuple[type[BaseException], ...] = TransientError,
    on_retry: Callable[[int, BaseException, float], None] | None = None,
) -> T:
    """``fn(attempt)`` (1-based) until it returns, retrying ``retry_on`` failures by ``policy``.

    Before each wait ``on_retry(attempt, error, seconds)`` is called (counters; it may raise to stop).
    After ``policy.max_attempts`` attempts the last failure is raised as it is.
    """
    attempt = 0
    while True:
        attempt += 1
        try:
            return fn(attempt)
        except retry_on as exc:
            if policy.gives_up(attempt):
                raise
            wait = policy.delay(attempt, getattr(exc, "retry_after", None), rand)
            if on_retry is not None:
                on_retry(attempt, exc, wait)
            sleep(wait)


def parse_retry_after(value: str | None, now: Callable[[], datetime] | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header: a number of seconds or an HTTP date; ``None`` if absent or
    unreadable."""
    if value is None:
        return None
    text = str(value).strip()
    try:
        return max(float(text), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now() if now is not None else datetime.now(UTC)
    return max((when - current).total_seconds(), 0.0)
