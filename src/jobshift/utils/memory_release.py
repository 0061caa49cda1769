"""Memory a long-lived feed worker gives back after each partition task (issue 20 item 4).

A Dask worker runs hundreds of partition tasks in one process on one broadcast
:class:`~jobshift.engine.context.DetectContext`. Each task allocates ≈ 0.5 GB of short-lived frames
and Python objects (a 250,000-profile partition read, converted in slices and detected) and frees them
when it ends; the allocators keep part of that freed memory instead of returning it to the system, and
the next task's peak starts from there. :func:`release_after_task`, run at the end of every task
(``engine/feed_shards.detect_partition_to_buckets``, ``engine/feed_spill.detect_partition_to_dir``),
returns it — a task's peak in one process was 60–70 MB lower with it (benchmarks/bench_worker_memory.py).
The workers' creep from 10M to 100M profiles itself was Dask's profiler
(``engine/dask_executor.WORKER_CONFIG``).

- pyarrow's memory pool gives its unused pages back (``release_unused``);
- on glibc, ``malloc_trim(0)`` gives back the free pages of every malloc arena (Python's large objects,
  the strings and tuples of the per-value caches, the C++ libraries' ``malloc`` calls). Other C
  libraries (musl, macOS) have no such call; there it is skipped. polars allocates through its own
  jemalloc, which neither call reaches.

The release never raises: it runs in the task's ``finally`` and must not hide the task's own error.

No full garbage collection: the task's frames are freed by reference counting, and a collection walks
every object of the context and the normalizers' caches (millions) — measured at +7 % CPU per task.
Results never depend on the release. ``RELEASE = False`` turns it off (the benchmark's before/after).
"""

from __future__ import annotations

import ctypes
import logging
import sys
from collections.abc import Callable
from functools import lru_cache

import pyarrow as pa

log = logging.getLogger(__name__)

RELEASE = True
"""False: do nothing after a task (benchmarks/bench_worker_memory.py ``--no-release`` compares)."""


@lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or ``None`` where the C library has none (not Linux, or musl)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim  # the process's own C library
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]  # type: ignore[attr-defined]
    trim.restype = ctypes.c_int  # type: ignore[attr-defined]
    return trim


def release_after_task() -> None:
    """Give the memory a finished partition task freed back to the system (see the module doc)."""
    if not RELEASE:
        return
    try:
        pa.default_memory_pool().release_unused()
        trim = _malloc_trim()
        if trim is not None:
            trim(0)
    except Exception as exc:  # an optimisation only: never fail (or mask) the task for it
        log.debug("memory release after a task failed: %s", exc)
