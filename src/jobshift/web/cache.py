"""A small per-process time-to-live cache for expensive, slowly changing page data.

Used for the filter drop-down values and the dashboard funnel: both scan whole tables, and a minute
of staleness is invisible on a dashboard. Keys include the user, so scopes never leak.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from fastapi import Request

T = TypeVar("T")
_LOCK = threading.Lock()
MAX_ENTRIES = 1000


def cached(request: Request, key: Hashable, ttl: float, compute: Callable[[], T]) -> T:
    """``compute()``, or its value from the last ``ttl`` seconds for the same ``key``."""
    store: dict[Hashable, tuple[float, Any]] = request.app.state.ttl_cache
    now = time.monotonic()
    with _LOCK:
        hit = store.get(key)
    if hit is not None and now - hit[0] < ttl:
        return hit[1]
    value = compute()
    with _LOCK:
        if len(store) >= MAX_ENTRIES:
            for k in [k for k, (t, _) in store.items() if now - t >= ttl] or list(store)[: MAX_ENTRIES // 2]:
                store.pop(k, None)
        store[key] = (time.monotonic(), value)
    return value
