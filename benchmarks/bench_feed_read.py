"""Benchmark: feed-mode throughput on one partition vs merely reading it with pyarrow (JSONL and Parquet).

Usage: .venv/bin/python benchmarks/bench_feed_read.py [--dir /work/bench/d1m] [--profiles 250000] [--mix 0.05]

Takes the first ``--profiles`` lines of the bench_detect.py feed (``DIR/people.jsonl``) as one partition,
writes it as ``DIR/feedread/part.jsonl`` and ``part.parquet`` (not timed), then measures in this process,
each step twice (best kept), with the context built from the workspace first (not timed):

  read_pyarrow   ``pyarrow.json.read_json`` / ``pyarrow.parquet.read_table`` of the partition;
  read_raw       the incremental reader (engine/feed_raw.py): rows read and fingerprinted, no conversion;
  convert        ``engine.feed.read_partition``: read + convert every profile (the ingest's rules) +
                 newest per person — what a feed task does before detection; with the vectorized
                 converter (engine/convert);
  convert_ref    the same with ``profile_to_row`` per profile (``engine.convert.VECTOR = False``), once;
  context_unpickle  ``pickle.loads`` of the broadcast context as the default feed run ships it (warmed, no
                 pre-filter key sets; ``context_mb``): a Dask worker does it once, not per task;
  feed_task      ``engine.feed.detect_partition`` as the feed service runs it by default (no pre-filter
                 unless ``engine.feed.PREFILTER_SUFFIXES`` names the format): a whole Dask task, with a
                 fresh context (empty caches) unpickled before the clock starts;
  feed_task_prefilter  the same task forced through the relevance pre-filter (engine/prefilter/read.py),
                 its context carrying the filter's key sets (``context_with_filter_keys_mb``), measured
                 once; until 2026-12-08 the bench's ``feed_task`` was this path *and* counted the
                 context's unpickling inside the task (see benchmarks/RESULTS.md, branch ``feeddet``);
  feed_task_ref  ``feed_task`` with ``profile_to_row`` (``VECTOR = False``), once.

``linked_rows`` / ``producing_rows``: of the partition's people, those with a candidate pair (linked to a
tracked contact) and those that can make a signal (a candidate that is not quiet, or a new hire), from
``feed_task``'s result (not timed).
``slow_share``: the share of rows the vectorized converter left to ``profile_to_row`` (not timed).
``--work DIR``: where the partitions are written (default: ``--dir``; the bench workspace may be read-only).

``--mix F``: a bulk partition instead — F of its profiles are the CRM's (the feed's first lines), the rest
generated people at outside companies (and some at target accounts), as bench_dask.py generates them,
shuffled; written under ``DIR/feedread-mix<F>/``. ``--relevant F``: the same with ``--scramble``, a bulk
feed where F of the people are the CRM's and the rest can link to nothing (names no contact has, no
current job at an account; earlier jobs at accounts kept), e.g. ``--relevant 0.01`` for a 1B-profile
feed against 10M tracked people (1 %). Every step also records its process CPU seconds (``*_cpu_s``,
user + system, all threads). Ratios are throughput ratios (pyarrow time / step time).
Writes benchmarks/out/bench_feed_read[-mix<F>].json.
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

OUT = Path(__file__).parent / "out"


def _cpu_s() -> float:
    """CPU seconds (user + system, all threads) of this process so far."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def _best(fn: Callable[[], Any], n: int = 2) -> tuple[float, float]:
    """(best wall seconds, CPU seconds of that run) over ``n`` runs."""
    return _best_set(lambda: None, lambda _: fn(), n)


def _best_set(setup: Callable[[], Any], fn: Callable[[Any], Any], n: int = 2) -> tuple[float, float]:
    """:func:`_best` of ``fn(setup())``, ``setup`` not timed (a fresh context per run)."""
    best = (float("inf"), 0.0)
    for _ in range(n):
        arg = setup()
        t0, c0 = time.perf_counter(), _cpu_s()
        fn(arg)
        best = min(best, (time.perf_counter() - t0, _cpu_s() - c0))
    return round(best[0], 2), round(best[1], 2)


def _shares(part: Any) -> dict[str, Any]:
    """People of a partition result linked to a tracked contact, and those that can make a signal."""
    import polars as pl

    r = part.result
    linked = r.candidates.get_column("person_key").n_unique()
    producing = pl.concat(
        [r.candidates.filter(~pl.col("quiet")).select("person_key"), r.new_hires.select("person_key")]
    ).n_unique()
    n = max(part.keys.height, 1)
    return {
        "people": part.keys.height,
        "linked_rows": linked,
        "linked_share": round(linked / n, 4),
        "producing_rows": producing,
        "producing_share": round(producing / n, 4),
    }


