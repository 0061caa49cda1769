"""Feed-mode detection on Dask (``dask.distributed``): one task per feed partition, same pure code.

The run's :class:`~jobshift.engine.context.DetectContext` (tracked contacts, accounts, company index) is
scattered once to every worker (broadcast); each partition task reads its file, converts the profiles and
runs :func:`~jobshift.engine.feed.detect_partition`. Partition results stay on the workers: only the
small detections and the person keys that produced something travel to the client, which then asks every
partition for its newest observation of those keys and prunes (see :mod:`jobshift.engine.feed`). A worker
lost mid-run is handled by Dask: its tasks are recomputed from their inputs (``allowed-failures``), so the
result is unchanged. Needs the optional extra ``pip install 'jobshift[distributed]'``.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from concurrent.futures import CancelledError
from typing import Any, TypeVar

from jobshift.engine.context import DetectContext
from jobshift.engine.detect import BatchResult
from jobshift.engine.feed import (
    PartitionFn,
    PartitionResult,
    batch_of,
    detect_partition,
    produced_keys,
    prune,
    seen_keys,
)
from jobshift.engine.feed_shards import Mapper, detect_partition_to_buckets
from jobshift.engine.feed_spill import detect_partition_to_dir, merge_partition_dirs
from jobshift.errors import UsageError

log = logging.getLogger(__name__)
T = TypeVar("T")
RUN_ATTEMPTS = 3
"""How often a run whose tasks the scheduler cancelled is started (a worker died at a bad moment)."""


WORKER_CONFIG = {"distributed.worker.profile.enabled": False}
"""Dask settings of the workers :func:`local_cluster` starts. Dask's statistical profiler samples every
worker thread's stack every 10 ms and keeps the last 1,000 one-second cycles (``distributed.admin.
low-level-log-length``) of call trees, twice (per worker and per task key): a partition task's deep
polars / jobshift stacks made that ≈ 60–120 MB of small Python objects per worker, filling over the
first ≈ 17 minutes and fragmenting the heap; it was the workers' memory creep from 10M to 100M profiles
(benchmarks/RESULTS.md, "Worker memory creep"). On a cluster you start yourself, set
``DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False`` in the workers' environment (docs/scaling.md)."""


def local_cluster(workers: int) -> Any:
    """A LocalCluster of ``workers`` processes × 1 thread, with :data:`WORKER_CONFIG`."""
    import dask
    from distributed import LocalCluster

    with dask.config.set(WORKER_CONFIG):
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0")


def _client_class() -> Any:
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - depends on the environment
        raise UsageError(
            "the dask executor needs the optional extra: pip install 'jobshift[distributed]'"
        ) from None
    return Client


