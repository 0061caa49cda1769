"""The streaming feed run of benchmarks/bench_scale.py: generate partition i, detect it, delete it, next.

Kept apart from the command-line driver so tests/test_scale_stream.py can run it on small data and compare
its signals with the ordinary ``jobshift detect --feed`` over the same files. Each partition is written by
:class:`jobshift.synth.bulk_feed.BulkFeed` into a scratch directory, detected by the very task a feed run
uses (:func:`jobshift.engine.feed_shards.detect_partition_to_buckets`: its results go to ``--results-dir``
Parquet files), and deleted as soon as its task is done, so the feed on disk is at most a few partitions
whatever its total size. The finalize is the sharded one of ``jobshift detect --feed --results-dir``
(:func:`jobshift.services.detect.feed_sharded.task_setup` and
:func:`jobshift.engine.feed_shards.finalize_sharded`, contact shards as tasks on the same workers): no
process gathers all results; this process reads the signal files one at a time for their count and
digest. ``tracked_partitions`` K: the workers hold K slices of the tracked set, as with
``--tracked-partitions``.
"""

from __future__ import annotations

import os
import resource
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import psutil

from jobshift.engine.context import DetectContext
from jobshift.engine.feed import PartitionFn
from jobshift.engine.feed_shards import (
    ShardedDetection,
    detect_partition_to_buckets,
    finalize_sharded,
    local_map,
    shards_for,
)
from jobshift.engine.finalize import Detection
from jobshift.services.detect.feed_sharded import task_setup
from jobshift.synth.bulk_feed import BulkFeed


def load_crm(db: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(contacts, accounts) of a workspace's SQLite file, in the shape :class:`BulkFeed` takes."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        acc = con.execute(
            "SELECT id, name, domain, coalesce(is_target, 0) FROM accounts ORDER BY id"
        ).fetchall()
        accounts = pl.DataFrame(
            acc,
            schema={"id": pl.String, "name": pl.String, "domain": pl.String, "is_target": pl.Boolean},
            orient="row",
        )
        rows = con.execute(
            "SELECT id, account_id, first_name, last_name, email_norm, linkedin_norm, title FROM contacts"
            " WHERE account_id IS NOT NULL AND first_name IS NOT NULL ORDER BY id"
        ).fetchall()
    finally:
        con.close()
    schema = ["contact_id", "account_id", "first_name", "last_name", "email", "linkedin", "title"]
    contacts = pl.DataFrame(rows, schema=schema, orient="row")
    index = accounts.select(pl.col("id").alias("account_id")).with_row_index("acc")
    contacts = contacts.join(index, on="account_id", how="inner").sort("contact_id")
    contacts = contacts.with_columns(
        pl.col("acc").cast(pl.Int64), pl.col("title").fill_null("Software Engineer")
    )
    return contacts.drop("account_id"), accounts.drop("id")


def cpu_s() -> float:
    """CPU seconds (user + system, all threads) of this process so far."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def peak_rss_mb() -> float:
    """This process's peak resident memory (MB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