def _scrambled(rec: dict[str, Any], k: int) -> dict[str, Any]:
    """An outsider with a name no contact has (letters from its number) at an outside company."""
    letters = "".join("bcdfghjklmnpqrstvwxz"[int(c)] for c in f"{k:07d}")
    rec.update(
        first_name=f"Q{letters}", last_name=f"Z{letters[::-1]}", full_name=f"q{letters} z{letters[::-1]}"
    )
    exp = rec.get("experience") or []
    if exp and "acct" in str(rec.get("job_company_website")):
        rec.update(job_company_name="Outside Works", job_company_website="outside-works.io")
        exp[0]["company"] = {"name": "Outside Works", "website": "outside-works.io"}
    return rec


def build_mix(
    d: Path, n: int, mix: float, scramble: bool = False, work: Path | None = None
) -> tuple[Path, Path]:
    """A bulk partition: ``mix`` of ``n`` profiles from the CRM feed, the rest generated outsiders
    (``scramble``: with names no contact has, none at an account: see ``--scramble``)."""
    import orjson
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = (work or d) / f"feedread-mix{mix}{'-scrambled' if scramble else ''}"
    out.mkdir(exist_ok=True)
    jl, pqf = out / "part.jsonl", out / "part.parquet"
    if jl.exists() and pqf.exists():
        return jl, pqf
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_detect_data import _Builder, _pdl

    tracked: list[bytes] = []
    with (d / "people.jsonl").open("rb") as fh:
        for raw in fh:
            tracked.append(raw)
            if len(tracked) == round(n * mix):
                break
    n_contacts = 1_000_000 if d.name == "d1m" else 2 * len(tracked)
    gen = _Builder(n_contacts, n, seed=11)
    others = (_pdl(*gen.other_profile(k)) for k in range(n - len(tracked)))
    if scramble:
        others = (_scrambled(r, k) for k, r in enumerate(others))
    lines = tracked + [orjson.dumps(r) + b"\n" for r in others]
    random.Random(5).shuffle(lines)
    jl.write_bytes(b"".join(lines))
    pq.write_table(pa.Table.from_pylist([orjson.loads(x) for x in lines]), pqf)
    return jl, pqf


