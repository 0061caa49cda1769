"""Use case ``jobshift detect --feed``: detection over a people feed read from files, locally or on Dask.

The tracked set, accounts and aliases come from the store as in
:func:`jobshift.services.detect.detecting.detect`;
the profiles come straight from the feed files (one partition per file, see :mod:`jobshift.engine.feed`).
Executors: ``local`` (this process, the reference), ``dask`` (a running scheduler, ``--scheduler``) and
``dask-local`` (a LocalCluster of ``--workers`` processes). All give the same signals; they are written to
the store in one transaction with a run row, like a store-mode run.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path

from jobshift.engine import feed as feed_engine
from jobshift.engine.batches import OBSERVATION_SCHEMA, frame
from jobshift.engine.context import DetectContext
from jobshift.engine.detect import BatchResult, detect_batch
from jobshift.engine.feed import PartitionFn, detect_feed_local, detect_partition, feed_partitions
from jobshift.engine.feed_shards import ShardedDetection
from jobshift.engine.finalize import Detection, finalize
from jobshift.engine.first_seen import PreviousJobs
from jobshift.engine.incremental import detect_release, finalize_run
from jobshift.engine.prefilter.keys import feed_keys
from jobshift.errors import UsageError
from jobshift.services.detect.detecting import (
    DetectSummary,
    TrackedSet,
    build_context,
    default_tracked_set,
    previous_lookup,
    record_detection,
)
from jobshift.services.detect.feed_sharded import feed_dask_executor, record_sharded, run_feed_sharded
from jobshift.services.detect.feed_state import load_state, save_state
from jobshift.services.workspace import Workspace
from jobshift.store.run_lock import locked

EXECUTORS = ("local", "dask", "dask-local")


def run_feed(
    ctx: DetectContext,
    paths: list[str],
    executor: str = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    client: object = None,
    results_dir: str | None = None,
    previous: PreviousJobs | None = None,
    tracked_partitions: int | None = None,
) -> tuple[Detection, int]:
    """Detect over the feed files with the named executor; returns the detection and profiles read.

    ``results_dir``: partition results are written there as Parquet and merged from the files
    (:mod:`jobshift.engine.feed_spill`) instead of being held in memory until the end.
    ``previous``: the store's earlier observations for undated new hires (``engine/first_seen.py``).
    ``tracked_partitions``: K ≥ 1 splits the tracked set into K hash slices that the partition tasks
    read from files (:mod:`jobshift.engine.tracked_slices`; below ``results_dir``, else a temporary
    directory — a remote ``dask`` cluster needs ``results_dir`` on a shared filesystem); the workers
    then never hold the whole tracked set. ``finalize`` runs here with the full context either way.
    """
    if executor not in EXECUTORS:
        raise UsageError(f"--executor {executor!r}: expected one of {', '.join(EXECUTORS)}")
    if not tracked_partitions:
        return _run_feed(ctx, ctx, paths, executor, scheduler, workers, client, results_dir, previous)
    if executor == "dask" and client is None and results_dir is None:
        raise UsageError(
            "--tracked-partitions with --executor dask needs --results-dir (shared with workers)"
        )
    from jobshift.engine.tracked_slices import shell_context, sliced_partition_fn, write_slices

    if results_dir is not None:
        Path(results_dir).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jobshift-tracked-", dir=results_dir) as tmp:
        slices = write_slices(ctx, tmp, tracked_partitions)
        return _run_feed(
            ctx,
            shell_context(ctx),
            paths,
            executor,
            scheduler,
            workers,
            client,
            results_dir,
            previous,
            sliced_partition_fn(slices),
        )


def _run_feed(
    ctx: DetectContext,
    task_ctx: DetectContext,
    paths: list[str],
    executor: str,
    scheduler: str | None,
    workers: int | None,
    client: object,
    results_dir: str | None,
    previous: PreviousJobs | None,
    partition_fn: PartitionFn = detect_partition,
) -> tuple[Detection, int]:
    """:func:`run_feed` once the partition task and its context (``task_ctx``) are chosen."""
    results: list[BatchResult]
    if (
        partition_fn is detect_partition
        and feed_engine.PREFILTER
        and any(p.lower().endswith(feed_engine.PREFILTER_SUFFIXES) for p in paths)
    ):  # the pre-filter's key sets, built once here and broadcast with the context
        feed_keys(task_ctx)
    task_ctx.warm()  # first-use frames built once here, not in every fresh worker context
    if executor == "local":
        results, rows, _bad = detect_feed_local(task_ctx, paths, results_dir, partition_fn)
    else:
        ex = feed_dask_executor(executor, scheduler, workers, client, results_dir, partition_fn)
        results = ex.detect_feed(task_ctx, paths)
        rows = ex.stats.get("rows", 0)
    if not results:
        results = [detect_batch(ctx, frame([], OBSERVATION_SCHEMA))]
    return finalize(ctx, results, previous), rows


@locked("detect")
def detect_feed(
    ws: Workspace,
    feed: str,
    *,
    executor: str = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    tier: int | None = None,
    tracked: TrackedSet | None = None,
    client: object = None,
    incremental: bool = False,
    results_dir: str | None = None,
    tracked_partitions: int | None = None,
    shards: int | None = None,
) -> DetectSummary:
    """``jobshift detect --feed``: detect over the feed files and upsert the signals (one transaction).

    ``incremental``: compare the release with the last one this workspace detected (its state in
    ``<workspace>/feed_state/``) and detect only new or changed people and the people linked to changed
    contacts (:mod:`jobshift.engine.incremental`); the first run is a full one that writes the state.
    Local executor only. ``results_dir``: partition results go to Parquet files in a per-run
    directory below it (removed at the end) and are merged from there (bounded memory; on a cluster it
    must be a filesystem the workers and this process share). ``tracked_partitions``: split the tracked
    set into that many hash slices read by the workers from files; unset, ``[detection]
    worker_memory_mb`` decides (:func:`jobshift.engine.tracked_slices.slices_for_budget`). ``shards``
    (with ``results_dir``): the sharded finalize's shard count (default: from the feed's size,
    :func:`jobshift.engine.feed_shards.shards_for_feed`).
    """
    paths = feed_partitions(feed)
    if incremental and executor != "local":
        raise UsageError("--incremental runs with --executor local")
    store = ws.store
    with store.connect() as conn:
        tracked = tracked or default_tracked_set(conn)
        ctx = build_context(conn, ws.config, tracked, tier)
        previous = previous_lookup(conn)
        if tracked_partitions is None and ws.config.detection.worker_memory_mb is not None:
            from jobshift.engine.tracked_slices import slices_for_budget

            tracked_partitions = slices_for_budget(ctx, ws.config.detection.worker_memory_mb << 20) or None
        if incremental:
            run = detect_release(ctx, paths, load_state(ws.path))
            detection = finalize_run(ctx, run, previous)
        else:
            if results_dir is not None:
                # one directory per run: a retried or concurrent run never reads another run's files
                run_dir = str(Path(results_dir) / f"run-{uuid.uuid4().hex[:12]}")
                sharded = (
                    run_dir,
                    executor,
                    scheduler,
                    workers,
                    client,
                    previous,
                    tracked_partitions,
                    shards,
                )
                try:
                    done, n_rows = _run_sharded(ctx, paths, *sharded)
                    conn.close()  # the store's read connection ends before the write transaction
                    return record_sharded(store, ctx, done, n_rows, partitions=len(paths))
                finally:
                    shutil.rmtree(run_dir, ignore_errors=True)
            try:
                detection, n_rows = run_feed(
                    ctx,
                    paths,
                    executor,
                    scheduler,
                    workers,
                    client,
                    results_dir,
                    previous,
                    tracked_partitions,
                )
            finally:
                if results_dir is not None:
                    shutil.rmtree(results_dir, ignore_errors=True)
    if incremental:
        summary = record_detection(
            store,
            ctx,
            detection,
            run.stats["rows"],
            partitions=len(paths),
            incremental_people=run.stats["people_detected"],
        )
        save_state(ws.path, run.state, feed)
        summary.release = run.stats
        return summary
    return record_detection(store, ctx, detection, n_rows, partitions=len(paths))


def _run_sharded(
    ctx: DetectContext,
    paths: list[str],
    run_dir: str,
    executor: str,
    scheduler: str | None,
    workers: int | None,
    client: object,
    previous: PreviousJobs | None,
    tracked_partitions: int | None,
    shards: int | None,
) -> tuple[ShardedDetection, int]:
    """``--results-dir``: results, signals and ambiguity lists in files below ``run_dir``
    (:mod:`jobshift.services.detect.feed_sharded`); the caller streams them into the store."""
    if executor not in EXECUTORS:
        raise UsageError(f"--executor {executor!r}: expected one of {', '.join(EXECUTORS)}")
    return run_feed_sharded(
        ctx, paths, run_dir, executor, scheduler, workers, client, previous, tracked_partitions, shards
    )
