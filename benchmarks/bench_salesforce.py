"""Benchmark: 50,000 leads into the fake Salesforce through REST collections and through Bulk API 2.0.

For each path, a clean run (no faults: the baseline) and a run where 20% of the API calls are refused
(503 SERVER_UNAVAILABLE or 403 REQUEST_LIMIT_EXCEEDED, half each) plus, in the "lost" variant, 5% more are
processed and then answered 503 (the client cannot tell they worked). The connector is the real
``SalesforceConnector`` over the real simple-salesforce client, against the local HTTPS fake
(tests/fakes/salesforce.py). Like the outbox, the loop re-submits what comes back retryable until nothing
is left (at most 20 rounds). Checks: every lead exactly once (one record per idempotency key, no extras).
Reports leads/s, API calls, retries, and the faulty/clean throughput ratio. Backoff is 1–10 ms (the fake
answers at once; real backoff would dominate a real org's timings). Writes benchmarks/out/salesforce.json.

The ``push`` scenarios run ``jobshift push`` as users run it: a workspace with 50,000 new-hire signals,
``[push] crm = "salesforce"``, planning (dedupe in the local copy and in the org, batched in Composite
queries) and the outbox writing batches of 10,000 leads as Bulk 2.0 jobs. They report API calls per 1,000
leads (target ≤ 5). ``guard`` gives the org a daily limit that the push crosses: the API-usage guard must
pause the run at its threshold (no call past it), and a later push (a new day) must finish the rest,
every lead exactly once.

    .venv/bin/python benchmarks/bench_salesforce.py --leads 50000 [--scenario connector|push|all]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from push_data import leads, new_hire_signal  # noqa: E402

from fakes.salesforce import FakeSalesforce  # noqa: E402
from fakes.salesforce_setup import ENV, ORG_EXTERNAL_IDS, ORG_FIELDS, sf_settings  # noqa: E402
from jobshift.connectors.crm.salesforce import SalesforceConnector  # noqa: E402
from jobshift.services.program.pushing import push  # noqa: E402
from jobshift.services.workspace import Workspace  # noqa: E402
from jobshift.store.schema import signals  # noqa: E402


def run(path: str, n: int, fault: float, lost: float, tmp: Path) -> dict[str, Any]:
    """One scenario; returns its measurements."""
    threshold = 10**9 if path == "rest" else 1
    with FakeSalesforce(
        tmp,
        custom_fields=ORG_FIELDS,
        external_ids=ORG_EXTERNAL_IDS,
        fault_share=fault,
        lost_share=lost,
        seed=42,
    ) as fake:
        settings = sf_settings(fake, bulk_threshold=threshold, max_attempts=6, bulk_poll_seconds=0.05)
        conn = SalesforceConnector(settings, env=ENV)
        pending = leads(n, priority_reason=True)
        rounds = 0
        started = time.perf_counter()
        while pending and rounds < 20:
            rounds += 1
            results = conn.create_leads(pending)
            fatal = [r for r in results if not r.ok and not r.retryable]
            if fatal:
                raise SystemExit(f"non-retryable failures: {fatal[:3]}")
            again = {r.idempotency_key for r in results if not r.ok}
            pending = [i for i in pending if i.idempotency_key in again]
        seconds = time.perf_counter() - started
        keys = Counter(r["Jobshift_Key__c"] for r in fake.records("Lead"))
        exactly_once = not pending and len(keys) == n and set(keys.values()) == {1}
        return {
            "path": path,
            "leads": n,
            "fault_share": fault,
            "lost_share": lost,
            "seconds": round(seconds, 2),
            "leads_per_s": round(n / seconds),
            "rounds": rounds,
            "exactly_once": exactly_once,
            "records_in_org": sum(keys.values()),
            "faults_injected": dict(fake.faults),
            **conn.stats.to_dict(),
        }


def _workspace(root: Path, fake: FakeSalesforce, n: int, *, daily_pause: float = 0.9) -> Path:
    """A SQLite workspace writing to ``fake`` with ``n`` new-hire signals of distinct people."""
    ws_dir = root / f"ws-{time.monotonic_ns()}"
    ws_dir.mkdir()
    (ws_dir / "jobshift.toml").write_text(
        f"""
