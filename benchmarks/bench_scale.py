"""Benchmark (issue 20 item 4): feed-mode detection streamed over generated partitions, at 1M–100M profiles.

Usage: PYTHONPATH=src .venv/bin/python benchmarks/bench_scale.py --crm /work/bench/d1m --profiles 1e7
       [--partition-size 250000] [--executor dask|local] [--workers 2] [--format jsonl|parquet]
       [--tracked-share 0.1] [--hire-share 0.01] [--same-name-share 0.02] [--scratch /tmp/jobshift-scale]
       [--tracked-partitions K] [--shards S] [--gen-only N] [--as-of YYYY-MM-DD]

The CRM (tracked contacts, accounts) is the SQLite workspace ``--crm`` (benchmarks/bench_detect_data.py's
1M × 1M; copied once into the scratch directory, never written). The feed is generated partition by
partition (:class:`jobshift.synth.bulk_feed.BulkFeed`, seed 11): partition i is written, detected by a
worker with its results going to Parquet (``--results-dir`` mode), and deleted when its task is done —
the feed on disk stays at ≤ 2 × workers partitions (benchmarks/scale_stream.py). Then the sharded
finalize of ``jobshift detect --feed --results-dir`` runs (contact shards as tasks on the workers,
new-hire shards in the client; signals are not written to the store, the client reads the signal files
one at a time for their count and digest). ``--tracked-partitions K``: workers hold K slices of the
tracked set.

Recorded: wall time of the streaming phase and of the merge + finalize, CPU seconds of the workers and
of the client (generation apart), peak RSS of every process (``ru_maxrss`` at the end, and the peak of
psutil samples every 0.5 s, and every process's RSS every 5 s as a time line), profiles/s/core, the
signals. ``--gen-only N``: only time generating and
writing N partitions (no detection). Writes benchmarks/out/bench_scale_<profiles>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import shutil
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

from scale_stream import RssSampler, StreamRun, cpu_s, load_crm, peak_rss_mb, stream_feed  # noqa: E402

from jobshift.synth.bulk_feed import BulkFeed  # noqa: E402


def _load() -> list[str]:
    with open("/proc/loadavg") as fh:
        return fh.read().split()[:3]


def _context(crm: Path, scratch: Path, as_of: str | None = None) -> tuple[Any, float, int]:
    from jobshift.services.detect.detecting import build_context, default_tracked_set
    from jobshift.services.workspace import Workspace

    ws_dir = scratch / "crm"
    if not (ws_dir / "jobshift.db").exists():
        ws_dir.mkdir(parents=True, exist_ok=True)
        for name in ("jobshift.db", "jobshift.toml"):
            shutil.copyfile(crm / name, ws_dir / name)
    t0 = time.perf_counter()
    ws = Workspace.open(ws_dir)
    try:
        with ws.store.connect() as conn:
            ctx = build_context(conn, ws.config, default_tracked_set(conn), None)
    finally:
        ws.close()
    if (
        as_of is not None
    ):  # the run date is part of every signal (evidence ages, too_old): pin it to compare digests
        import dataclasses
        from datetime import date

        ctx.settings = dataclasses.replace(ctx.settings, run_date=date.fromisoformat(as_of))
    return ctx, round(time.perf_counter() - t0, 1), len(pickle.dumps(ctx, protocol=5))


def gen_only(gen: BulkFeed, n: int, scratch: Path, suffix: str) -> dict[str, Any]:
    """Time generating + writing ``n`` partitions (each deleted after)."""
    scratch.mkdir(parents=True, exist_ok=True)
    t0, c0 = time.perf_counter(), cpu_s()
    size = 0
    for i in range(n):
        p = scratch / f"gen-{i}{suffix}"
        gen.write(i, p)
        size += p.stat().st_size
        p.unlink()
    s, c = time.perf_counter() - t0, cpu_s() - c0
    rows = n * gen.partition_size
    return {
        "gen_partitions": n,
        "gen_s": round(s, 2),
        "gen_cpu_s": round(c, 2),
        "gen_profiles_per_s": round(rows / s),
        "gen_profiles_per_cpu_s": round(rows / c),
        "gen_bytes_per_profile": round(size / rows),
    }


def _worker_stats(client: Any) -> dict[str, Any]:
    return {
        "cpu": client.run(cpu_s),
        "rss": client.run(peak_rss_mb),
        "pid": client.run(os.getpid),
    }


def _rss_now() -> dict[str, float]:
    import psutil

    return {"rss_mb": round(psutil.Process().memory_info().rss / 2**20, 1), "peak_mb": peak_rss_mb()}


def _phase_peaks(series: list[tuple[float, dict[str, float]]], cut: float) -> dict[str, dict[str, float]]:
    """Each process's sampled peak while the partitions stream (t ≤ ``cut``) and during the finalize."""
    out: dict[str, dict[str, float]] = {"stream": {}, "finalize": {}}
    for t, now in series:
        phase = out["stream" if t <= cut else "finalize"]
        for name, mb in now.items():
            phase[name] = max(phase.get(name, 0.0), mb)
    return out


