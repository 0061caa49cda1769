"""Executors: how the pure detection function is run over batches.

:class:`LocalExecutor` runs batches one after the other in this process (polars parallelizes inside a
batch). Distributed runs read the people feed from its files instead of the store: see
:mod:`jobshift.engine.feed` (the same ``detect_batch`` per partition, locally) and
:class:`jobshift.engine.dask_executor.DaskExecutor` (one task per partition on a Dask cluster); the
caller merges the results with ``finalize`` the same way in every case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    """Runs ``fn`` on every batch and yields the results (in batch order for local executors)."""

    def run(self, fn: Callable[[T], R], batches: Iterable[T]) -> Iterator[R]:
        """Apply ``fn`` to each batch."""
        ...


class LocalExecutor:
    """In-process, sequential: the default executor; memory holds one input batch at a time."""

    name = "local"

    def run(self, fn: Callable[[T], R], batches: Iterable[T]) -> Iterator[R]:
        """Apply ``fn`` to each batch as it is read."""
        for batch in batches:
            yield fn(batch)
