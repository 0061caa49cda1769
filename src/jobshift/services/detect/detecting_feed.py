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
import uuid
from pathlib import Path

from jobshift.engine import feed as feed_engine
from jobshift.engine.batches import OBSERVATION_SCHEMA, frame
from jobshift.engine.context import DetectContext
from jobshift.engine.detect import BatchResult, detect_batch
from jobshift.engine.feed import detect_feed_local, feed_partitions
from jobshift.engine.feed_keys import feed_keys
from jobshift.engine.finalize import Detection, finalize
from jobshift.engine.first_seen import PreviousJobs
from jobshift.engine.incremental import detect_release, finalize_run
from jobshift.errors import UsageError
from jobshift.services.detect.detecting import (
    DetectSummary,
    TrackedSet,
    build_context,
    default_tracked_set,
    previous_lookup,
    record_detection,
)
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
) -> tuple[Detection, int]:
    """Detect over the feed files with the named executor; returns the detection and profiles read.

    ``results_dir``: partition results are written there as Parquet and merged from the files
    (:mod:`jobshift.engine.feed_spill`) instead of being held in memory until the end.
    ``previous``: the store's earlier observations for undated new hires (``engine/first_seen.py``).
    """
    if executor not in EXECUTORS:
        raise UsageError(f"--executor {executor!r}: expected one of {', '.join(EXECUTORS)}")
    results: list[BatchResult]
    if feed_engine.PREFILTER and any(p.lower().endswith(feed_engine.PREFILTER_SUFFIXES) for p in paths):
        # the pre-filter's key sets, built once here and broadcast with the context
        feed_keys(ctx)
    if executor == "local":
        results, rows, _bad = detect_feed_local(ctx, paths, results_dir)
    else:
        if executor == "dask" and not scheduler and client is None:
            raise UsageError("--executor dask needs --scheduler tcp://HOST:PORT (or use dask-local)")
        from jobshift.engine.dask_executor import DaskExecutor

        ex = DaskExecutor(
            scheduler=scheduler if executor == "dask" else None,
            workers=workers,
            client=client,
            results_dir=results_dir,
        )
        results = ex.detect_feed(ctx, paths)
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
) -> DetectSummary:
    """``jobshift detect --feed``: detect over the feed files and upsert the signals (one transaction).

    ``incremental``: compare the release with the last one this workspace detected (its state in
    ``<workspace>/feed_state/``) and detect only new or changed people and the people linked to changed
    contacts (:mod:`jobshift.engine.incremental`); the first run is a full one that writes the state.
    Local executor only. ``results_dir``: partition results go to Parquet files in a per-run
    directory below it (removed at the end) and are merged from there (bounded memory; on a cluster it
    must be a filesystem the workers and this process share).
    """
    paths = feed_partitions(feed)
    if incremental and executor != "local":
        raise UsageError("--incremental runs with --executor local")
    store = ws.store
    with store.connect() as conn:
        tracked = tracked or default_tracked_set(conn)
        ctx = build_context(conn, ws.config, tracked, tier)
        previous = previous_lookup(conn)
        if incremental:
            run = detect_release(ctx, paths, load_state(ws.path))
            detection = finalize_run(ctx, run, previous)
        else:
            if results_dir is not None:
                # one directory per run: a retried or concurrent run never reads another run's files
                results_dir = str(Path(results_dir) / f"run-{uuid.uuid4().hex[:12]}")
            try:
                detection, n_rows = run_feed(
                    ctx, paths, executor, scheduler, workers, client, results_dir, previous
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
