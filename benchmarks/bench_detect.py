"""Benchmark: `detect` end to end from the store, and the pure detection step vs merely reading the feed.

Usage: .venv/bin/python benchmarks/bench_detect.py [--contacts 1000000] [--profiles 1000000] [--dir DIR]
       [--backend sqlite|postgres|both] [--pg-url URL] [--rounds N]

Builds (once, not timed) a SQLite workspace and the same profiles as a PDL-style JSONL feed with
benchmarks/bench_detect_data.py, then measures, each part in a fresh child process:
  e2e      `jobshift detect` end to end from the store (tracked set + accounts, newest observations,
           detection, upsert of the signals into an empty signals table): wall time and peak RSS;
  baseline merely reading the same feed: the JSONL file with pyarrow (`pyarrow.json.read_json`), and
           the store's newest-observation rows into polars frames (what `detect` reads);
  detect   the pure detection step (`detect_batch` over every batch by the local executor, with one and
           with two threads, + `finalize`) over frames in memory, each from a fresh context.
Throughput ratios = detect throughput / read throughput (profiles per second), same run.
Writes benchmarks/out/bench_detect.json.

``--backend postgres`` / ``both``: the same data set copied into a PostgreSQL database (``--pg-url``,
default ``bench_d1m`` on 127.0.0.1; loaded once by benchmarks/bench_detect_pg.py with COPY, again with
``--pg-reload``), then `detect` end to end from it in a fresh child process — ``both``: SQLite's e2e and
PostgreSQL's back to back, ``--rounds`` times, which goes first alternating (``--pg-first``: PostgreSQL in
round 1) — with wall time, peak RSS, CPU seconds (this process and,
for PostgreSQL, its server backends) and the stored signals' count and hash on each backend.
Writes benchmarks/out/bench_detect_pg.json.
"""

from __future__ import annotations

import argparse
import json
import pickle
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench_detect_pg import DEFAULT_PG_URL, cpu_s, loaded_rows, stored_signals_digest

OUT = Path(__file__).parent / "out"
HERE = Path(__file__).parent


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def measure_e2e(ws_dir: Path) -> dict[str, Any]:
    """`detect` end to end, as the CLI runs it (the signals table is emptied first)."""
    from jobshift.services.detect.detecting import detect
    from jobshift.services.workspace import Workspace

    con = sqlite3.connect(ws_dir / "jobshift.db")
    con.execute("DELETE FROM signals")
    con.commit()
    con.close()
    rss_before = _rss_mb()
    ws = Workspace.open(ws_dir)
    t0, cpu0 = time.perf_counter(), cpu_s()
    summary = detect(ws)
    e2e, e2e_cpu = time.perf_counter() - t0, cpu_s() - cpu0
    from jobshift.store.detect import cx_worker

    cx_worker.shutdown()  # the SQLite reader process: its peak counts too
    reader_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_mb = _rss_mb()  # before the digest's read of the signals
    with ws.store.connect() as conn:
        digest = stored_signals_digest(conn)
    ws.close()
    return {
        "e2e_s": round(e2e, 2),
        "e2e_cpu_s": round(e2e_cpu, 2),
        "e2e_reader_process_cpu_s": round(children.ru_utime + children.ru_stime, 2),
        **digest,
        "e2e_peak_rss_mb": peak_mb,
        "e2e_reader_process_peak_rss_mb": round(reader_mb, 1),
        # both processes' peaks added (an upper bound of what they held at any one moment)
        "e2e_peak_rss_both_processes_mb": round(peak_mb + reader_mb, 1),
        "rss_after_imports_mb": rss_before,
        "observations": summary.observations,
        "tracked_contacts": summary.tracked_contacts,
        "by_type": summary.by_type,
        "by_status": summary.by_status,
        "ambiguous": summary.ambiguous,
    }


def measure_feed(feed: Path) -> dict[str, Any]:
    """Baseline: merely read the feed file into Arrow with pyarrow (multi-threaded JSON reader)."""
    import pyarrow.json as pj

    t0 = time.perf_counter()
    table = pj.read_json(feed)
    return {
        "read_feed_pyarrow_s": round(time.perf_counter() - t0, 2),
        "feed_lines": table.num_rows,
        "feed_mb": round(feed.stat().st_size / 2**20, 1),
        "feed_peak_rss_mb": _rss_mb(),
    }


def measure_step(ws_dir: Path) -> dict[str, Any]:
    """Baseline: read the newest observations from the store into polars; then the pure detection step."""
    from jobshift.engine.detect import detect_batch
    from jobshift.engine.executor import LocalExecutor
    from jobshift.engine.finalize import finalize
    from jobshift.services.detect.detecting import (
        AllContactsWithAccount,
        build_context,
        iter_observation_batches,
    )
    from jobshift.services.workspace import Workspace

    out: dict[str, Any] = {}
    ws = Workspace.open(ws_dir)
    with ws.store.connect() as conn:
        t0 = time.perf_counter()
        batches = list(iter_observation_batches(conn))
        out["read_store_s"] = round(time.perf_counter() - t0, 2)
        t0 = time.perf_counter()
        ctx = build_context(conn, ws.config, AllContactsWithAccount(), None)
        out["context_s"] = round(time.perf_counter() - t0, 2)
    ws.close()
    blob = pickle.dumps(ctx)  # a fresh context (empty caches) for each measured run
    for threads in (1, 2):
        run_ctx = pickle.loads(blob)
        t0 = time.perf_counter()
        det = finalize(
            run_ctx, list(LocalExecutor(threads).run(lambda b, c=run_ctx: detect_batch(c, b), batches))
        )
        out[f"detect_{threads}t_s"] = round(time.perf_counter() - t0, 2)
    # the engine's default: the local executor with two threads, as `jobshift detect` runs it
    out["detect_s"] = out["detect_2t_s"]
    out["profiles"] = sum(b.height for b in batches)
    out["signals"] = det.signals.height
    out["step_peak_rss_mb"] = _rss_mb()
    return out


