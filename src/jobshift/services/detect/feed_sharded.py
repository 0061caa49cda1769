"""``jobshift detect --feed --results-dir``: partition results, signals and ambiguity lists as files,
streamed into the store — no process gathers all results.

The partition tasks write their results below the run's results directory
(:mod:`jobshift.engine.feed_spill`), contact shards and new-hire shards turn them into signal files
(:mod:`jobshift.engine.feed_shards`), and :func:`record_sharded` upserts those files into the store in
batches, one file in memory at a time, in one transaction with the run row. With
``tracked_partitions``, the workers also hold only slices of the tracked set
(:mod:`jobshift.engine.tracked_slices`). Same signals as :func:`~jobshift.engine.finalize.finalize`
over the in-memory results (tests/test_feed_shards.py).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from jobshift.domain.signals import SIGNAL_TYPES
from jobshift.engine.context import DetectContext
from jobshift.engine.feed import PartitionFn, detect_partition
from jobshift.engine.feed_shards import (
    Mapper,
    ShardedDetection,
    detect_partition_to_buckets,
    finalize_sharded,
    iter_signal_files,
    local_map,
    shards_for_feed,
)
from jobshift.engine.first_seen import PreviousJobs
from jobshift.engine.tracked_slices import TrackedSlices, shell_context, sliced_partition_fn, write_slices
from jobshift.errors import UsageError
from jobshift.services.detect.detecting import DetectSummary, record_run
from jobshift.store import Store
from jobshift.store import signals as signal_store

if TYPE_CHECKING:
    from jobshift.engine.dask_executor import DaskExecutor


def feed_dask_executor(
    executor: str,
    scheduler: str | None,
    workers: int | None,
    client: object,
    results_dir: str | None,
    partition_fn: PartitionFn,
) -> DaskExecutor:
    """The Dask executor of a feed run (``dask``: a scheduler address or a client is required;
    ``dask-local``: a LocalCluster of ``workers``)."""
    if executor == "dask" and not scheduler and client is None:
        raise UsageError("--executor dask needs --scheduler tcp://HOST:PORT (or use dask-local)")
    from jobshift.engine.dask_executor import DaskExecutor

    return DaskExecutor(
        scheduler=scheduler if executor == "dask" else None,
        workers=workers,
        client=client,
        results_dir=results_dir,
        partition_fn=partition_fn,
    )


@contextmanager
def task_setup(
    ctx: DetectContext, results_dir: str, tracked_partitions: int | None
) -> Iterator[tuple[DetectContext, TrackedSlices | None, PartitionFn]]:
    """(context the tasks get, slices or None, partition task); slices live while the run does.

    A caller that feeds the partitions itself (benchmarks/scale_stream.py) runs each one with the
    partition task and ``detect_partition_to_buckets``, then :func:`finalize_sharded` inside this block."""
    if not tracked_partitions:
        yield ctx, None, detect_partition
        return
    with tempfile.TemporaryDirectory(prefix="jobshift-tracked-", dir=results_dir) as tmp:
        slices = write_slices(ctx, tmp, tracked_partitions)
        yield shell_context(ctx), slices, sliced_partition_fn(slices)


def run_feed_sharded(
    ctx: DetectContext,
    paths: list[str],
    results_dir: str,
    executor: str = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    client: object = None,
    previous: PreviousJobs | None = None,
    tracked_partitions: int | None = None,
    shards: int | None = None,
) -> tuple[ShardedDetection, int]:
    """Detect over the feed files, finalize in ``shards`` shards (default: from the feed's expected
    profiles, :func:`~jobshift.engine.feed_shards.shards_for_feed`); returns where the signals are and
    the profiles read. ``results_dir`` must be shared with the workers."""
    Path(results_dir).mkdir(parents=True, exist_ok=True)
    n = shards or shards_for_feed(paths)
    with task_setup(ctx, results_dir, tracked_partitions) as (task_ctx, slices, partition_fn):
        if executor == "local":
            counts = [
                detect_partition_to_buckets(task_ctx, p, results_dir, i, n, partition_fn)
                for i, p in enumerate(paths)
            ]
            done = finalize_sharded(ctx, task_ctx, results_dir, len(paths), previous, slices, local_map)
            return done, sum(r for r, _ in counts)
        ex = feed_dask_executor(executor, scheduler, workers, client, results_dir, partition_fn)

        def finish(mapper: Mapper) -> ShardedDetection:
            return finalize_sharded(ctx, task_ctx, results_dir, len(paths), previous, slices, mapper)

        done = ex.detect_feed_sharded(task_ctx, paths, n, finish)
        return done, ex.stats.get("rows", 0)


def record_sharded(
    store: Store, ctx: DetectContext, done: ShardedDetection, n_obs: int, **extra_counts: int
) -> DetectSummary:
    """Upsert the signal files of ``done`` (streamed, one file at a time) and record the run in one
    transaction, like :func:`~jobshift.services.detect.detecting.record_detection`."""
    files = done.signal_files()
    by_type = dict.fromkeys(SIGNAL_TYPES, 0)
    by_status: dict[str, int] = {}
    for f in files:
        cols = pl.read_parquet(f, columns=["type", "status"])
        for t, k in cols.group_by("type").len().iter_rows():
            by_type[t] = by_type.get(t, 0) + int(k)
        for s, k in cols.group_by("status").len().iter_rows():
            by_status[str(s)] = by_status.get(str(s), 0) + int(k)
    rows = iter_signal_files(files, signal_store.ROW_COLUMNS)
    sorted_status = dict(sorted(by_status.items()))
    return record_run(store, ctx, rows, n_obs, by_type, sorted_status, done.ambiguous(), extra_counts)
