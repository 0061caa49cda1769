"""Benchmark: feed-mode throughput on one partition vs merely reading it with pyarrow (JSONL and Parquet).

Usage: .venv/bin/python benchmarks/bench_feed_read.py [--dir /work/bench/d1m] [--profiles 250000]

Takes the first ``--profiles`` lines of the bench_detect.py feed (``DIR/people.jsonl``) as one partition,
writes it as ``DIR/feedread/part.jsonl`` and ``part.parquet`` (not timed), then measures in this process,
each step twice (best kept), with the context built from the workspace first (not timed):

  read_pyarrow   ``pyarrow.json.read_json`` / ``pyarrow.parquet.read_table`` of the partition;
  read_raw       the incremental reader (engine/feed_raw.py): rows read and fingerprinted, no conversion;
  convert        ``engine.feed.read_partition``: read + convert every profile (the ingest's rules) +
                 newest per person — what a feed task does before detection;
  feed_task      ``engine.feed.detect_partition``: convert + the pure detection step (a whole Dask task).

Ratios are throughput ratios (pyarrow time / step time). Writes benchmarks/out/bench_feed_read.json.
"""

from __future__ import annotations

import argparse
import json
import pickle
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

OUT = Path(__file__).parent / "out"


def _best(fn: Callable[[], Any], n: int = 2) -> float:
    best = float("inf")
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return round(best, 2)


def build(d: Path, n: int) -> tuple[Path, Path]:
    """The partition as JSONL and Parquet (reused when present)."""
    import orjson
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = d / "feedread"
    out.mkdir(exist_ok=True)
    jl, pqf = out / "part.jsonl", out / "part.parquet"
    if not jl.exists() or not pqf.exists():
        lines: list[bytes] = []
        with (d / "people.jsonl").open("rb") as fh:
            for raw in fh:
                lines.append(raw)
                if len(lines) == n:
                    break
        jl.write_bytes(b"".join(lines))
        pq.write_table(pa.Table.from_pylist([orjson.loads(x) for x in lines]), pqf)
    return jl, pqf


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", type=Path, default=Path("/tmp/jobshift-bench-detect"))
    ap.add_argument("--profiles", type=int, default=250_000)
    args = ap.parse_args()
    import pyarrow.json as pj
    import pyarrow.parquet as pq

    from jobshift.engine.feed import detect_partition, read_partition
    from jobshift.engine.feed_raw import read_raw
    from jobshift.services.detect.detecting import build_context, default_tracked_set
    from jobshift.services.workspace import Workspace

    jl, pqf = build(args.dir, args.profiles)
    ws = Workspace.open(args.dir)
    with ws.store.connect() as conn:
        blob = pickle.dumps(build_context(conn, ws.config, default_tracked_set(conn), None))
    ws.close()
    with open("/proc/loadavg") as fh:
        load = fh.read().split()[:3]
    res: dict[str, Any] = {"profiles": args.profiles, "load_avg_before": load}
    for fmt, path, reader in (
        ("jsonl", jl, lambda p: pj.read_json(p)),
        ("parquet", pqf, lambda p: pq.read_table(p)),
    ):
        r: dict[str, Any] = {"mb": round(path.stat().st_size / 2**20, 1)}
        r["read_pyarrow_s"] = _best(lambda p=path, f=reader: f(p))  # type: ignore[misc]
        r["read_raw_s"] = _best(lambda p=path: read_raw(str(p)))  # type: ignore[misc]
        r["convert_s"] = _best(lambda p=path: read_partition(str(p)))  # type: ignore[misc]
        # a fresh context per run (empty caches), as a worker has for its first partition
        r["feed_task_s"] = _best(lambda p=path: detect_partition(pickle.loads(blob), str(p)))  # type: ignore[misc]
        for k in ("read_raw_s", "convert_s", "feed_task_s"):
            r[f"ratio_{k[:-2]}"] = round(r["read_pyarrow_s"] / r[k], 3)
        r["feed_task_profiles_per_s"] = round(args.profiles / r["feed_task_s"])
        res[fmt] = r
    with open("/proc/loadavg") as fh:
        res["load_avg_after"] = fh.read().split()[:3]
    OUT.mkdir(exist_ok=True)
    (OUT / "bench_feed_read.json").write_text(json.dumps(res, indent=2))
    print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
