"""Executors: how the pure detection function is run over batches.

:class:`LocalExecutor` runs batches in this process, by default two at a time on threads: polars
releases the GIL inside a batch, so one batch's Python work (company resolution, name scoring) overlaps
the other's columnar work and the reading of the next batch. Distributed runs read the people feed from
its files instead of the store: see :mod:`jobshift.engine.feed` (the same ``detect_batch`` per
partition, locally) and :class:`jobshift.engine.dask_executor.DaskExecutor` (one task per partition on
a Dask cluster); the caller merges the results with ``finalize`` the same way in every case.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    """Runs ``fn`` on every batch and yields the results (in batch order for local executors)."""

    def run(self, fn: Callable[[T], R], batches: Iterable[T]) -> Iterator[R]:
        """Apply ``fn`` to each batch."""
        ...


class LocalExecutor:
    """In-process: ``threads`` batches in flight (1: strictly one after the other); results in order.

    Batches are pulled from the input iterator by the calling thread only (a generator reading the store
    is not thread-safe); memory holds at most ``threads`` + 1 input batches.
    """

    name = "local"

    def __init__(self, threads: int = 2) -> None:
        self.threads = max(1, threads)

    def run(self, fn: Callable[[T], R], batches: Iterable[T]) -> Iterator[R]:
        """Apply ``fn`` to each batch as it is read; yield the results in batch order."""
        if self.threads == 1:
            for batch in batches:
                yield fn(batch)
            return
        with ThreadPoolExecutor(self.threads, thread_name_prefix="jobshift-detect") as pool:
            pending: deque[Future[R]] = deque()
            for batch in batches:
                pending.append(pool.submit(fn, batch))
                if len(pending) >= self.threads:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
