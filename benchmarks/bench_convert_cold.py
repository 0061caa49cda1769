"""Benchmark: one partition converted by the vectorized converter in a fresh process (cold caches).

Usage: PYTHONPATH=<src> .venv/bin/python benchmarks/bench_convert_cold.py <jsonl|parquet> <dir>

Converts ``<dir>/part.<jsonl|parquet>`` (a partition bench_feed_read.py wrote) with
``engine.convert.partition.convert_lines`` / ``convert_table`` once and prints one JSON line: CPU seconds
(user + system, all threads) and wall seconds of the conversion alone (reading the lines or the
projected Parquet table is not timed). Run it alternately with two ``src`` trees (e.g. a ``git archive``
of the branch point) for an A/B whose processes all start with empty normalizer caches, as a fresh
worker does.
"""

from __future__ import annotations

import json
import resource
import sys
import time


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> None:
    from jobshift.engine.convert.partition import convert_lines, convert_table, read_projected
    from jobshift.engine.feed_raw import nonblank_lines

    kind, folder = sys.argv[1], sys.argv[2]
    path = f"{folder}/part.{kind}"
    if kind == "parquet":
        table = read_projected(path)
        c0, w0 = _cpu(), time.perf_counter()
        conv = convert_table(path, table)
    else:
        lines = nonblank_lines(path, "jsonl")
        c0, w0 = _cpu(), time.perf_counter()
        conv = convert_lines(path, lines)
    cpu_s, wall_s = _cpu() - c0, time.perf_counter() - w0
    rows = conv.obs.height if conv is not None else 0
    print(json.dumps({"kind": kind, "cpu_s": round(cpu_s, 2), "wall_s": round(wall_s, 2), "rows": rows}))


if __name__ == "__main__":
    main()
