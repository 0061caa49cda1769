"""Use case ``jobshift detect --feed``: detection over a people feed read from files, locally or on Dask.

The tracked set, accounts and aliases come from the store as in
:func:`jobshift.services.detect.detecting.detect`;
the profiles come straight from the feed files (one partition per file, see :mod:`jobshift.engine.feed`).
Executors: ``local`` (this process, the reference), ``dask`` (a running scheduler, ``--scheduler``) and
``dask-local`` (a LocalCluster of ``--workers`` processes). All give the same signals; they are written to
the store in one transaction with a run row, like a store-mode run.
"""

from __future__ import annotations

from jobshift.engine.batches import OBSERVATION_SCHEMA, frame
from jobshift.engine.context import DetectContext
from jobshift.engine.detect import BatchResult, detect_batch
from jobshift.engine.feed import detect_feed_local, feed_partitions
from jobshift.engine.finalize import Detection, finalize
from jobshift.engine.incremental import detect_release
from jobshift.errors import UsageError
from jobshift.services.detect.detecting import (
    DetectSummary,
    TrackedSet,
    build_context,
    default_tracked_set,
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
) -> tuple[Detection, int]:
    """Detect over the feed files with the named executor; returns the detection and profiles read."""
    if executor not in EXECUTORS:
        raise UsageError(f"--executor {executor!r}: expected one of {', '.join(EXECUTORS)}")
    results: list[BatchResult]
    if executor == "local":
        results, rows, _bad = detect_feed_local(ctx, paths)
    else:
        if executor == "dask" and not scheduler and client is None:
            raise UsageError("--executor dask needs --scheduler tcp://HOST:PORT (or use dask-local)")
        from jobshift.engine.dask_executor import DaskExecutor

        ex = DaskExecutor(scheduler=scheduler if executor == "dask" else None, workers=workers, client=client)
        results = ex.detect_feed(ctx, paths)
        rows = ex.stats.get("rows", 0)
    if not results:
        results = [detect_batch(ctx, frame([], OBSERVATION_SCHEMA))]
    return finalize(ctx, results), rows


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
) -> DetectSummary:
    """``jobshift detect --feed``: detect over the feed files and upsert the signals (one transaction).

    ``incremental``: compare the release with the last one this workspace detected (its state in
    ``<workspace>/feed_state/``) and detect only new or changed people and the people linked to changed
    contacts (:mod:`jobshift.engine.incremental`); the first run is a full one that writes the state.
    Local executor only.
    """
    paths = feed_partitions(feed)
    if incremental and executor != "local":
        raise UsageError("--incremental runs with --executor local")
    store = ws.store
    with store.connect() as conn:
        tracked = tracked or default_tracked_set(conn)
        ctx = build_context(conn, ws.config, tracked, tier)
    if incremental:
        run = detect_release(ctx, paths, load_state(ws.path))
        summary = record_detection(
            store,
            ctx,
            finalize(ctx, [run.result]),
            run.stats["rows"],
            partitions=len(paths),
            incremental_people=run.stats["people_detected"],
        )
        save_state(ws.path, run.state, feed)
        summary.release = run.stats
        return summary
    detection, n_rows = run_feed(ctx, paths, executor, scheduler, workers, client)
    return record_detection(store, ctx, detection, n_rows, partitions=len(paths))