class DaskExecutor:
    """Runs feed partitions on a Dask cluster: ``scheduler`` address, or a local cluster of ``workers``.

    ``client`` (an existing ``distributed.Client``) wins over both. ``partition_fn`` is the task run per
    partition (tests inject faults through it; it must behave like :func:`detect_partition`).
    """

    name = "dask"

    def __init__(
        self,
        scheduler: str | None = None,
        workers: int | None = None,
        client: Any = None,
        partition_fn: PartitionFn = detect_partition,
        results_dir: str | None = None,
    ) -> None:
        self.scheduler = scheduler
        self.workers = workers
        self.client = client
        self.partition_fn = partition_fn
        self.results_dir = results_dir
        """Workers write their results there (:mod:`jobshift.engine.feed_spill`) instead of keeping them."""
        self.stats: dict[str, int] = {}

    def _open(self) -> tuple[Any, Any]:
        """(client, cluster or None): the given client, a remote scheduler, or a new LocalCluster."""
        if self.client is not None:
            return self.client, None
        client_cls = _client_class()
        if self.scheduler:
            return client_cls(self.scheduler), None
        cluster = local_cluster(self.workers or 2)
        return client_cls(cluster), cluster

    def detect_feed(self, ctx: DetectContext, paths: list[str]) -> list[BatchResult]:
        """Pruned batch results of every partition (feed it to :func:`~jobshift.engine.finalize.finalize`)."""
        client, cluster = self._open()
        try:
            return self._run_with_restarts(client, ctx, paths)
        finally:
            if client is not self.client:
                client.close()
            if cluster is not None:
                cluster.close()

    def detect_feed_sharded(
        self, ctx: DetectContext, paths: list[str], shards: int, finish: Callable[[Mapper], T]
    ) -> T:
        """Partition results written to ``results_dir`` by the workers in ``shards`` buckets
        (:func:`~jobshift.engine.feed_shards.detect_partition_to_buckets`), then ``finish`` (a sharded
        finalize, :mod:`jobshift.engine.feed_shards`) given a mapper that runs its shard tasks on the
        same cluster; nothing but counts comes back to this process."""
        if self.results_dir is None:
            raise UsageError("a sharded feed run needs a results directory")
        client, cluster = self._open()
        try:
            ctx_f = client.scatter(ctx, broadcast=True, hash=False)
            run = uuid.uuid4().hex[:12]
            self._spill(client, ctx_f, paths, run, self.results_dir, shards)
            return finish(dask_mapper(client, run, {id(ctx): ctx_f}))
        finally:
            if client is not self.client:
                client.close()
            if cluster is not None:
                cluster.close()

    def _run_with_restarts(self, client: Any, ctx: DetectContext, paths: list[str]) -> list[BatchResult]:
        """:meth:`_run`, started again (fresh task keys) when the scheduler cancelled one of its tasks.

        A partition task that fails is retried by Dask itself (``retries``); but when a worker process
        dies, a task derived from its lost results can come back cancelled ("already forgotten") instead
        of being recomputed. The run is pure, so doing it again gives the same result.
        """
        for attempt in range(1, RUN_ATTEMPTS + 1):
            try:
                return self._run(client, ctx, paths)
            except CancelledError as exc:
                if attempt == RUN_ATTEMPTS:
                    raise
                log.warning(
                    "dask run cancelled (%s); starting it again (%d of %d)", exc, attempt + 1, RUN_ATTEMPTS
                )
        raise AssertionError("unreachable")

    def _run(self, client: Any, ctx: DetectContext, paths: list[str]) -> list[BatchResult]:
        run = uuid.uuid4().hex[:12]
        ctx_f = client.scatter(ctx, broadcast=True, hash=False)
        if self.results_dir is not None:
            return self._run_to_files(client, ctx_f, paths, run, self.results_dir)
        parts = [
            client.submit(self.partition_fn, ctx_f, p, key=f"jobshift-part-{run}-{i}", retries=2)
            for i, p in enumerate(paths)
        ]
        batches = [client.submit(batch_of, f, key=f"jobshift-batch-{run}-{i}") for i, f in enumerate(parts)]
        counts = [client.submit(_counts, f, key=f"jobshift-counts-{run}-{i}") for i, f in enumerate(parts)]
        results: list[BatchResult] = client.gather(batches)
        keys_f = client.scatter(produced_keys(results), broadcast=True, hash=False)
        seen = client.gather(
            [client.submit(seen_keys, f, keys_f, key=f"jobshift-seen-{run}-{i}") for i, f in enumerate(parts)]
        )
        rows_bad = client.gather(counts)
        self.stats = {"rows": sum(r for r, _ in rows_bad), "bad": sum(b for _, b in rows_bad)}
        del parts
        return prune(results, seen)

    def _run_to_files(
        self, client: Any, ctx_f: Any, paths: list[str], run: str, results_dir: str
    ) -> list[BatchResult]:
        """Each task writes its partition's results to ``results_dir``; only row counts come back."""
        self._spill(client, ctx_f, paths, run, results_dir)
        return merge_partition_dirs(results_dir, len(paths))

    def _spill(
        self, client: Any, ctx_f: Any, paths: list[str], run: str, results_dir: str, shards: int | None = None
    ) -> None:
        """One task per feed file writing its results to ``results_dir`` (in ``shards`` buckets when
        given); only row counts come back."""
        tasks = [
            client.submit(
                *(
                    (detect_partition_to_dir, ctx_f, p, results_dir, i)
                    if shards is None
                    else (detect_partition_to_buckets, ctx_f, p, results_dir, i, shards)
                ),
                self.partition_fn,
                key=f"jobshift-spill-{run}-{i}",
                retries=2,
            )
            for i, p in enumerate(paths)
        ]
        rows_bad = client.gather(tasks)
        self.stats = {"rows": sum(r for r, _ in rows_bad), "bad": sum(b for _, b in rows_bad)}


def dask_mapper(client: Any, run: str, scattered: dict[int, Any] | None = None) -> Mapper:
    """A :data:`~jobshift.engine.feed_shards.Mapper` submitting Dask tasks; a context argument is
    scattered once to every worker (broadcast), not pickled into each task. ``scattered``: contexts
    the caller already broadcast (``id(ctx)`` → future), used as they are (no second copy)."""
    scattered = {} if scattered is None else dict(scattered)

    def arg(a: Any) -> Any:
        if not isinstance(a, DetectContext):
            return a
        if id(a) not in scattered:
            scattered[id(a)] = client.scatter(a, broadcast=True, hash=False)
        return scattered[id(a)]

    def run_all(fn: Callable[..., Any], args: list[tuple[Any, ...]]) -> list[Any]:
        name = getattr(fn, "__name__", "task")
        futures = [
            client.submit(fn, *(arg(a) for a in t), key=f"jobshift-{name}-{run}-{i}", retries=2)
            for i, t in enumerate(args)
        ]
        return list(client.gather(futures))

    return run_all


def _counts(part: PartitionResult) -> tuple[int, int]:
    return part.rows, part.bad
