"""The local executor applies a function to every batch, lazily, in order, at most N at a time."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from jobshift.engine.executor import Executor, LocalExecutor


def _batches(read: list[int], n: int) -> Iterator[int]:
    for i in range(n):
        read.append(i)
        yield i


def test_one_thread_runs_in_order_and_lazily() -> None:
    read: list[int] = []
    ex: Executor = LocalExecutor(threads=1)
    it = ex.run(lambda b: b * 10, _batches(read, 3))
    assert read == []
    assert next(it) == 0 and read == [0]
    assert list(it) == [10, 20]


def test_two_threads_keep_the_order_and_bound_what_is_in_flight() -> None:
    read: list[int] = []
    lock = threading.Lock()
    running = [0, 0]  # now, most ever
    threads: set[str] = set()

    def work(b: int) -> int:
        with lock:
            running[0] += 1
            running[1] = max(running[1], running[0])
            threads.add(threading.current_thread().name)
        time.sleep(0.02 if b % 3 == 0 else 0.001)  # early batches finish last
        with lock:
            running[0] -= 1
        return b * 10

    it = LocalExecutor(threads=2).run(work, _batches(read, 12))
    assert read == []
    assert next(it) == 0
    assert len(read) <= 3  # at most threads + 1 batches read ahead
    assert list(it) == [b * 10 for b in range(1, 12)]
    assert running[1] == 2 and len(threads) == 2


def test_an_error_in_a_batch_reaches_the_caller() -> None:
    def work(b: int) -> int:
        if b == 2:
            raise ValueError("bad batch")
        return b

    with pytest.raises(ValueError, match="bad batch"):
        list(LocalExecutor(threads=2).run(work, iter(range(5))))
