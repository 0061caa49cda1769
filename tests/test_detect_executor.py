"""The local executor applies a function to every batch, lazily and in order."""

from __future__ import annotations

from collections.abc import Iterator

from jobshift.engine.executor import Executor, LocalExecutor


def test_local_executor_runs_in_order_and_lazily() -> None:
    read: list[int] = []

    def batches() -> Iterator[int]:
        for i in range(3):
            read.append(i)
            yield i

    ex: Executor = LocalExecutor()
    it = ex.run(lambda b: b * 10, batches())
    assert read == []
    assert next(it) == 0 and read == [0]
    assert list(it) == [10, 20]
