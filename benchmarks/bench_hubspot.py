"""Benchmark: 50,000 leads into the fake HubSpot through the batch API (100 contacts per call).

The connector is the real ``HubSpotConnector`` over the official hubspot-api-client, against the local
HTTP fake (tests/fakes/hubspot.py, uvicorn in a thread — the fake's own JSON handling and validation are
part of the time). Scenarios: a clean run (the baseline); ``faults``: 10% of the calls refused before
anything happens (429 with ``Retry-After: 0`` or 502, half each) plus 2% processed and then answered 504
and 2% processed and then cut mid-answer (the client cannot tell they worked: the re-sent batch conflicts
on the unique ``jobshift_key`` and is resolved to the records the lost call made). Like the outbox, the
loop re-submits what comes back retryable (at most 20 rounds). Checks: every lead exactly once (one
contact per idempotency key). Reports seconds, leads/s, API calls per 1,000 leads, retries and 429s.
Backoff 1–10 ms (HubSpot's real backoff — seconds — would dominate real timings). Writes
benchmarks/out/hubspot.json.

    .venv/bin/python benchmarks/bench_hubspot.py --leads 50000
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from push_data import leads  # noqa: E402

from fakes.hubspot import ENV, FakeHubSpot  # noqa: E402
from jobshift.config import HubSpotSection  # noqa: E402
from jobshift.connectors.crm.hubspot import HubSpotConnector  # noqa: E402


def run(n: int, fault: float, lost: float, drop: float) -> dict[str, Any]:
    """Write ``n`` leads with the given fault shares; returns the measurements."""
    intents = leads(n, signal_id=True)
    with FakeHubSpot(fault_share=fault, lost_share=lost, drop_share=drop, seed=11) as fake:
        settings = HubSpotSection(
            base_url=fake.url, max_attempts=10, backoff_base_seconds=0.001, backoff_max_seconds=0.01
        )
        conn = HubSpotConnector(settings, env=ENV)
        started = time.perf_counter()
        todo, done, rounds = intents, {}, 0
        while todo and rounds < 20:
            rounds += 1
            for r in conn.create_leads(todo):
                if r.ok or not r.retryable:
                    done[r.idempotency_key] = r
            todo = [i for i in todo if i.idempotency_key not in done]
        seconds = time.perf_counter() - started
        keys = Counter(r.get("jobshift_key") for r in fake.records("contacts"))
        faults = dict(fake.faults)
    stats = conn.stats.to_dict()
    exact = len(keys) == n and set(keys.values()) == {1} and all(r.ok for r in done.values())
    return {
        "leads": n,
        "fault_share": fault,
        "lost_share": lost,
        "drop_share": drop,
        "seconds": round(seconds, 2),
        "leads_per_second": round(n / seconds),
        "api_calls": stats["api_calls"],
        "api_calls_per_1000_leads": round(stats["api_calls"] * 1000 / n, 1),
        "calls_by_kind": stats["calls_by_kind"],
        "retries": stats["retries"],
        "throttled_429": stats["throttled"],
        "faults_injected": faults,
        "rounds": rounds,
        "exactly_once": exact,
    }


def main() -> None:
    """Run the scenarios and write benchmarks/out/hubspot.json."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--leads", type=int, default=50_000)
    args = ap.parse_args()
    results = [run(args.leads, 0.0, 0.0, 0.0), run(args.leads, 0.10, 0.02, 0.02)]
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "hubspot.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    for r in results:
        print(json.dumps({k: v for k, v in r.items() if k != "calls_by_kind"}))


if __name__ == "__main__":
    main()