def build(d: Path, n: int, work: Path | None = None) -> tuple[Path, Path]:
    """The partition as JSONL and Parquet (reused when present)."""
    import orjson
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = (work or d) / "feedread"
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
    ap.add_argument("--work", type=Path, default=None, help="where the partitions are written")
    ap.add_argument("--mix", type=float, default=None, help="share of CRM profiles in a bulk partition")
    ap.add_argument(
        "--scramble",
        action="store_true",
        help="--mix outsiders with names no contact has and no job at an account (the generator's names "
        "come from a small pool: most outsiders share a name blocking key with one of 1M contacts)",
    )
    ap.add_argument(
        "--relevant",
        type=float,
        default=None,
        help="--mix F --scramble: F of the people are the CRM's, the rest can link to nothing",
    )
    args = ap.parse_args()
    if args.relevant is not None:
        args.mix, args.scramble = args.relevant, True
    import pyarrow.json as pj
    import pyarrow.parquet as pq

    from jobshift.engine import convert, feed
    from jobshift.engine.convert.partition import convert_lines, convert_table, read_projected
    from jobshift.engine.feed import detect_partition, read_partition
    from jobshift.engine.feed_raw import nonblank_lines, read_raw
    from jobshift.engine.prefilter.keys import feed_keys
    from jobshift.services.detect.detecting import build_context, default_tracked_set
    from jobshift.services.workspace import Workspace

    def _filtered(ctx: Any, p: str) -> Any:
        default, feed.PREFILTER_SUFFIXES = feed.PREFILTER_SUFFIXES, feed.FEED_SUFFIXES
        try:
            return detect_partition(ctx, p)
        finally:
            feed.PREFILTER_SUFFIXES = default

    def _ref(fn: Callable[[], Any]) -> Any:
        convert.VECTOR = False
        try:
            return fn()
        finally:
            convert.VECTOR = True

    jl, pqf = (
        build(args.dir, args.profiles, args.work)
        if args.mix is None
        else build_mix(args.dir, args.profiles, args.mix, args.scramble, args.work)
    )
    ws = Workspace.open(args.dir)
    with ws.store.connect() as conn:
        ctx0 = build_context(conn, ws.config, default_tracked_set(conn), None)
        # as the feed service prepares the context before broadcasting it: warmed, and with the
        # pre-filter's key sets only when the pre-filter reads the files (+86 MB at 1M contacts)
        ctx0.warm()
        blob = pickle.dumps(ctx0)
        feed_keys(ctx0)
        blob_filter = pickle.dumps(ctx0)
        del ctx0
    ws.close()
    with open("/proc/loadavg") as fh:
        load = fh.read().split()[:3]
    res: dict[str, Any] = {
        "profiles": args.profiles,
        "mix": args.mix,
        "scramble": args.scramble,
        "prefilter_by_default": list(feed.PREFILTER_SUFFIXES),
        "context_mb": round(len(blob) / 2**20, 1),
        "context_with_filter_keys_mb": round(len(blob_filter) / 2**20, 1),
        "load_avg_before": load,
    }
    for fmt, path, reader in (
        ("jsonl", jl, lambda p: pj.read_json(p)),
        ("parquet", pqf, lambda p: pq.read_table(p)),
    ):
        r: dict[str, Any] = {"mb": round(path.stat().st_size / 2**20, 1)}
        steps: list[tuple[str, Callable[[], Any], int]] = [
            ("read_pyarrow", lambda p=path, f=reader: f(p), 2),  # type: ignore[misc]
            ("read_raw", lambda p=path: read_raw(str(p)), 2),  # type: ignore[misc]
            ("convert", lambda p=path: read_partition(str(p)), 1),  # type: ignore[misc]
            ("context_unpickle", lambda: pickle.loads(blob), 1),
            ("convert_ref", lambda p=path: _ref(lambda: read_partition(str(p))), 1),  # type: ignore[misc]
        ]
        for name, fn, n in steps:
            r[f"{name}_s"], r[f"{name}_cpu_s"] = _best(fn, n)
        # a fresh context per run (empty caches, as a worker's first partition), unpickled untimed
        tasks: list[tuple[str, Callable[[Any], Any], int]] = [
            ("feed_task", lambda c, p=path: detect_partition(c, str(p)), 2),  # type: ignore[misc]
            ("feed_task_prefilter", lambda c, p=path: _filtered(c, str(p)), 1),  # type: ignore[misc]
            ("feed_task_ref", lambda c, p=path: _ref(lambda: detect_partition(c, str(p))), 1),  # type: ignore[misc]
        ]
        for name, fnc, n in tasks:
            b = blob_filter if name == "feed_task_prefilter" else blob
            r[f"{name}_s"], r[f"{name}_cpu_s"] = _best_set(lambda b=b: pickle.loads(b), fnc, n)  # type: ignore[misc]
        for k in ("read_raw", "convert", "convert_ref", "feed_task", "feed_task_prefilter", "feed_task_ref"):
            r[f"ratio_{k}"] = round(r["read_pyarrow_s"] / r[f"{k}_s"], 3)
            r[f"cpu_ratio_{k}"] = round(r["read_pyarrow_cpu_s"] / r[f"{k}_cpu_s"], 3)
        r["feed_task_profiles_per_s"] = round(args.profiles / r["feed_task_s"])
        r.update(_shares(detect_partition(pickle.loads(blob), str(path))))
        conv = (
            convert_table(str(path), read_projected(str(path)))
            if fmt == "parquet"
            else convert_lines(str(path), nonblank_lines(str(path), "jsonl"))
        )
        r["slow_share"] = round(conv.slow / args.profiles, 4) if conv is not None else 1.0
        from jobshift.engine.prefilter.read import read_relevant

        r["filter_stats"] = vars(
            read_relevant(pickle.loads(blob_filter), str(path), feed.SUB_BATCH_ROWS).stats
        )  # type: ignore[union-attr]
        res[fmt] = r
    with open("/proc/loadavg") as fh:
        res["load_avg_after"] = fh.read().split()[:3]
    OUT.mkdir(exist_ok=True)
    name = "bench_feed_read" if args.mix is None else f"bench_feed_read-mix{args.mix}"
    name += "-scrambled" if args.scramble else ""  # --relevant F writes ...-mix<F>-scrambled.json
    (OUT / f"{name}.json").write_text(json.dumps(res, indent=2))
    print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