def _progress(i: int, loads: list[list[str]], sampler: RssSampler) -> None:
    """Every 10th partition: the load average, and a progress line with the peaks so far (stdout, so a
    run stopped before its end still shows its streaming peaks)."""
    if i % 10 == 9:
        loads.append(_load())
        line = {"partitions_done": i + 1, "utc": time.strftime("%H:%M:%S", time.gmtime()), "load": loads[-1]}
        print(json.dumps({**line, "sampled_peaks_mb": sampler.peaks}), flush=True)


def run(args: argparse.Namespace) -> dict[str, Any]:
    """One measured streaming run (see the module docstring)."""
    marks: dict[str, dict[str, float]] = {}
    contacts, accounts = load_crm(args.crm / "jobshift.db")
    marks["crm_frames_loaded"] = _rss_now()
    gen = BulkFeed(
        contacts,
        accounts,
        partition_size=args.partition_size,
        tracked_share=args.tracked_share,
        hire_share=args.hire_share,
        same_name_share=args.same_name_share,
    )
    suffix = ".parquet" if args.format == "parquet" else ".jsonl"
    r: dict[str, Any] = {
        "profiles": args.profiles,
        "partition_size": args.partition_size,
        "tracked_contacts": contacts.height,
        "executor": args.executor,
        "workers": args.workers if args.executor == "dask" else 1,
        "format": args.format,
        "tracked_share": args.tracked_share,
        "hire_share": args.hire_share,
        "same_name_share": args.same_name_share,
        "started_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
        "load_avg_before": _load(),
        "as_of": args.as_of,
    }
    if args.gen_only:
        return {**r, **gen_only(gen, args.gen_only, args.scratch, suffix)}
    ctx, ctx_s, ctx_bytes = _context(args.crm, args.scratch, args.as_of)
    marks["context_built"] = _rss_now()
    r.update(context_s=ctx_s, context_pickled_mb=round(ctx_bytes / 2**20, 1))
    n_parts = -(-args.profiles // args.partition_size)
    client = cluster = None
    pids = {"client": os.getpid()}
    if args.executor == "dask":
        from distributed import Client

        from jobshift.engine.dask_executor import local_cluster

        cluster = local_cluster(args.workers)  # as `jobshift detect --executor dask-local` starts it
        client = Client(cluster)
        before = _worker_stats(client)
        pids.update({f"worker-{k}": pid for k, pid in enumerate(sorted(before["pid"].values()))})
    c0 = cpu_s()
    loads: list[list[str]] = []
    with RssSampler(pids) as sampler:
        res: StreamRun = stream_feed(
            ctx,
            gen,
            n_parts,
            args.scratch,
            client=client,
            suffix=suffix,
            on_partition=lambda i: _progress(i, loads, sampler),
            tracked_partitions=args.tracked_partitions or None,
            shards=args.shards or None,
        )
    client_cpu = cpu_s() - c0
    marks["finalized"] = _rss_now()
    if client is not None:
        after = _worker_stats(client)
        r["worker_cpu_s"] = round(sum(after["cpu"][w] - before["cpu"].get(w, 0.0) for w in after["cpu"]), 1)
        r["worker_peak_rss_mb"] = sorted(after["rss"].values())
        client.close()
        cluster.close()
    else:
        r["worker_cpu_s"] = round(client_cpu - res.gen_cpu_s, 1)
        r["worker_peak_rss_mb"] = []
    wall = res.detect_s + res.merge_s
    cores = r["workers"]
    r.update(
        load_avg_during=loads,
        load_avg_after=_load(),
        rows=res.rows,
        bad_rows=res.bad,
        partitions=n_parts,
        max_feed_files_on_disk=res.max_feed_files,
        results_dir_mb=round(res.results_bytes / 2**20, 1),
        stream_s=round(res.detect_s, 1),
        merge_finalize_s=round(res.merge_s, 1),
        wall_s=round(wall, 1),
        gen_s=round(res.gen_s, 1),
        gen_cpu_s=round(res.gen_cpu_s, 1),
        client_cpu_s=round(client_cpu - res.gen_cpu_s, 1),
        client_peak_rss_mb=peak_rss_mb(),
        sampled_peak_rss_mb=sampler.peaks,
        signals=res.signals,
        digest=res.digest,
        shards=res.shards,
        shard_counts=res.shard_counts,
        tracked_partitions=args.tracked_partitions,
        profiles_per_s=round(res.rows / wall),
        profiles_per_s_per_core=round(res.rows / wall / cores),
        stream_profiles_per_s_per_core=round(res.rows / res.detect_s / cores),
        profiles_per_worker_cpu_s=round(res.rows / max(r["worker_cpu_s"], 1e-9)),
        client_memory_marks=marks,
        timeline=res.timeline,
        rss_timeline=sampler.series,
        sampled_peak_by_phase=_phase_peaks(sampler.series, res.detect_s),
    )
    return r


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--crm", type=Path, default=Path("/work/bench/d1m"))
    ap.add_argument("--profiles", type=float, default=1e6)
    ap.add_argument("--partition-size", type=int, default=250_000)
    ap.add_argument("--executor", choices=("dask", "local"), default="dask")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--format", choices=("jsonl", "parquet"), default="jsonl")
    ap.add_argument("--tracked-share", type=float, default=0.1)
    ap.add_argument("--hire-share", type=float, default=0.01)
    ap.add_argument("--same-name-share", type=float, default=0.02)
    ap.add_argument("--scratch", type=Path, default=Path("/tmp/jobshift-scale"))
    ap.add_argument("--gen-only", type=int, default=0)
    ap.add_argument("--tracked-partitions", type=int, default=0)
    ap.add_argument("--shards", type=int, default=0)
    ap.add_argument(
        "--as-of", default=None, help="run date YYYY-MM-DD (default: today; it is in every signal)"
    )
    args = ap.parse_args()
    args.profiles = int(args.profiles)
    r = run(args)
    OUT.mkdir(exist_ok=True)
    tag = f"gen_{args.format}" if args.gen_only else f"{args.profiles}_{args.executor}_{args.format}"
    if args.tracked_partitions:
        tag += f"_k{args.tracked_partitions}"
    if not args.gen_only and (args.tracked_share, args.hire_share, args.same_name_share) != (0.1, 0.01, 0.02):
        tag += f"_t{args.tracked_share}_h{args.hire_share}_s{args.same_name_share}"
    (OUT / f"bench_scale_{tag}.json").write_text(json.dumps(r, indent=2))
    print(json.dumps({k: v for k, v in r.items() if k not in ("timeline", "rss_timeline")}, indent=2))
    for t, mb in r.get("rss_timeline", [])[:: max(1, len(r.get("rss_timeline", [])) // 60)]:
        print(f"{t:8.1f} s  " + "  ".join(f"{k} {v:.0f}" for k, v in mb.items()))


if __name__ == "__main__":
    main()
