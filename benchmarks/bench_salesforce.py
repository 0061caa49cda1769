"""Benchmark: 50,000 leads into the fake Salesforce through REST collections and through Bulk API 2.0.

For each path, a clean run (no faults: the baseline) and a run where 20% of the API calls are refused
(503 SERVER_UNAVAILABLE or 403 REQUEST_LIMIT_EXCEEDED, half each) plus, in the "lost" variant, 5% more are
processed and then answered 503 (the client cannot tell they worked). The connector is the real
``SalesforceConnector`` over the real simple-salesforce client, against the local HTTPS fake
(tests/fakes/salesforce.py). Like the outbox, the loop re-submits what comes back retryable until nothing
is left (at most 20 rounds). Checks: every lead exactly once (one record per idempotency key, no extras).
Reports leads/s, API calls, retries, and the faulty/clean throughput ratio. Backoff is 1–10 ms (the fake
answers at once; real backoff would dominate a real org's timings). Writes benchmarks/out/salesforce.json.

    .venv/bin/python benchmarks/bench_salesforce.py --leads 50000
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fakes.salesforce import FakeSalesforce  # noqa: E402
from fakes.salesforce_setup import ENV, ORG_EXTERNAL_IDS, ORG_FIELDS, sf_settings  # noqa: E402
from jobshift.connectors.crm_protocol import LeadCreate  # noqa: E402
from jobshift.connectors.salesforce import SalesforceConnector  # noqa: E402


def leads(n: int) -> list[LeadCreate]:
    """``n`` job-change leads with the fields jobshift sets."""
    return [
        LeadCreate(
            f"bench-{i:06d}",
            {
                "first_name": "Jo",
                "last_name": f"Doe{i}",
                "email": f"jo{i}@newco{i % 997}.com",
                "company": f"NewCo {i % 997}",
                "title": "VP Engineering",
                "status": "New",
                "lead_source": "jobshift Contact Tracking",
                "priority": "High",
                "priority_reason": "Job change lead",
                "is_target_company": i % 3 == 0,
                "job_started_date": "2026-09",
                "past_title": "Director of Engineering",
            },
        )
        for i in range(n)
    ]


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
        settings = sf_settings(fake, bulk_threshold=threshold, retry_attempts=6, bulk_poll_seconds=0.05)
        conn = SalesforceConnector(settings, env=ENV)
        pending = leads(n)
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


def main() -> None:
    """Run the scenarios and write benchmarks/out/salesforce.json."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--leads", type=int, default=50_000)
    args = ap.parse_args()
    out: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as d:
        for path in ("rest", "bulk"):
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
        base = next(b for b in out if b["path"] == r["path"] and b["fault_share"] == 0)
        r["throughput_vs_clean"] = round(r["leads_per_s"] / base["leads_per_s"], 2)
    target = ROOT / "benchmarks" / "out" / "salesforce.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(out, indent=2))
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