@dataclass
class RssSampler:
    """Samples the resident memory of some processes every ``every`` seconds; keeps each one's peak."""

    pids: dict[str, int]
    every: float = 0.5
    peaks: dict[str, float] = field(default_factory=dict)
    series_every: float = 0.5
    series: list[tuple[float, dict[str, float]]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def _loop(self) -> None:
        procs = {name: psutil.Process(pid) for name, pid in self.pids.items()}
        t0 = time.perf_counter()
        next_point = 0.0
        while not self._stop.is_set():
            now: dict[str, float] = {}
            for name, p in procs.items():
                try:
                    now[name] = round(p.memory_info().rss / 2**20, 1)
                except psutil.Error:
                    continue
                self.peaks[name] = max(self.peaks.get(name, 0.0), now[name])
            t = time.perf_counter() - t0
            if t >= next_point:
                self.series.append((round(t, 1), now))
                next_point = t + self.series_every
            self._stop.wait(self.every)

    def __enter__(self) -> RssSampler:
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


@dataclass
class StreamRun:
    """What a streaming run gives: the signals (count, digest; the whole detection when asked for),
    profiles read and the time split (seconds)."""

    detection: Detection | None = None
    signals: int = 0
    digest: str = ""
    shards: int = 0
    shard_counts: dict[str, int] = field(default_factory=dict)
    rows: int = 0
    bad: int = 0
    gen_s: float = 0.0
    gen_cpu_s: float = 0.0
    detect_s: float = 0.0
    merge_s: float = 0.0
    max_feed_files: int = 0
    results_bytes: int = 0
    timeline: list[tuple[int, float]] = field(default_factory=list)


def stream_feed(
    ctx: DetectContext,
    gen: BulkFeed,
    n_parts: int,
    scratch: Path,
    *,
    client: Any = None,
    suffix: str = ".jsonl",
    keep_feed: Path | None = None,
    on_partition: Callable[[int], None] | None = None,
    tracked_partitions: int | None = None,
    shards: int | None = None,
    collect: bool = False,
) -> StreamRun:
    """Generate, detect and delete ``n_parts`` partitions; finalize in shards (see the module doc).

    ``client``: a Dask client (partitions and contact shards run as tasks on its workers, at most
    ``2 × workers`` feed files on disk), else this process detects them one by one. ``keep_feed``: copy
    each partition there before deleting it (tests compare with an ordinary feed run over the same
    files). ``collect``: also gather every signal into ``run.detection`` (tests; not for large runs).
    """
    feed_dir, results = scratch / "feed", scratch / "results"
    for d in (feed_dir, results):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
    run = StreamRun()
    t_start = time.perf_counter()

    def produce(i: int) -> str:
        t0, c0 = time.perf_counter(), cpu_s()
        path = feed_dir / f"part-{i:05d}{suffix}"
        gen.write(i, path)
        if keep_feed is not None:
            shutil.copyfile(path, keep_feed / path.name)
        run.gen_s += time.perf_counter() - t0
        run.gen_cpu_s += cpu_s() - c0
        run.max_feed_files = max(run.max_feed_files, len(os.listdir(feed_dir)))
        return str(path)

    def done(i: int, path: str, counts: tuple[int, int]) -> None:
        os.unlink(path)
        run.rows += counts[0]
        run.bad += counts[1]
        run.timeline.append((i, round(time.perf_counter() - t_start, 2)))
        if on_partition is not None:
            on_partition(i)

    n = shards or shards_for(n_parts * gen.partition_size)
    with task_setup(ctx, str(results), tracked_partitions) as (task_ctx, slices, partition_fn):
        if client is None:
            for i in range(n_parts):
                path = produce(i)
                done(i, path, detect_partition_to_buckets(task_ctx, path, str(results), i, n, partition_fn))
            mapper = local_map
        else:
            mapper = _stream_dask(client, task_ctx, n_parts, n, produce, done, str(results), partition_fn)
        run.detect_s = time.perf_counter() - t_start
        run.results_bytes = sum(f.stat().st_size for f in results.rglob("*.parquet"))
        t0 = time.perf_counter()
        sharded = finalize_sharded(ctx, task_ctx, str(results), n_parts, None, slices, mapper)
        run.shards = sharded.contact_shards
        run.shard_counts = dict(sharded.counts)
        run.signals, run.digest = signal_digest(sharded)
        if collect:
            run.detection = sharded.to_detection()
        run.merge_s = time.perf_counter() - t0
    shutil.rmtree(results, ignore_errors=True)
    return run


def signal_digest(done: ShardedDetection) -> tuple[int, str]:
    """(signals, a digest of their rows independent of order), one signal file in memory at a time:
    the wrapping sum of each row's hash (columns by name) over all files."""
    total, acc = 0, 0
    for f in done.signal_files():
        df = pl.read_parquet(f)
        if df.height:
            df = df.select(sorted(df.columns))
            acc = (acc + int(df.hash_rows(seed=7).cast(pl.UInt64).sum())) % 2**64
        total += df.height
    return total, f"{acc:016x}"


def _stream_dask(
    client: Any,
    ctx: DetectContext,
    n_parts: int,
    shards: int,
    produce: Callable[[int], str],
    done: Callable[[int, str, tuple[int, int]], None],
    results: str,
    partition_fn: PartitionFn,
) -> Any:
    """Keep each worker busy with one task and one queued file; generate the next while they run.
    Returns the mapper that runs the finalize's shard tasks on the same workers (context not sent twice)."""
    from distributed import wait

    from jobshift.engine.dask_executor import dask_mapper

    ahead = 2 * max(1, len(client.scheduler_info()["workers"]))
    ctx_f = client.scatter(ctx, broadcast=True, hash=False)
    pending: dict[Any, tuple[int, str]] = {}
    nxt = 0
    while nxt < n_parts or pending:
        while nxt < n_parts and len(pending) < ahead:
            path = produce(nxt)
            fut = client.submit(
                detect_partition_to_buckets,
                ctx_f,
                path,
                results,
                nxt,
                shards,
                partition_fn,
                key=f"scale-part-{nxt}-{id(ctx_f)}",
                retries=2,
            )
            pending[fut] = (nxt, path)
            nxt += 1
        finished = wait(list(pending), return_when="FIRST_COMPLETED").done
        for fut in finished:
            i, path = pending.pop(fut)
            done(i, path, fut.result())
            fut.release()
    return dask_mapper(client, f"scale-{id(ctx_f)}", {id(ctx): ctx_f})
