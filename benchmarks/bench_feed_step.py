"""Benchmark: the detection step of one feed partition (``detect_batch`` over its sub-batches), CPU seconds.

Usage: POLARS_MAX_THREADS=1 PYTHONPATH=src .venv/bin/python benchmarks/bench_feed_step.py
       --dir /work/bench/d1m --work /tmp/featstep [--profiles 250000] [--mix 0.05 [--scramble]]
       [--rows 50000] [--runs 2]   (``--relevant F``: ``--mix F --scramble``)

The partition is bench_feed_read.py's (the first ``--profiles`` lines of ``DIR/people.jsonl``, or its
``--mix`` bulk partition), written under ``--work`` (``WORK/people.jsonl`` links to the workspace's feed;
``DIR`` is only read) and converted once with ``engine.feed.read_partition`` (kept as
``WORK/obs-*.parquet``; not timed). The context is built from the workspace and prepared as the feed
service prepares it before broadcasting (the pre-filter's key sets, ``DetectContext.warm`` where the code
has it), then pickled. Each run unpickles a fresh context (as a worker's first partition) and times:

  fresh   ``detect_batch`` over the partition in ``--rows`` slices (what ``detect_partition`` does after
          converting), caches empty;
  warm    the same again with the caches the first pass filled (a worker's later partitions, at best).

Prints JSON (best CPU seconds of ``--runs``, user + system, and wall seconds) with the row counts of
the result (``result_digest``: the rows themselves, order-free) and the people linked to a tracked
contact (``linked_share``: with a candidate pair), so
that two versions of the code (``PYTHONPATH`` at either ``src``) can be compared on the same data;
both give the same counts when no result changed.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import pickle
import resource
import sys
import time
from pathlib import Path
from typing import Any


def _cpu_s() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def _digest(r: Any) -> str:
    """An order-free digest of a batch result's three frames (row hashes summed per frame; the same
    polars version on both sides of an A/B): equal digests, the same rows."""
    parts = [
        f"{df.height}:{int((df.hash_rows(seed=7) % 1_000_000_007).sum()) if df.height else 0}"
        for df in (r.candidates, r.profiles, r.new_hires)
    ]
    return "/".join(parts)


def main() -> None:
    """Parse the arguments, prepare the partition and context (not timed), time the step, print JSON."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", type=Path, default=Path("/tmp/jobshift-bench-detect"))
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--profiles", type=int, default=250_000)
    ap.add_argument("--mix", type=float, default=None)
    ap.add_argument("--scramble", action="store_true")
    ap.add_argument("--relevant", type=float, default=None, help="--mix F --scramble")
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args()
    if args.relevant is not None:
        args.mix, args.scramble = args.relevant, True
    import polars as pl

    sys.path.insert(0, str(Path(__file__).parent))
    import bench_feed_read as bfr

    from jobshift.engine.detect import detect_batch, merge_results
    from jobshift.engine.feed import read_partition
    from jobshift.engine.prefilter.keys import feed_keys
    from jobshift.services.detect.detecting import build_context, default_tracked_set
    from jobshift.services.workspace import Workspace

    args.work.mkdir(parents=True, exist_ok=True)
    feed = args.work / "people.jsonl"
    if not feed.exists():
        feed.symlink_to((args.dir / "people.jsonl").resolve())
    tag = "all" if args.mix is None else f"mix{args.mix}{'-scrambled' if args.scramble else ''}"
    obs_file = args.work / f"obs-{tag}-{args.profiles}.parquet"
    if not obs_file.exists():
        jl, _ = (
            bfr.build(args.work, args.profiles)
            if args.mix is None
            else bfr.build_mix(args.work, args.profiles, args.mix, args.scramble)
        )
        read_partition(str(jl))[0].write_parquet(obs_file)
    obs = pl.read_parquet(obs_file)
    ws = Workspace.open(args.dir)
    with ws.store.connect() as conn:
        ctx0 = build_context(conn, ws.config, default_tracked_set(conn), None)
    ws.close()
    feed_keys(ctx0)
    if hasattr(ctx0, "warm"):
        ctx0.warm()
    blob = pickle.dumps(ctx0)
    skip = "skip_unlinked" in inspect.signature(detect_batch).parameters
    kw: dict[str, Any] = {"skip_unlinked": True} if skip else {}

    def step(ctx: Any) -> Any:
        return merge_results(
            [detect_batch(ctx, obs.slice(i, args.rows), **kw) for i in range(0, obs.height, args.rows)]
        )

    with open("/proc/loadavg") as fh:
        load0 = fh.read().split()[:3]
    best: dict[str, tuple[float, float]] = {}
    counts: tuple[int, ...] = ()
    for _ in range(args.runs):
        ctx = pickle.loads(blob)
        for phase in ("fresh", "warm"):
            c0, w0 = _cpu_s(), time.perf_counter()
            r = step(ctx)
            got = (round(_cpu_s() - c0, 2), round(time.perf_counter() - w0, 2))
            best[phase] = min(best.get(phase, got), got)
            counts = (r.candidates.height, r.profiles.height, r.new_hires.height, r.n_observations)
            linked = r.candidates.get_column("person_key").n_unique()
            digest = _digest(r)
    with open("/proc/loadavg") as fh:
        load1 = fh.read().split()[:3]
    out = {
        "partition": tag,
        "profiles": obs.height,
        "rows_per_batch": args.rows,
        "skip_unlinked": skip,
        "polars_threads": os.environ.get("POLARS_MAX_THREADS"),
        **{f"{p}_cpu_s": best[p][0] for p in best},
        **{f"{p}_wall_s": best[p][1] for p in best},
        "candidates_profiles_hires_observations": counts,
        "result_digest": digest,
        "linked_people": linked,
        "linked_share": round(linked / max(obs.height, 1), 4),
        "load_avg_before": load0,
        "load_avg_after": load1,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
