"""Benchmark: peak memory and CPU of ``feed_shards.write_winners`` (the sharded finalize's first step, in
the client) over synthetic partition results shaped like bench_scale.py's 10M run.

Usage: PYTHONPATH=src .venv/bin/python benchmarks/bench_write_winners.py make DIR 40
       PYTHONPATH=src .venv/bin/python benchmarks/bench_write_winners.py run DIR 40 [BASELINE.py]

``make``: N partitions of 250,000 keys (25,000 tracked people ``p-c…`` taken in turn over 1M, the rest
outsiders), each with 32,000 candidate and 2,500 new-hire person keys. ``run``: one ``write_winners``
in this process (run each variant in its own process: the peak is the process's ``ru_maxrss``);
BASELINE.py: another version of engine/feed_shards.py to measure instead (e.g. from ``git show``).
Prints the winners' rows and an order-independent hash, so variants can be compared.
"""

from __future__ import annotations

import importlib.util
import resource
import sys
import time
from pathlib import Path
from typing import Any

import polars as pl

from jobshift.engine.feed_spill import part_dir


def make(root: str, n: int) -> None:
    """Write ``n`` synthetic partition result directories under ``root``."""
    for i in range(n):
        d = part_dir(root, i)
        d.mkdir(parents=True, exist_ok=True)
        tracked = [f"p-c{(i * 25_000 + k) % 1_000_000:07d}" for k in range(25_000)]
        others = [f"p-x{i:03d}-{k:06d}" for k in range(225_000)]
        keys = tracked + others
        ts = (pl.int_range(0, len(keys), eager=True) * 7919 % 1_000_003 + i).cast(pl.Datetime("ms"))
        pl.DataFrame({"person_key": keys, "observed_at": ts}).write_parquet(d / "keys.parquet")
        pl.DataFrame({"person_key": tracked + others[:7_000]}).write_parquet(d / "candidates.parquet")
        pl.DataFrame({"person_key": others[7_000:9_500]}).write_parquet(d / "new_hires.parquet")


def _module(baseline: str | None) -> Any:
    if baseline is None:
        from jobshift.engine import feed_shards

        return feed_shards
    spec = importlib.util.spec_from_file_location("baseline_shards", baseline)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["baseline_shards"] = mod
    spec.loader.exec_module(mod)
    return mod


def run(root: str, n: int, baseline: str | None) -> None:
    """One ``write_winners``; prints rows, hash, peak RSS and CPU seconds."""
    mod = _module(baseline)
    before = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    mod.write_winners(root, n)
    after = resource.getrusage(resource.RUSAGE_SELF)
    w = pl.read_parquet(Path(root) / "winners.parquet").sort("person_key")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    print(
        f"{'baseline' if baseline else 'current'} partitions={n} winners={w.height}"
        f" hash={w.hash_rows().sum()} peak_before_mb={before.ru_maxrss // 1024}"
        f" peak_mb={after.ru_maxrss // 1024} cpu_s={cpu:.2f} wall_s={time.perf_counter() - t0:.2f}"
    )


if __name__ == "__main__":
    what, directory, parts = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if what == "make":
        make(directory, parts)
    else:
        run(directory, parts, sys.argv[4] if len(sys.argv) > 4 else None)
