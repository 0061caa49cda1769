"""Benchmark: an incremental feed release (5% of profiles changed) vs a full feed run of the same release.

Usage: .venv/bin/python benchmarks/bench_incremental.py [--dir /work/bench/d1m] [--work DIR] [--changed 0.05]
[--parts 4]

Uses the bench_detect.py workspace in ``--dir`` (build it first: ``benchmarks/bench_detect.py
--build-only --dir DIR``) and its ``people.jsonl``. Writes two releases of the feed as ``--parts`` JSONL
partitions under ``WORK/releases/`` (``--work``, default ``--dir``; the workspace itself is only read):
``r1`` (the feed as built) and ``r2`` (``--changed`` of the profiles changed: a new title, half of them
at a new company, a newer ``observed_at``). Then, each in a fresh child process:
  state  the first run over r1 with the release machinery (full: converts and detects every profile,
         writes the state) — timed, not the comparison;
  full   the ordinary feed run over r2 (`detect --feed` without --incremental: read, convert, detect
         every partition, prune, finalize);
  incr   the incremental run over r2 given r1's state (read + fingerprint every row, convert and detect
         the changed people, merge with the cached results, finalize, write the new state).
The signal frames of ``full`` and ``incr`` are compared (sha256 of the sorted frame). ``--chain`` adds
  incr3  the incremental run over ``r3`` (r2 with another ``--changed`` of the profiles changed) given the
         state ``incr`` wrote — a state with a delta (format 5), as in the months after the first;
         its ratio is taken against the ``full`` run over r2 (same size, same kind of change).
``--reuse``: the releases and r1's state are kept from an earlier run; only ``full`` and ``incr`` run
(``incr`` writes its state under ``WORK/releases/next/``). Writes benchmarks/out/bench_incremental.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson

OUT = Path(__file__).parent / "out"


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _changed(lines: list[bytes], changed: float, rnd: random.Random, title: str) -> tuple[list[bytes], int]:
    out: list[bytes] = []
    n_changed = 0
    for raw in lines:
        if rnd.random() < changed:
            rec = orjson.loads(raw)
            rec["job_title"] = title
            rec["observed_at"] = "2026-12-01"
            if rnd.random() < 0.5:
                rec.update(job_company_name="Newco Labs", job_company_website="newco-labs.example")
                rec["job_start_date"] = "2026-10"
            out.append(orjson.dumps(rec))
            n_changed += 1
        else:
            out.append(raw)
    return out, n_changed


def write_releases(
    d: Path, work: Path, changed: float, parts: int, seed: int = 11, chain: bool = False
) -> dict[str, Any]:
    """``r1`` and ``r2`` (and with ``chain`` ``r3``) partitions from ``d/people.jsonl`` under
    ``work/releases`` (not timed)."""
    rel = work / "releases"
    shutil.rmtree(rel, ignore_errors=True)
    lines = (d / "people.jsonl").read_bytes().splitlines()
    rnd = random.Random(seed)
    r2, n_changed = _changed(lines, changed, rnd, "Chief Revenue Officer")
    releases = [("r1", lines), ("r2", r2)]
    out = {"profiles": len(lines), "changed_profiles": n_changed}
    if chain:
        r3, out["changed_profiles_r3"] = _changed(r2, changed, random.Random(seed + 1), "Head of Sales")
        releases.append(("r3", r3))
    for name, rows in releases:
        (rel / name).mkdir(parents=True)
        for i in range(parts):
            (rel / name / f"part-{i}.jsonl").write_bytes(b"\n".join(rows[i::parts]) + b"\n")
    return out


def _ctx(d: Path) -> Any:
    from jobshift.services.detect.detecting import build_context, default_tracked_set
    from jobshift.services.workspace import Workspace

    ws = Workspace.open(d)
    with ws.store.connect() as conn:
        ctx = build_context(conn, ws.config, default_tracked_set(conn), None)
    ws.close()
    return ctx


def _sha(signals: Any) -> str:
    return hashlib.sha256(signals.sort("signal_id").write_csv().encode()).hexdigest()


def run_part(part: str, d: Path, work: Path) -> dict[str, Any]:
    """One measured part in this (fresh) process; the context build is not timed."""
    from jobshift.engine.feed import detect_feed_local, feed_partitions
    from jobshift.engine.finalize import finalize
    from jobshift.engine.incremental import detect_release, finalize_run
    from jobshift.services.detect.feed_state import load_state, save_state

    ctx = _ctx(d)
    state_ws = work / "releases"
    r1 = feed_partitions(str(state_ws / "r1"))
    r2 = feed_partitions(str(state_ws / "r2"))  # r3: only with --chain
    t0 = time.perf_counter()
    c0 = time.process_time()
    out: dict[str, Any] = {}
    if part == "full":
        results, rows, _ = detect_feed_local(ctx, r2)
        sig = finalize(ctx, results).signals
        out["rows"] = rows
    else:
        src = {"incr": state_ws, "incr3": state_ws / "next"}.get(part)
        old = load_state(src) if src is not None else None
        steps = {"state_load": time.process_time() - c0}
        c1 = time.process_time()
        paths = {"state": r1, "incr": r2, "incr3": feed_partitions(str(state_ws / "r3"))}[part]
        run = detect_release(ctx, paths, old)
        steps["release"], c1 = time.process_time() - c1, time.process_time()
        sig = finalize_run(ctx, run).signals
        steps["finalize"], c1 = time.process_time() - c1, time.process_time()
        # the incremental part writes its state beside r1's, so that it can be measured again
        save_state(state_ws / {"state": "", "incr": "next", "incr3": "next3"}[part], run.state, part)
        steps["state_write"] = time.process_time() - c1
        out.update(run.stats, cpu_steps_s={k: round(v, 2) for k, v in steps.items()})
    out.update(
        wall_s=round(time.perf_counter() - t0, 2),
        cpu_s=round(time.process_time() - c0, 2),
        signals=sig.height,
        sha256=_sha(sig),
        peak_rss_mb=_rss_mb(),
    )
    return out


def _child(part: str, d: Path, work: Path) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--part", part, "--dir", str(d), "--work", str(work)]
    res = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return dict(json.loads(res.stdout.strip().splitlines()[-1]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", type=Path, default=Path("/tmp/jobshift-bench-detect"))
    ap.add_argument("--work", type=Path, help="where the releases and states go (default: --dir)")
    ap.add_argument("--changed", type=float, default=0.05)
    ap.add_argument("--parts", type=int, default=4)
    ap.add_argument(
        "--reuse", action="store_true", help="keep the releases and r1's state of an earlier run: full + incr"
    )
    ap.add_argument("--chain", action="store_true", help="also r3 over the state incr wrote (with a delta)")
    ap.add_argument("--part", choices=("state", "full", "incr", "incr3"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    work = args.work or args.dir
    if args.part:
        print(json.dumps(run_part(args.part, args.dir, work)))
        return
    built = {} if args.reuse else write_releases(args.dir, work, args.changed, args.parts, chain=args.chain)
    with open("/proc/loadavg") as fh:
        load_before = fh.read().split()[:3]
    result: dict[str, Any] = {"load_avg_before": load_before, **built, "parts": args.parts}
    parts = ["full", "incr"] if args.reuse else ["state", "full", "incr"]
    for part in [*parts, *(["incr3"] if args.chain else [])]:
        result[part] = _child(part, args.dir, work)
    with open("/proc/loadavg") as fh:
        result["load_avg_after"] = fh.read().split()[:3]
    result["incr_over_full"] = round(result["incr"]["wall_s"] / result["full"]["wall_s"], 3)
    result["incr_over_full_cpu"] = round(result["incr"]["cpu_s"] / result["full"]["cpu_s"], 3)
    result["same_signals"] = result["incr"]["sha256"] == result["full"]["sha256"]
    if args.chain:
        result["incr3_over_full"] = round(result["incr3"]["wall_s"] / result["full"]["wall_s"], 3)
        result["incr3_over_full_cpu"] = round(result["incr3"]["cpu_s"] / result["full"]["cpu_s"], 3)
    OUT.mkdir(exist_ok=True)
    (OUT / "bench_incremental.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
