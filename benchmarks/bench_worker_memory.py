"""Benchmark (issue 20 item 4): what a long-lived feed worker keeps between partition tasks.

Usage: PYTHONPATH=src .venv/bin/python benchmarks/bench_worker_memory.py --crm /work/bench/d1m
       [--partitions 40] [--partition-size 250000] [--scratch /tmp/jobshift-wmem] [--start 0]
       [--no-release] [--out benchmarks/out/bench_worker_memory.json]

Runs, in this one process, the task a Dask worker runs for every feed partition of
``bench_scale.py`` (``engine/feed_shards.detect_partition_to_buckets``: read, convert, detect, write the
results in buckets, then the end-of-task release of ``utils/memory_release``) over ``--partitions``
*different* generated partitions (``synth/bulk_feed.BulkFeed``, seed 11, as bench_scale.py generates
them), on a context that went through pickle as the broadcast one does, on one pool thread as a
Dask worker with one thread runs it. After each task it records the peak RSS sampled during the task,
the
process's RSS, pyarrow's allocated bytes, and the size of every cache a worker keeps between tasks: every
``lru_cache`` of ``jobshift.domain`` / ``jobshift.engine``, the converter's bounded memos
(``domain/profile_parts``), the context's per-value caches and the company index's resolution cache.
``--no-release`` skips the release (the behaviour before it), for a before/after comparison.

Prints one JSON line per partition and writes the series to ``--out``; the slope (MB per partition)
over the second half of the run is the creep a 400-partition run would show.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import pickle
import pkgutil
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

import psutil  # noqa: E402
import pyarrow as pa  # noqa: E402
from scale_stream import cpu_s, load_crm  # noqa: E402

import jobshift.domain  # noqa: E402
import jobshift.engine  # noqa: E402
from jobshift.engine import feed_shards  # noqa: E402
from jobshift.engine.feed import detect_partition  # noqa: E402
from jobshift.engine.feed_shards import detect_partition_to_buckets  # noqa: E402
from jobshift.synth.bulk_feed import BulkFeed  # noqa: E402
from jobshift.utils import memory_release as worker_memory  # noqa: E402


def _modules() -> list[Any]:
    out = []
    for pkg in (jobshift.domain, jobshift.engine):
        for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
            try:
                out.append(importlib.import_module(info.name))
            except Exception:  # an optional dependency missing: that module holds no worker cache
                continue
    return out


def cache_sizes(ctx: Any, modules: list[Any]) -> dict[str, int]:
    """Entries of every cache a worker keeps between tasks (only the non-empty ones)."""
    sizes: dict[str, int] = {}
    for mod in modules:
        for name, obj in vars(mod).items():
            info = getattr(obj, "cache_info", None)
            if callable(info) and getattr(obj, "__module__", None) == mod.__name__:
                sizes[f"{mod.__name__.removeprefix('jobshift.')}.{name}"] = info().currsize
            elif type(obj).__name__ == "_Cache":
                sizes[f"{mod.__name__.removeprefix('jobshift.')}.{name}"] = len(obj)
    for name in ("_title_cache", "_first_cache", "_change_cache", "_name_cache"):
        sizes[f"ctx.{name}"] = len(getattr(ctx, name))
    frame = ctx._company_frame
    sizes["ctx._company_frame"] = 0 if frame is None else frame.height
    sizes["ctx.index._cache"] = len(ctx.index._cache)
    sizes["ctx.index._pools"] = len(ctx.index._pools)
    return {k: v for k, v in sorted(sizes.items()) if v}


def cache_mb(ctx: Any) -> dict[str, float]:
    """MB held by the two resolution caches: the context's frame (polars' estimate) and the company
    index's dict (the dict, its key tuples and their strings; values are shared or small)."""
    frame = ctx._company_frame
    cache = ctx.index._cache
    size = sys.getsizeof(cache)
    for key in cache:
        size += sys.getsizeof(key) + sum(sys.getsizeof(v) for v in key if v is not None)
    return {
        "ctx._company_frame": round((0 if frame is None else frame.estimated_size()) / 2**20, 1),
        "ctx.index._cache": round(size / 2**20, 1),
    }


def _context(crm: Path, scratch: Path, as_of: str) -> Any:
    from bench_scale import _context as build

    ctx, _, _ = build(crm, scratch, as_of)
    return pickle.loads(pickle.dumps(ctx, protocol=5))  # a worker holds the unpickled broadcast copy