[push]
crm = "salesforce"
batch_size = 10000
[salesforce]
login_url = "{fake.url}"
username = "integration@example.com"
client_id = "test-client"
ca_bundle = "{fake.cert}"
bulk_poll_seconds = 0.05
api_usage_pause_share = {daily_pause}
""",
        encoding="utf-8",
    )
    ws = Workspace.open(ws_dir)
    detected = datetime(2026, 11, 17, 6)
    rows = [new_hire_signal(i, detected) for i in range(n)]
    with ws.store.begin() as conn:
        for i in range(0, n, 5000):
            conn.execute(insert(signals), rows[i : i + 5000])
    ws.close()
    return ws_dir


def run_push(n: int, tmp: Path) -> dict[str, Any]:
    """``push`` of ``n`` leads into the fake org, as users run it; API calls per 1,000 leads."""
    with FakeSalesforce(tmp, custom_fields=ORG_FIELDS, external_ids=ORG_EXTERNAL_IDS, seed=42) as fake:
        ws_dir = _workspace(tmp, fake, n)
        ws = Workspace.open(ws_dir)
        conn = SalesforceConnector(ws.config.salesforce, env=ENV)
        started = time.perf_counter()
        summary = push(ws, connector=conn)
        seconds = time.perf_counter() - started
        ws.close()
        keys = Counter(r["Jobshift_Key__c"] for r in fake.records("Lead"))
        calls = fake.calls["total"]
        return {
            "scenario": "push",
            "leads": n,
            "seconds": round(seconds, 2),
            "leads_per_s": round(n / seconds),
            "api_calls": calls,
            "api_calls_per_1000_leads": round(calls / n * 1000, 2),
            "calls_by_kind": {k: v for k, v in fake.calls.items() if k != "total"},
            "created": summary.applied.created,
            "exactly_once": len(keys) == n and set(keys.values()) == {1},
            **{f"connector_{k}": v for k, v in conn.stats.to_dict().items() if k != "calls_by_kind"},
        }


def run_guard(n: int, tmp: Path, calls_needed: int) -> dict[str, Any]:
    """A daily limit the push would cross (95% of the calls it needs): paused at the 90% threshold,
    resumed the next "day"."""
    with FakeSalesforce(tmp, custom_fields=ORG_FIELDS, external_ids=ORG_EXTERNAL_IDS, seed=42) as fake:
        ws_dir = _workspace(tmp, fake, n)
        limit = int(calls_needed * 0.95)
        fake.daily_limit = limit
        ws = Workspace.open(ws_dir)
        first = push(ws, connector=SalesforceConnector(ws.config.salesforce, env=ENV))
        used_at_pause = fake.api_used
        landed_first = len(fake.records("Lead"))
        fake.daily_limit, fake.api_used = 1_000_000, 0  # a new day
        second = push(ws, connector=SalesforceConnector(ws.config.salesforce, env=ENV))
        ws.close()
        keys = Counter(r["Jobshift_Key__c"] for r in fake.records("Lead"))
        return {
            "scenario": "guard",
            "leads": n,
            "daily_limit": limit,
            "pause_share": 0.9,
            "paused": first.applied.paused,
            "api_used_when_paused": used_at_pause,
            "calls_past_the_limit": max(used_at_pause - limit, 0),
            "landed_before_pause": landed_first,
            "landed_after_resume": second.applied.created,
            "exactly_once": len(keys) == n and set(keys.values()) == {1},
        }


def main() -> None:
    """Run the scenarios and write benchmarks/out/salesforce.json."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--leads", type=int, default=50_000)
    ap.add_argument("--scenario", choices=("connector", "push", "all"), default="all")
    args = ap.parse_args()
    out: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as d:
        if args.scenario in ("push", "all"):
            pushed = run_push(args.leads, Path(d))
            guarded = run_guard(args.leads, Path(d), pushed["api_calls"])
            for res in (pushed, guarded):
                out.append(res)
                print(json.dumps(res), flush=True)
        for path in ("rest", "bulk") if args.scenario in ("connector", "all") else ():
            for fault, lost in ((0.0, 0.0), (0.2, 0.0), (0.2, 0.05)):
                res = run(path, args.leads, fault, lost, Path(d))
                out.append(res)
                print(
                    json.dumps(
                        {
                            k: res[k]
                            for k in (
                                "path",
                                "fault_share",
                                "lost_share",
                                "seconds",
                                "leads_per_s",
                                "api_calls",
                                "retries",
                                "rounds",
                                "exactly_once",
                                "records_in_org",
                            )
                        }
                    ),
                    flush=True,
                )
    for r in out:
        if "path" not in r:
            continue
        base = next(b for b in out if b.get("path") == r["path"] and b["fault_share"] == 0)
        r["throughput_vs_clean"] = round(r["leads_per_s"] / base["leads_per_s"], 2)
    target = ROOT / "benchmarks" / "out" / "salesforce.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(out, indent=2))
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
