"""Benchmark: ``jobshift push`` of N leads into the built-in store CRM, this tree against a baseline tree.

The same workspace (N new-hire signals of distinct people: a quarter at accounts with a BDR, a quarter at
SMB accounts without one — round-robin over the SDRs —, a quarter at large accounts without a BDR and a
quarter with no matched account — both round-robin over the default pool, by region) is copied for every
run and pushed by a child process whose ``PYTHONPATH`` is either this tree's ``src`` or the ``src`` of
``--baseline`` (a git revision, exported with ``git archive``). Each child runs ``push --dry-run``
(planning alone: dedupe, routing, outbox rows; rolled back) and then ``push`` (plan + apply), and counts
the SQL statements each sent (an ``executemany`` is one). Runs alternate baseline / this tree
(``--rounds``); the result is each side's best time and the ratio this / baseline, measured in the same
run. ``--pg URL`` runs on PostgreSQL (a fresh schema per run, the data built again each time). Both
sides must route every lead the same (owner and reason of every lead, the decisions table and
the round-robin state are compared). Writes benchmarks/out/bench_push.json (``_pg`` on PostgreSQL).

    .venv/bin/python benchmarks/bench_push.py --leads 10000 --baseline 2c1aca4 --rounds 2
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REGIONS = (("AMER", "United States"), ("EMEA", "Germany"), ("APAC", "Japan"))


def build_workspace(ws_dir: Path, n: int) -> None:
    """Create the workspace (with this tree's code) holding ``n`` new-hire signals."""
    from push_data import new_hire_signal
    from sqlalchemy import insert

    from jobshift.services.workspace import Workspace
    from jobshift.store.schema import accounts, signals, users

    ws_dir.mkdir(parents=True)
    (ws_dir / "jobshift.toml").write_text("[push]\nbatch_size = 2000\n", encoding="utf-8")
    ws = Workspace.open(ws_dir)
    reps = [
        {
            "id": f"{role.lower()}-{r}-{k}",
            "name": f"{role} {r} {k}",
            "role": role,
            "active": True,
            "region": r,
        }
        for role in ("BDR", "SDR")
        for r, _ in REGIONS
        for k in range(4)
    ]
    accs = []
    for a in range(300):
        region, country = REGIONS[a % 3]
        kind = a % 3  # 0: BDR owns it, 1: SMB without a BDR, 2: large without a BDR
        accs.append(
            {
                "id": f"acc-{a:04d}",
                "name": f"Account {a}",
                "segment": "SMB" if kind == 1 else "Large",
                "bdr_id": f"bdr-{region}-{a % 4}" if kind == 0 else None,
                "owner_id": f"bdr-{region}-{(a + 1) % 4}",
                "country": country,
                "is_target": True,
            }
        )
    detected = datetime(2026, 11, 17, 6)
    rows = []
    for i in range(n):
        quarter = i % 4  # 0: no matched account, then one account kind each (see above)
        acc = accs[3 * ((i // 4) % 100) + quarter - 1] if quarter else None
        rows.append(new_hire_signal(i, detected, acc, is_target=acc is not None))
    with ws.store.begin() as conn:
        conn.execute(insert(users), reps)
        conn.execute(insert(accounts), accs)
        for i in range(0, n, 5000):
            conn.execute(insert(signals), rows[i : i + 5000])
    ws.close()


def child(ws_dir: Path) -> None:
    """Push the workspace with whatever ``jobshift`` is importable; print timings, counts and a digest."""
    from sqlalchemy import event, select

    from jobshift.services.program.pushing import push
    from jobshift.services.workspace import Workspace
    from jobshift.store.schema import leads, routing_decisions, routing_state

    ws = Workspace.open(ws_dir)
    statements = [0]

    def count(*_args: Any) -> None:
        statements[0] += 1

    event.listen(ws.store.engine, "before_cursor_execute", count)
    t0 = time.perf_counter()
    dry = push(ws, dry_run=True)
    plan_s, plan_statements = time.perf_counter() - t0, statements[0]
    statements[0] = 0
    t0 = time.perf_counter()
    summary = push(ws)
    push_s = time.perf_counter() - t0
    digest = hashlib.sha256()
    with ws.store.connect() as conn:
        for row in conn.execute(
            select(leads.c.signal_id, leads.c.owner_id, leads.c.routing_reason).order_by(leads.c.signal_id)
        ):
            digest.update(repr(tuple(row)).encode())
        for table, key in ((routing_decisions, "lead_id"), (routing_state, "pool_key")):
            cols = [c for c in table.c if c.name not in ("decided_at", "updated_at")]
            for row in conn.execute(select(*cols).order_by(table.c[key])):
                digest.update(repr(tuple(row)).encode())
    ws.close()
    print(
        json.dumps(
            {
                "module": __import__("jobshift").__file__,
                "plan_seconds": round(plan_s, 3),
                "plan_statements": plan_statements,
                "push_seconds": round(push_s, 3),
                "push_statements": statements[0],
                "planned_leads": dry.planned.create_lead,
                "created": summary.applied.created,
                "routing_digest": digest.hexdigest(),
            }
        )
    )


def _export(rev: str, dest: Path) -> Path:
    """``src`` of git revision ``rev`` under ``dest``."""
    data = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", rev, "src"], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")
    return dest / "src"


def _pg_schema(url: str, name: str) -> str:
    """A fresh schema ``name`` (dropped first) and the URL that uses it."""
    from sqlalchemy import create_engine, text

    eng = create_engine(url)
    with eng.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    eng.dispose()
    return f"{url}?options=-csearch_path%3D{name}"


def _drop_schema(url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    eng = create_engine(url)
    with eng.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    eng.dispose()


def _run_child(src: Path, ws_dir: Path, db_url: str | None) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    if db_url:
        env["JOBSHIFT_DATABASE_URL"] = db_url
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(ws_dir)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    """Build the workspace, alternate baseline / this tree, print and write the comparison."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--leads", type=int, default=10_000)
    ap.add_argument("--baseline", default="HEAD", help="git revision to compare against")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--pg", help="a PostgreSQL URL: every run gets a fresh schema there (default: SQLite)")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        child(args.child)
        return
    sys.path.insert(0, str(ROOT / "src"))
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        sides = {"baseline": _export(args.baseline, tmp / "baseline"), "this": ROOT / "src"}
        template = tmp / "template"
        if not args.pg:
            build_workspace(template, args.leads)
        runs: dict[str, list[dict[str, Any]]] = {"baseline": [], "this": []}
        for r in range(args.rounds):
            for side, src in sides.items():
                ws_dir = tmp / f"{side}-{r}"
                db_url = None
                if args.pg:
                    db_url = _pg_schema(args.pg, f"bench_push_{side}_{r}")
                    os.environ["JOBSHIFT_DATABASE_URL"] = db_url
                    build_workspace(ws_dir, args.leads)
                else:
                    shutil.copytree(template, ws_dir)
                res = _run_child(src, ws_dir, db_url)
                print(json.dumps({"side": side, "round": r, **res}), flush=True)
                runs[side].append(res)
                shutil.rmtree(ws_dir)
                if args.pg:
                    _drop_schema(args.pg, f"bench_push_{side}_{r}")
    best = {s: min(runs[s], key=lambda x: x["push_seconds"]) for s in runs}
    plan_best = {s: min(x["plan_seconds"] for x in runs[s]) for s in runs}
    digests = {x["routing_digest"] for s in runs for x in runs[s]}
    result = {
        "leads": args.leads,
        "baseline": args.baseline,
        "rounds": args.rounds,
        "plan_seconds": plan_best,
        "push_seconds": {s: best[s]["push_seconds"] for s in runs},
        "plan_statements": {s: best[s]["plan_statements"] for s in runs},
        "push_statements": {s: best[s]["push_statements"] for s in runs},
        "plan_ratio_this_vs_baseline": round(plan_best["this"] / plan_best["baseline"], 3),
        "push_ratio_this_vs_baseline": round(
            best["this"]["push_seconds"] / best["baseline"]["push_seconds"], 3
        ),
        "same_routing": len(digests) == 1,
        "created": {s: best[s]["created"] for s in runs},
    }
    print(json.dumps(result, indent=2))
    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    name = "bench_push_pg.json" if args.pg else "bench_push.json"
    (out / name).write_text(json.dumps({"result": result, "runs": runs}, indent=2) + "\n")


if __name__ == "__main__":
    main()
