"""Executors: how the pure detection function is run over batches.

:class:`LocalExecutor` runs batches one after the other in this process (polars parallelizes inside a
batch). A Dask executor implements the same :class:`Executor` protocol by mapping ``fn`` over
partitions on a cluster; the caller merges the results the same way in both cases.
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
