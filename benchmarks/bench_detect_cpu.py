"""Benchmark: the pure detection step's CPU time (one thread) and the hash of its signal frame.

Usage: POLARS_MAX_THREADS=1 PYTHONPATH=src .venv/bin/python benchmarks/bench_detect_cpu.py
       --dir /work/bench/d1m [--runs 2] [--profile FILE]

The bench_detect.py data set's newest observations and context are read once (not timed); then the step
(`detect_batch` over every batch with the local executor and one thread, + `finalize`) runs ``--runs``
times, each from a fresh copy of the context and with jobshift's ``lru_cache`` tables emptied (cold, as
a fresh process); the best process CPU time and wall time are kept. Prints JSON with the sha256 of the
signal frame sorted by ``signal_id`` (as bench_incremental): equal hashes on two versions of the code
mean not one signal changed. ``--profile`` writes a cProfile of one more run. Run it with
``PYTHONPATH`` pointing at either version's ``src`` for an A/B.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import os
import pickle
import sys
import time
from pathlib import Path
from typing import Any


def _clear_caches() -> None:
    """Empty every ``functools`` cache of jobshift's modules (the name normalizers' memo tables)."""
    for name, mod in list(sys.modules.items()):
        if name.startswith("jobshift"):
            for obj in list(vars(mod).values()):
                if callable(getattr(obj, "cache_clear", None)):
                    obj.cache_clear()


def main() -> None:
    """Parse the arguments, read the data once, time the step ``--runs`` times, print JSON."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", type=Path, default=Path("/tmp/jobshift-bench-detect"))
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--profile", type=Path, help="write a cProfile of one more run here")
    args = ap.parse_args()

    import polars as pl

    from jobshift.engine.detect import detect_batch
    from jobshift.engine.executor import LocalExecutor
    from jobshift.engine.finalize import finalize
    from jobshift.services.detect.detecting import (
        AllContactsWithAccount,
        build_context,
        iter_observation_batches,
    )
    from jobshift.services.workspace import Workspace

    ws = Workspace.open(args.dir)
    with ws.store.connect() as conn:
        batches = list(iter_observation_batches(conn))
        ctx = build_context(conn, ws.config, AllContactsWithAccount(), None)
    ws.close()
    blob = pickle.dumps(ctx)

    def step(run_ctx: Any) -> pl.DataFrame:
        ex = LocalExecutor(1)
        return finalize(run_ctx, list(ex.run(lambda b, c=run_ctx: detect_batch(c, b), batches))).signals

    cpu: list[float] = []
    wall: list[float] = []
    digests: set[str] = set()
    signals = 0
    for _ in range(args.runs):
        run_ctx = pickle.loads(blob)  # not timed
        _clear_caches()  # cold, as a fresh `detect` process
        c0, w0 = time.process_time(), time.perf_counter()
        sig = step(run_ctx)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
        digests.add(hashlib.sha256(sig.sort("signal_id").write_csv().encode()).hexdigest())
        signals = sig.height
    if args.profile:
        prof = cProfile.Profile(time.process_time)
        prof.runcall(step, pickle.loads(blob))
        prof.dump_stats(str(args.profile))
    with open("/proc/loadavg") as fh:
        load = fh.read().split()[:3]
    out: dict[str, Any] = {
        "polars_max_threads": os.environ.get("POLARS_MAX_THREADS"),
        "cpu_s": [round(x, 2) for x in cpu],
        "best_cpu_s": round(min(cpu), 2),
        "wall_s": [round(x, 2) for x in wall],
        "signals": signals,
        "sha256": sorted(digests),
        "load_avg_after": load,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
