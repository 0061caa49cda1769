"""Benchmark: detection end to end from the store, and the pure detection step vs merely reading the feed.

Usage: .venv/bin/python benchmarks/bench_detect.py [--contacts 1000000] [--profiles 1000000] [--db PATH]
Builds a synthetic workspace straight into SQLite (bulk inserts, not timed), then measures in one run:
  read_s     reading the newest observations from the store into polars frames (the feed, no detection)
  detect_s   the pure detection step (detect_batch + finalize) over those in-memory frames
  e2e_s      `detect` end to end from the store (context, read, detect, upsert signals)
and peak RSS. Writes benchmarks/out/bench_detect.json.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import time
from pathlib import Path

import orjson

from jobshift.engine.detect import detect_batch
from jobshift.engine.finalize import finalize
from jobshift.services.detecting import (
    AllContactsWithAccount,
    build_context,
    detect,
    iter_observation_batches,
)
from jobshift.services.workspace import init_workspace
from jobshift.store.schema import accounts, contacts, people_observations

OUT = Path(__file__).parent / "out"


def build(ws_dir: Path, n_contacts: int, n_profiles: int, seed: int = 7) -> None:
    """Accounts (1 per 20 contacts), contacts, and one observation per profile (~15% moved)."""
    rng = random.Random(seed)
    ws, _ = init_workspace(ws_dir)
    n_acc = max(10, n_contacts // 20)
    accs = [
        {
            "id": f"a-{i:07d}",
            "name": f"Company {i} Inc.",
            "domain": f"company{i}.com",
            "type": "Customer" if i % 5 == 0 else "Prospect",
            "is_target": i % 7 == 0,
        }
        for i in range(n_acc)
    ]
    titles = ["VP Engineering", "Director of IT", "Software Engineer", "CTO", "Head of Security"]
    with ws.store.begin() as conn:
        conn.execute(accounts.insert(), accs)
        for lo in range(0, max(n_contacts, n_profiles), 50_000):
            cs, obs = [], []
            for i in range(lo, min(lo + 50_000, max(n_contacts, n_profiles))):
                a = i % n_acc
                li = f"linkedin.com/in/person-{i}"
                if i < n_contacts:
                    cs.append(
                        {
                            "id": f"c-{i:07d}",
                            "account_id": f"a-{a:07d}",
                            "first_name": f"First{i % 997}",
                            "last_name": f"Last{i}",
                            "email_norm": f"p{i}@company{a}.com",
                            "linkedin_norm": li if i % 10 else None,
                            "title": titles[i % 5],
                        }
                    )
                if i < n_profiles:
                    moved = rng.random() < 0.15
                    b = (a + 1 + rng.randrange(n_acc - 1)) % n_acc if moved else a
                    exp = [
                        {
                            "company_name": f"Company {b}",
                            "company_domain": f"company{b}.com",
                            "title": titles[(i + moved) % 5],
                            "start_date": "2026-09",
                            "end_date": None,
                            "is_primary": True,
                        }
                    ]
                    obs.append(
                        {
                            "obs_id": f"{i:032d}",
                            "person_key": f"pdl:p-{i}",
                            "person_id": f"p-{i}",
                            "observed_at": "2026-11-17",
                            "first_name": f"First{i % 997}",
                            "last_name": f"Last{i}",
                            "full_name": f"First{i % 997} Last{i}",
                            "linkedin_norm": li,
                            "work_email_norm": f"p{i}@company{b}.com",
                            "emails_norm": [f"p{i}@company{a}.com"],
                            "job_title": exp[0]["title"],
                            "job_company_name": f"Company {b}",
                            "job_company_domain": f"company{b}.com",
                            "job_start_date": "2026-09",
                            "experience": exp,
                        }
                    )
            if cs:
                conn.execute(contacts.insert(), cs)
            if obs:
                conn.execute(people_observations.insert(), obs)
    ws.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--contacts", type=int, default=1_000_000)
    ap.add_argument("--profiles", type=int, default=1_000_000)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/jobshift-bench-detect"))
    args = ap.parse_args()
    if not (args.dir / "jobshift.db").exists():
        build(args.dir, args.contacts, args.profiles)
    ws, _ = init_workspace(args.dir)
    with ws.store.connect() as conn:
        t0 = time.perf_counter()
        batches = list(iter_observation_batches(conn))
        read_s = time.perf_counter() - t0
        ctx = build_context(conn, ws.config, AllContactsWithAccount(), None)
    t0 = time.perf_counter()
    det = finalize(ctx, [detect_batch(ctx, b) for b in batches])
    detect_s = time.perf_counter() - t0
    n_obs = sum(b.height for b in batches)
    del batches
    t0 = time.perf_counter()
    summary = detect(ws)
    e2e_s = time.perf_counter() - t0
    ws.close()
    result = {
        "contacts": args.contacts,
        "profiles": n_obs,
        "signals": det.signals.height,
        "read_s": round(read_s, 2),
        "detect_s": round(detect_s, 2),
        "e2e_s": round(e2e_s, 2),
        "detect_vs_read_throughput": round(read_s / detect_s, 3) if detect_s else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "by_type": summary.by_type,
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "bench_detect.json").write_text(json.dumps(result, indent=2))
    print(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())


if __name__ == "__main__":
    main()
