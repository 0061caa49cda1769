"""Benchmark: vectorized experience entries (engine/convert/experience.py) vs the per-profile path.

Usage: .venv/bin/python benchmarks/bench_vector_experience.py [--feed /work/bench/d1m/people.jsonl]
       [--profiles 250000] [--repeat 2]

Takes the first ``--profiles`` lines of the feed, then measures in this process (each step ``--repeat``
times, the normalization caches of ``domain.profile_parts`` and ``domain.normalize`` emptied before
every run, so both paths start cold as a fresh worker does; the best run kept; then again with the
caches as the path's previous run left them, "warm", as in a worker that has seen these companies):

  parse_orjson   ``orjson.loads`` of every line (the per-profile path's input, for context);
  parse_arrow    ``pyarrow.json.read_json`` of the ``experience`` field into ``EXPERIENCE_TYPE``;
  reference      ``experience_jobs`` + ``experience_json`` of every parsed profile;
  vector         ``experience_entries`` + ``experience_json`` of the parsed column.

Checks that both give the same texts row for row, and records wall and CPU seconds (user + system, all
threads), entries per second and the ratio reference / vector. Writes benchmarks/out/
bench_vector_experience.json.
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

OUT = Path(__file__).parent / "out"


def _cpu_s() -> float:
    """CPU seconds (user + system, all threads) of this process so far."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def _clear_caches() -> None:
    """Empty the normalization caches (both paths then start cold)."""
    from jobshift.domain import profile_parts as pp
    from jobshift.domain.normalize import domains

    for cache in (pp._DATES, pp._COMPANIES, pp._TITLES, pp._LEVELS, pp._JOB_COMPANIES):
        cache.clear()
    pp._pdate.cache_clear()
    pp.li_company.cache_clear()
    for fn in vars(domains).values():
        if hasattr(fn, "cache_clear"):
            fn.cache_clear()


def _best(fn: Callable[[], Any], n: int, cold: bool = True) -> tuple[float, float, Any]:
    """(best wall seconds, CPU seconds of that run, its result) over ``n`` runs, the caches emptied
    before each run when ``cold``, else left as the previous run of ``fn`` filled them."""
    best: tuple[float, float, Any] = (float("inf"), 0.0, None)
    for _ in range(n):
        if cold:
            _clear_caches()
        t0, c0 = time.perf_counter(), _cpu_s()
        out = fn()
        wall, cpu = time.perf_counter() - t0, _cpu_s() - c0
        if wall < best[0]:
            best = (wall, cpu, out)
    return round(best[0], 3), round(best[1], 3), best[2]


def main() -> None:
    """Run the benchmark and write its JSON."""
    import orjson
    import polars as pl
    import pyarrow as pa
    import pyarrow.json as pj

    from jobshift.domain.profile_parts import experience_jobs
    from jobshift.domain.profile_parts import experience_json as reference_json
    from jobshift.engine.convert.experience import EXPERIENCE_TYPE, experience_entries, experience_json

    ap = argparse.ArgumentParser()
    ap.add_argument("--feed", default="/work/bench/d1m/people.jsonl")
    ap.add_argument("--profiles", type=int, default=250_000)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    with open(args.feed, "rb") as f:
        lines = list(itertools.islice(f, args.profiles))
    data = b"".join(lines)
    options = pj.ParseOptions(
        explicit_schema=pa.schema([("experience", EXPERIENCE_TYPE)]), unexpected_field_behavior="ignore"
    )

    def parse_orjson() -> list[Any]:
        return [orjson.loads(line).get("experience") for line in lines]

    def parse_arrow() -> pl.Series:
        table = pj.read_json(io.BytesIO(data), parse_options=options)
        return pl.from_arrow(table.column("experience").combine_chunks())  # type: ignore[return-value]

    po_wall, po_cpu, raws = _best(parse_orjson, args.repeat)
    pa_wall, pa_cpu, exp = _best(parse_arrow, args.repeat)

    def reference() -> list[str]:
        return [reference_json(experience_jobs(r) if type(r) is list else []) for r in raws]

    def vector() -> tuple[int, list[str]]:
        entries = experience_entries(exp)
        return entries.height, experience_json(entries, exp.len()).to_list()

    ref_wall, ref_cpu, ref_texts = _best(reference, args.repeat)
    ref_warm, ref_warm_cpu, _ = _best(reference, args.repeat, cold=False)
    vec_wall, vec_cpu, (n_entries, vec_texts) = _best(vector, args.repeat)
    vec_warm, vec_warm_cpu, _ = _best(vector, args.repeat, cold=False)
    if ref_texts != vec_texts:
        raise SystemExit("vector texts differ from the reference")
    result = {
        "profiles": len(lines),
        "entries": n_entries,
        "parse_orjson_s": po_wall,
        "parse_orjson_cpu_s": po_cpu,
        "parse_arrow_s": pa_wall,
        "parse_arrow_cpu_s": pa_cpu,
        "reference_s": ref_wall,
        "reference_cpu_s": ref_cpu,
        "vector_s": vec_wall,
        "vector_cpu_s": vec_cpu,
        "reference_entries_per_s": round(n_entries / ref_wall),
        "vector_entries_per_s": round(n_entries / vec_wall),
        "speedup_wall": round(ref_wall / vec_wall, 2),
        "speedup_cpu": round(ref_cpu / vec_cpu, 2),
        "warm_reference_s": ref_warm,
        "warm_reference_cpu_s": ref_warm_cpu,
        "warm_vector_s": vec_warm,
        "warm_vector_cpu_s": vec_warm_cpu,
        "warm_reference_entries_per_s": round(n_entries / ref_warm),
        "warm_vector_entries_per_s": round(n_entries / vec_warm),
        "warm_speedup_wall": round(ref_warm / vec_warm, 2),
        "warm_speedup_cpu": round(ref_warm_cpu / vec_warm_cpu, 2),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "bench_vector_experience.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
