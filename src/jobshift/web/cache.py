"""A small per-process time-to-live cache for expensive, slowly changing page data.

Used for the filter drop-down values and the dashboard funnel: both scan whole tables, and a minute
of staleness is invisible on a dashboard. Keys include the user, so scopes never leak. An expired
value is still served while one background thread recomputes it (stale-while-revalidate), so only
the first request of a key waits for the computation.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from fastapi import Request

T = TypeVar("T")
_LOCK = threading.Lock()
MAX_ENTRIES = 1000
log = logging.getLogger(__name__)


def _put(store: dict[Hashable, tuple[float, Any]], key: Hashable, value: Any, ttl: float) -> None:
    now = time.monotonic()
    with _LOCK:
        if len(store) >= MAX_ENTRIES:
            old = [k for k, (t, _) in store.items() if now - t >= 10 * ttl] or list(store)[: MAX_ENTRIES // 2]
            for k in old:
                store.pop(k, None)
        store[key] = (now, value)


def cached(request: Request, key: Hashable, ttl: float, compute: Callable[[], T]) -> T:
    """``compute()``, or its value from the last ``ttl`` seconds for the same ``key``; an older value
    is returned at once while a background thread refreshes it."""
    store: dict[Hashable, tuple[float, Any]] = request.app.state.ttl_cache
    refreshing: set[Hashable] = request.app.state.ttl_refreshing
    with _LOCK:
        hit = store.get(key)
        stale = hit is not None and time.monotonic() - hit[0] >= ttl
        start = stale and key not in refreshing
        if start:
            refreshing.add(key)
    if hit is None:
        value = compute()
        _put(store, key, value, ttl)
        return value
    if start:

        def refresh() -> None:
            try:
                _put(store, key, compute(), ttl)
            except Exception:  # keep serving the stale value; the next request retries
                log.exception("refreshing cached %r failed", key)
            finally:
                with _LOCK:
                    refreshing.discard(key)

        threading.Thread(target=refresh, name=f"refresh-{key!r}", daemon=True).start()
    return hit[1]  # type: ignore[no-any-return,unused-ignore]