class PeakSampler:
    """The highest RSS of this process sampled every 0.1 s since the last :meth:`take`."""

    def __init__(self, proc: psutil.Process) -> None:
        self.proc, self.peak, self._stop = proc, 0.0, threading.Event()
        self._t = threading.Thread(target=self._loop, daemon=True)
        self._t.start()

    def _loop(self) -> None:
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, self.proc.memory_info().rss / 2**20)

    def take(self) -> float:
        """The peak so far, then start again."""
        peak, self.peak = self.peak, 0.0
        return peak

    def stop(self) -> None:
        self._stop.set()
        self._t.join()


def _slope(xs: list[int], ys: list[float]) -> float:
    n = len(xs)
    if n < 2:
        return 0.0
    mx, my = sum(xs) / n, sum(ys) / n
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den if den else 0.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--crm", type=Path, default=Path("/work/bench/d1m"))
    ap.add_argument("--partitions", type=int, default=40)
    ap.add_argument("--partition-size", type=int, default=250_000)
    ap.add_argument("--start", type=int, default=0, help="index of the first generated partition")
    ap.add_argument("--scratch", type=Path, default=Path("/tmp/jobshift-wmem"))
    ap.add_argument("--as-of", default="2026-12-07")
    ap.add_argument("--no-release", action="store_true")
    ap.add_argument("--out", type=Path, default=HERE / "out" / "bench_worker_memory.json")
    args = ap.parse_args()
    if args.no_release:
        worker_memory.RELEASE = False
    proc = psutil.Process()
    contacts, accounts = load_crm(args.crm / "jobshift.db")
    gen = BulkFeed(contacts, accounts, partition_size=args.partition_size)
    ctx = _context(args.crm, args.scratch, args.as_of)
    del contacts, accounts
    gc.collect()
    modules = _modules()
    feed, results = args.scratch / "feed.jsonl", args.scratch / "results"
    results.mkdir(parents=True, exist_ok=True)
    with open("/proc/loadavg") as fh:
        load0 = fh.read().split()[:3]
    release_cpu = [0.0]

    def timed_release() -> None:
        c0 = time.thread_time()
        worker_memory.release_after_task()
        release_cpu[0] += time.thread_time() - c0

    feed_shards.release_after_task = timed_release
    series: list[dict[str, Any]] = []
    peak = 0.0
    task_cpu = 0.0
    rss_before = round(proc.memory_info().rss / 2**20, 1)
    sampler = PeakSampler(proc)
    # the task runs on one pool thread, as in a Dask worker with one thread (not on the main thread)
    pool = ThreadPoolExecutor(1)
    for k in range(args.partitions):
        i = args.start + k
        gen.write(i, feed)
        c0 = cpu_s()
        sampler.take()
        fut = pool.submit(detect_partition_to_buckets, ctx, str(feed), str(results), i, 4, detect_partition)
        rows, _ = fut.result()
        task_peak = sampler.take()
        task_cpu += cpu_s() - c0
        feed.unlink()
        for f in results.rglob("*.parquet"):  # results are not what is measured; keep the disk small
            f.unlink()
        rss = proc.memory_info().rss / 2**20
        peak = max(peak, rss)
        row = {
            "partition": i,
            "rss_mb": round(rss, 1),
            "task_peak_mb": round(task_peak, 1),
            "arrow_mb": round(pa.total_allocated_bytes() / 2**20, 1),
            "task_cpu_s": round(task_cpu, 1),
            "release_cpu_s": round(release_cpu[0], 2),
            "rows": rows,
            "caches": cache_sizes(ctx, modules),
            "cache_mb": cache_mb(ctx),
        }
        series.append(row)
        print(json.dumps(row), flush=True)
    sampler.stop()
    pool.shutdown()
    with open("/proc/loadavg") as fh:
        load1 = fh.read().split()[:3]
    half = series[len(series) // 2 :]
    summary = {
        "release": not args.no_release,
        "partitions": args.partitions,
        "utc_end": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
        "load_start": load0,
        "load_end": load1,
        "rss_before_first_task_mb": rss_before,
        "rss_first_mb": series[0]["rss_mb"],
        "rss_last_mb": series[-1]["rss_mb"],
        "rss_max_after_task_mb": round(peak, 1),
        "task_peak_first_half_max_mb": max(r["task_peak_mb"] for r in series[: len(series) // 2]),
        "task_peak_second_half_max_mb": max(r["task_peak_mb"] for r in half),
        "slope_second_half_mb_per_partition": round(
            _slope([r["partition"] for r in half], [r["rss_mb"] for r in half]), 2
        ),
        "peak_slope_second_half_mb_per_partition": round(
            _slope([r["partition"] for r in half], [r["task_peak_mb"] for r in half]), 2
        ),
        "profiles_per_task_cpu_s": round(sum(r["rows"] for r in series) / task_cpu),
    }
    print(json.dumps(summary), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"summary": summary, "series": series}, indent=1))


if __name__ == "__main__":
    main()
