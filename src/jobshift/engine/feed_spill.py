"""Feed partitions whose results go to Parquet files, merged by the client streaming (bounded memory).

With ``results_dir``, a partition task (:func:`detect_partition_to_dir`) writes what it found —
candidates, profile facts, new hires — and its (person_key, observed_at) table to
``<results_dir>/part-NNNNN/*.parquet`` and returns only its row counts: a worker keeps nothing after the
task, and nothing travels back but two integers. :func:`merge_partition_dirs` then does the
cross-partition step of :mod:`jobshift.engine.feed` over the files with lazy scans: the person keys that
produced anything, their newest partition (ties: the lowest index), and each partition's rows of the
people it wins — only those are loaded. So the client holds the pruned detections (what ``finalize``
needs) and the (person_key, observed_at) rows of the people that produced something, never every
partition's results and keys. The signals are the same as the in-memory merge's (tests).

The directory must be readable by the client and writable by the workers (a shared filesystem on a real
cluster, as for the feed files). A task re-run after a worker died rewrites its directory (written to a
temporary name, then renamed), so a retry never leaves half a partition behind.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import polars as pl

from jobshift.engine.context import DetectContext
from jobshift.engine.detect import BatchResult
from jobshift.engine.feed import PartitionFn, detect_partition
from jobshift.utils.memory_release import release_after_task

_TABLES = ("candidates", "profiles", "new_hires", "keys")


def part_dir(results_dir: str, index: int) -> Path:
    """The directory of partition ``index``'s results."""
    return Path(results_dir) / f"part-{index:05d}"


def write_part_dir(results_dir: str, index: int, write: Callable[[Path], None]) -> None:
    """Partition ``index``'s directory written by ``write`` (given a temporary directory, renamed into
    place when it returns: a retried task never leaves half a partition behind)."""
    final = part_dir(results_dir, index)
    tmp = final.with_name(f"{final.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    write(tmp)
    shutil.rmtree(final, ignore_errors=True)
    tmp.rename(final)


def detect_partition_to_dir(
    ctx: DetectContext,
    path: str,
    results_dir: str,
    index: int,
    partition_fn: PartitionFn = detect_partition,
) -> tuple[int, int]:
    """Detect one partition (``partition_fn``) and write its results under ``results_dir``; returns
    (rows read, bad rows). The worker's memory is given back after it (``utils/memory_release``)."""
    try:
        return _to_dir(ctx, path, results_dir, index, partition_fn)
    finally:
        release_after_task()


def _to_dir(
    ctx: DetectContext, path: str, results_dir: str, index: int, partition_fn: PartitionFn
) -> tuple[int, int]:
    part = partition_fn(ctx, path)
    frames = {
        "candidates": part.result.candidates,
        "profiles": part.result.profiles,
        "new_hires": part.result.new_hires,
        "keys": part.keys,
    }

    def write(tmp: Path) -> None:
        for name, df in frames.items():
            df.write_parquet(tmp / f"{name}.parquet", statistics=False)

    write_part_dir(results_dir, index, write)
    return part.rows, part.bad


def merge_partition_dirs(results_dir: str, n_parts: int) -> list[BatchResult]:
    """The pruned results of every partition, read from ``results_dir`` (see the module docstring)."""
    dirs = [part_dir(results_dir, i) for i in range(n_parts)]
    missing = [str(d) for d in dirs if not (d / "keys.parquet").exists()]
    if missing:
        raise FileNotFoundError(f"partition results missing: {', '.join(missing[:3])}")

    def scan(i: int, name: str) -> pl.LazyFrame:
        return pl.scan_parquet(dirs[i] / f"{name}.parquet")

    produced = pl.concat(
        [scan(i, t).select("person_key") for i in range(n_parts) for t in ("candidates", "new_hires")]
    ).unique()
    winners = (
        pl.concat(
            [
                scan(i, "keys")
                .join(produced, on="person_key", how="semi")
                .with_columns(pl.lit(i, pl.UInt32).alias("part"))
                for i in range(n_parts)
            ]
        )
        .sort(["person_key", "observed_at", "part"], descending=[False, True, False])
        .unique("person_key", keep="first")
        .collect()
    )
    out: list[BatchResult] = []
    for i in range(n_parts):
        mine = winners.lazy().filter(pl.col("part") == i).select("person_key")
        c, p, h = (
            scan(i, t).join(mine, on="person_key", how="semi").collect()
            for t in ("candidates", "profiles", "new_hires")
        )
        out.append(BatchResult(c, p, h, 0))
    return out
