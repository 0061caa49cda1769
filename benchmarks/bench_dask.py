"""Benchmark: feed-mode detection on a Dask LocalCluster vs the local executor, same data, same machine.

Usage: .venv/bin/python benchmarks/bench_dask.py [--contacts 1000000] [--profiles 10000000]
       [--partitions 20] [--workers 2] [--dir DIR] [--reuse BENCH_DETECT_DIR]

Builds once (not timed) a SQLite workspace with the tracked contacts (benchmarks/bench_detect_data.py;
``--reuse`` copies the CRM of an existing bench_detect.py data directory instead) and the people feed as
``--partitions`` Parquet files: the CRM's own profiles first, then generated people at outside companies
and hires at target accounts up to ``--profiles``. Then, each in a fresh child process:
  local  `detect --feed` with the local executor (``run_feed(..., "local")``): wall time, peak RSS;
  dask   the same on a LocalCluster of ``--workers`` processes × 1 thread: wall time (cluster start
         excluded, reported apart), peak RSS of every worker and of the client.
  sliced (``--tracked-partitions K``) the dask run again with the tracked set split into K hash slices
         that the workers read from files (engine/tracked_slices.py): peak RSS per process.
``--results-dir DIR``: both dask runs write partition results there (engine/feed_spill.py).
``--sharded``: the sliced run also finalizes in shards whose signals stay in files
(engine/feed_shards.py; the client's peak is taken before they are read back for the digest).
``--skip-local``: no local run (the dask run is then the reference for the digest).
All runs must give the same signals (compared by a hash of the sorted signal rows).
Writes benchmarks/out/bench_dask.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

OUT = Path(__file__).parent / "out"
HERE = Path(__file__).parent
K0 = 20_000_000  # ids of generated outside people (above any earlier data set's)


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _cpu_s() -> float:
    """CPU seconds (user + system, all threads) of this process so far."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def build_feed(args: argparse.Namespace) -> dict[str, Any]:
    """CRM + Parquet partitions (skipped when they exist)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sys.path.insert(0, str(HERE))
    from bench_detect_data import _Builder, _pdl, build

    from jobshift.services.workspace import init_workspace

    d: Path = args.dir
    feed = d / "feed"
    if feed.is_dir() and len(list(feed.glob("*.parquet"))) == args.partitions:
        return {}
    t0 = time.perf_counter()
    d.mkdir(parents=True, exist_ok=True)
    if args.reuse:
        for name in ("jobshift.db", "jobshift.toml"):
            shutil.copyfile(args.reuse / name, d / name)
        source = _records(args.reuse)
    else:
        ws, _ = init_workspace(d)
        ws.close()
        build(d / "jobshift.db", d / "people.jsonl", args.contacts, min(args.profiles, args.contacts))
        source = _records(d)
    feed.mkdir(exist_ok=True)
    per_part = -(-args.profiles // args.partitions)
    gen = _Builder(args.contacts, args.profiles, seed=11)
    k = K0
    n = 0
    for i in range(args.partitions):
        recs: list[dict[str, Any]] = []
        while len(recs) < per_part and n < args.profiles:
            rec = next(source, None)
            if rec is None:
                row, exp = gen.other_profile(k)
                rec = _pdl(row, exp)
                k += 1
            recs.append(rec)
            n += 1
        pq.write_table(pa.Table.from_pylist(recs), feed / f"part-{i:03d}.parquet")
    return {"build_s": round(time.perf_counter() - t0, 1), "generated_outside": k - K0}


def _records(src: Path) -> Iterator[dict[str, Any]]:
    """The profiles of a previous data directory: its people.jsonl, else its feed/*.parquet files."""
    import orjson
    import pyarrow.parquet as pq

    if (src / "people.jsonl").exists():
        with (src / "people.jsonl").open("rb") as fh:
            for line in fh:
                yield orjson.loads(line)
        return
    for part in sorted((src / "feed").glob("*.parquet")):
        for batch in pq.ParquetFile(part).iter_batches(batch_size=50_000):
            yield from batch.to_pylist()


def _context(d: Path) -> tuple[Any, list[str], float]:
    from jobshift.engine.feed import feed_partitions
    from jobshift.services.detect.detecting import build_context, default_tracked_set
    from jobshift.services.workspace import Workspace

    t0 = time.perf_counter()
    ws = Workspace.open(d)
    with ws.store.connect() as conn:
        ctx = build_context(conn, ws.config, default_tracked_set(conn), None)
    ws.close()
    return ctx, feed_partitions(str(d / "feed")), round(time.perf_counter() - t0, 2)


def _digest(signals: Any) -> str:
    df = signals.sort("signal_id")
    return hashlib.sha256(df.write_csv().encode()).hexdigest()[:16]


def measure_local(d: Path) -> dict[str, Any]:
    """The local executor over every partition."""
    from jobshift.services.detect.detecting_feed import run_feed

    ctx, paths, ctx_s = _context(d)
    t0, c0 = time.perf_counter(), _cpu_s()
    det, rows = run_feed(ctx, paths, "local")
    s = time.perf_counter() - t0
    return {
        "local_cpu_s": round(_cpu_s() - c0, 1),
        "context_s": ctx_s,
        "local_s": round(s, 2),
        "local_profiles": rows,
        "local_signals": det.signals.height,
        "local_digest": _digest(det.signals),
        "local_peak_rss_mb": _rss_mb(),
    }


def _worker_rss() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def measure_dask(
    d: Path,
    workers: int,
    results_dir: str | None = None,
    tracked_partitions: int | None = None,
    sharded: bool = False,
) -> dict[str, Any]:
    """A LocalCluster of ``workers`` processes × 1 thread; results in files, tracked set sliced (options)."""
    from distributed import Client, LocalCluster

    from jobshift.services.detect.detecting_feed import run_feed

    ctx, paths, _ = _context(d)
    t0 = time.perf_counter()
    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0") as cl,
        Client(cl) as client,
    ):
        start_s = time.perf_counter() - t0
        w0 = client.run(_cpu_s)
        t0, c0 = time.perf_counter(), _cpu_s()
        if sharded:
            from jobshift.services.detect.feed_sharded import run_feed_sharded

            assert results_dir is not None, "--sharded needs --results-dir"
            done, rows = run_feed_sharded(
                ctx, paths, results_dir, "dask", client=client, tracked_partitions=tracked_partitions
            )
        else:
            det, rows = run_feed(
                ctx,
                paths,
                "dask",
                client=client,
                results_dir=results_dir,
                tracked_partitions=tracked_partitions,
            )
        s = time.perf_counter() - t0
        c1 = _cpu_s()
        rss = client.run(_worker_rss)
        w1 = client.run(_cpu_s)
    client_rss = _rss_mb()  # before a sharded run's signals are read back for the digest
    if sharded:
        det = done.to_detection()
    return {
        "dask_worker_cpu_s": round(sum(w1[w] - w0.get(w, 0.0) for w in w1), 1),
        "dask_client_cpu_s": round(c1 - c0, 1),
        "cluster_start_s": round(start_s, 2),
        "dask_s": round(s, 2),
        "dask_profiles": rows,
        "dask_signals": det.signals.height,
        "dask_digest": _digest(det.signals),
        "dask_worker_peak_rss_mb": sorted(rss.values()),
        "dask_client_peak_rss_mb": client_rss,
    }


def _child(part: str, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--part", part, "--dir", str(args.dir), "--workers", str(args.workers)]
    if args.results_dir:
        cmd += ["--results-dir", args.results_dir]
    if args.tracked_partitions:
        cmd += ["--tracked-partitions", str(args.tracked_partitions)]
    if getattr(args, "sharded", False):
        cmd += ["--sharded"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--contacts", type=int, default=1_000_000)
    ap.add_argument("--profiles", type=int, default=10_000_000)
    ap.add_argument("--partitions", type=int, default=20)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/jobshift-bench-dask"))
    ap.add_argument(
        "--reuse",
        type=Path,
        help="copy CRM + profiles of a bench_detect/bench_dask data dir",
    )
    ap.add_argument("--build-only", action="store_true")
    ap.add_argument("--results-dir", help="dask runs write partition results below this directory")
    ap.add_argument("--tracked-partitions", type=int, help="also a dask run with K tracked-set slices")
    ap.add_argument("--skip-local", action="store_true")
    ap.add_argument(
        "--sharded", action="store_true", help="the sliced run finalizes in shards (engine/feed_shards.py)"
    )
    ap.add_argument("--part", choices=("local", "dask", "sliced"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.part == "local":
        print(json.dumps(measure_local(args.dir)))
        return
    if args.part == "dask":
        print(json.dumps(measure_dask(args.dir, args.workers, args.results_dir)))
        return
    if args.part == "sliced":
        r = measure_dask(args.dir, args.workers, args.results_dir, args.tracked_partitions, args.sharded)
        print(json.dumps({k.replace("dask_", "sliced_"): v for k, v in r.items()}))
        return
    built = build_feed(args)
    if args.build_only:
        print(json.dumps(built))
        return
    with open("/proc/loadavg") as fh:
        load = fh.read().split()[:3]
    r: dict[str, Any] = {
        "contacts": args.contacts,
        "profiles": args.profiles,
        "partitions": args.partitions,
        "workers": args.workers,
        "load_avg_before": load,
        **built,
        **({} if args.skip_local else _child("local", args)),
        **_child("dask", args),
        **(_child("sliced", args) if args.tracked_partitions else {}),
    }
    n = r["dask_profiles"]
    ref = r.get("local_digest", r["dask_digest"])
    r["identical"] = r["dask_digest"] == ref and r.get("sliced_digest", ref) == ref
    r["dask_profiles_per_s"] = round(n / r["dask_s"])
    # per core: the local executor runs one partition at a time (1 core; polars may borrow the other),
    # the cluster runs `workers` single-threaded processes
    r["dask_profiles_per_s_per_core"] = round(r["dask_profiles_per_s"] / args.workers)
    if not args.skip_local:
        r["local_profiles_per_s"] = round(n / r["local_s"])
        r["local_profiles_per_s_per_core"] = r["local_profiles_per_s"]
        r["dask_over_local_time"] = round(r["dask_s"] / r["local_s"], 3)
    OUT.mkdir(exist_ok=True)
    (OUT / "bench_dask.json").write_text(json.dumps(r, indent=2))
    print(json.dumps(r, indent=2))


if __name__ == "__main__":
    main()