def _child(part: str, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--part", part, "--dir", str(args.dir), "--pg-url", args.pg_url]
    res = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return dict(json.loads(res.stdout.strip().splitlines()[-1]))


def _loadavg() -> list[str]:
    with open("/proc/loadavg") as fh:
        return fh.read().split()[:3]


def _backends(args: argparse.Namespace, built: dict[str, Any]) -> None:
    """`detect` end to end on PostgreSQL (``both``: SQLite's then PostgreSQL's, ``--rounds`` times)."""
    rounds = []
    for _ in range(args.rounds if args.backend == "both" else 1):
        one: dict[str, Any] = {}
        # alternate which backend goes first (round 1: SQLite, or PostgreSQL with --pg-first)
        pg_first = (len(rounds) % 2 == 1) != args.pg_first
        if args.backend == "both" and not pg_first:
            one["sqlite_load_avg_before"] = _loadavg()
            one["sqlite"] = _child("e2e", args)
        one["pg_load_avg_before"] = _loadavg()
        one["postgres"] = _child("pg_e2e", args)
        one["pg_load_avg_after"] = _loadavg()
        if args.backend == "both" and pg_first:
            one["sqlite_load_avg_before"] = _loadavg()
            one["sqlite"] = _child("e2e", args)
            one["sqlite_load_avg_after"] = _loadavg()
        if args.backend == "both":
            one["same_signals"] = (one["sqlite"]["signals"], one["sqlite"]["signals_sha256"]) == (
                one["postgres"]["pg_signals"],
                one["postgres"]["pg_signals_sha256"],
            )
        rounds.append(one)
        print(json.dumps(one), file=sys.stderr, flush=True)
    result = {"contacts": args.contacts, "profiles_requested": args.profiles, **built, "rounds": rounds}
    OUT.mkdir(exist_ok=True)
    (OUT / "bench_detect_pg.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--contacts", type=int, default=1_000_000)
    ap.add_argument("--profiles", type=int, default=1_000_000)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/jobshift-bench-detect"))
    ap.add_argument("--build-only", action="store_true", help="build the data set and stop")
    ap.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="sqlite")
    ap.add_argument("--pg-url", default=DEFAULT_PG_URL, help="the PostgreSQL benchmark database")
    ap.add_argument("--pg-reload", action="store_true", help="copy the data set into PostgreSQL again")
    ap.add_argument("--rounds", type=int, default=1, help="--backend both: e2e pairs back to back")
    ap.add_argument("--pg-first", action="store_true", help="--backend both: PostgreSQL first in round 1")
    ap.add_argument("--part", choices=("e2e", "step", "feed", "pg_e2e"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    feed = args.dir / "people.jsonl"
    if args.part == "e2e":
        print(json.dumps(measure_e2e(args.dir)))
        return
    if args.part == "pg_e2e":
        from bench_detect_pg import measure_e2e as measure_pg_e2e

        print(json.dumps(measure_pg_e2e(args.dir, args.pg_url)))
        return
    if args.part == "step":
        print(json.dumps(measure_step(args.dir)))
        return
    if args.part == "feed":
        print(json.dumps(measure_feed(feed)))
        return
    built: dict[str, Any] = {}
    if not (args.dir / "jobshift.db").exists():
        sys.path.insert(0, str(HERE))
        from bench_detect_data import build

        from jobshift.services.workspace import init_workspace

        ws, _ = init_workspace(args.dir)
        ws.close()
        t0 = time.perf_counter()
        built = build(args.dir / "jobshift.db", feed, args.contacts, args.profiles)
        built["build_s"] = round(time.perf_counter() - t0, 1)
    if args.backend != "sqlite" and (args.pg_reload or not loaded_rows(args.pg_url)):
        from bench_detect_pg import load as load_pg

        built.update(load_pg(args.dir / "jobshift.db", args.pg_url, args.dir))
    if args.build_only:
        print(json.dumps(built))
        return
    if args.backend != "sqlite":
        _backends(args, built)
        return
    load = _loadavg()
    result = {
        "contacts": args.contacts,
        "profiles_requested": args.profiles,
        "load_avg_before": load,
        **built,
        **_child("e2e", args),
        **_child("step", args),
        **_child("feed", args),
    }
    for base in ("read_feed_pyarrow_s", "read_store_s"):
        # detect throughput / read throughput = (n / detect_s) / (n / read_s)
        result[f"ratio_vs_{base[:-2]}"] = round(result[base] / result["detect_s"], 3)
    OUT.mkdir(exist_ok=True)
    (OUT / "bench_detect.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
