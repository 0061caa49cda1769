"""10,000 notifications through the fake Slack Web API with 20% of the calls answered 429.

Checks that each notification is posted exactly once and reports the time taken and the API calls.
Usage: .venv/bin/python benchmarks/bench_notify.py [--n 10000] [--rate-limit-share 0.2]
       [--retry-after 0.01] [--lost-share 0.0]
Writes benchmarks/out/bench_notify.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from sqlalchemy import insert

from fakes.slack import TOKEN, FakeSlack
from jobshift.config import parse_config
from jobshift.notify.email import EmailSender
from jobshift.notify.slack import SlackNotifier
from jobshift.services.notify.notifying import run_notify
from jobshift.store import Store
from jobshift.store.schema import leads, users

SEND = date(2024, 9, 25)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--reps", type=int, default=50)
    ap.add_argument("--rate-limit-share", type=float, default=0.2)
    ap.add_argument("--retry-after", default="0.01")
    ap.add_argument("--lost-share", type=float, default=0.0)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        store = Store.open(f"sqlite:///{Path(d) / 'b.db'}")
        with store.begin() as conn:
            conn.execute(
                insert(users),
                [
                    {
                        "id": f"u{i}",
                        "name": f"Rep {i}",
                        "role": "BDR",
                        "active": True,
                        "slack_user_id": f"U{i:05d}",
                        "email": f"u{i}@x.example",
                    }
                    for i in range(a.reps)
                ],
            )
            conn.execute(
                insert(leads),
                [
                    {
                        "id": f"L{i:06d}",
                        "last_name": f"P{i}",
                        "company": "Globex",
                        "lead_source": "jobshift Contact Tracking",
                        "owner_id": f"u{i % a.reps}",
                        "created_at": datetime(2024, 9, 24, 9, 0),
                        "job_started_date": "2024-08",
                        "is_backfill": False,
                    }
                    for i in range(a.n)
                ],
            )
        cfg = parse_config({"notifications": {"backoff_base_seconds": 0, "max_attempts": 20}})
        with FakeSlack(
            rate_limit_share=a.rate_limit_share, retry_after=a.retry_after, lost_share=a.lost_share
        ) as fake:
            sl = SlackNotifier(TOKEN, base_url=fake.base_url)
            t0 = time.perf_counter()
            res = run_notify(
                store,
                cfg,
                send_date=SEND,
                slack=sl,
                email=EmailSender("127.0.0.1", 9, "x@x"),
                sleep=time.sleep,
            )
            elapsed = time.perf_counter() - t0
            keys = fake.keys()
            calls = dict(fake.calls)
            answers = dict(fake.answers)
        store.dispose()
    s = res.send
    assert s is not None
    out = {
        "n": a.n,
        "rate_limit_share": a.rate_limit_share,
        "retry_after": a.retry_after,
        "lost_share": a.lost_share,
        "seconds": round(elapsed, 2),
        "per_second": round(a.n / elapsed, 1),
        "distinct_posted": len(keys),
        "max_posts_per_key": max(keys.values()) if keys else 0,
        "exactly_once": len(keys) == a.n and set(keys.values()) == {1},
        "api_calls_total": sum(calls.values()),
        "api_calls": calls,
        "answers": answers,
        "client_429s": s.rate_limited,
        "waited_seconds": round(s.waited_seconds, 2),
        "verified_already_sent": s.verified_already_sent,
        "status_counts": res.status_counts,
    }
    Path(__file__).parent.joinpath("out").mkdir(exist_ok=True)
    Path(__file__).parent.joinpath("out", "bench_notify.json").write_text(json.dumps(out, indent=2))
    print(json.dumps(out, indent=2))
    if not out["exactly_once"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
