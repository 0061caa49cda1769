"""The scorecard's drafts section: cost of its per-lead query next to the scorecard's own per-lead totals.

Generates bench_scorecard's synthetic CRM at ``--scale`` into SQLite and/or PostgreSQL, gives every
second lead a cached draft, then times (median of ``--repeat`` runs after a warm-up) ``draft_outcomes``
(first draft, first activity, replies, meetings per lead of the month) against the baseline
``lead_activity_totals`` (the scorecard's per-lead activity totals of the same month). Writes
benchmarks/out/bench_scorecard_drafts.json.

    PYTHONPATH=src:benchmarks python benchmarks/bench_scorecard_drafts.py --backend both --scale 0.25
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from bench_scorecard import MONTH, OUT, PG_SCHEMA, PG_URL, generate, load_postgres, load_sqlite
from sqlalchemy import Connection, insert, select

from jobshift.store import Store
from jobshift.store.schema import leads, outreach_drafts
from jobshift.store.scorecard.drafts import draft_outcomes
from jobshift.store.scorecard.leads import lead_activity_totals

SOURCES = ["jobshift Contact Tracking", "New Hires & Promotions"]
REPLIES = ["Reply", "Email Reply", "Inbound Email"]


def _median_ms(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return round(statistics.median(times) * 1000, 1)


def _add_drafts(conn: Connection) -> int:
    rows = conn.execute(select(leads.c.id, leads.c.created_at).order_by(leads.c.id)).all()
    drafts = [
        {
            "cache_key": f"k-{lid}",
            "lead_id": lid,
            "template_set": "job_change",
            "template_version": "v1",
            "evidence_digest": "d1",
            "source": "template",
            "email_subject": "s",
            "email_body": "b",
            "linkedin_note": "n",
            "created_at": at,
        }
        for lid, at in rows[::2]
    ]
    for i in range(0, len(drafts), 5000):
        conn.execute(insert(outreach_drafts), drafts[i : i + 5000])
    return len(drafts)


def run(backend: str, scale: float, repeat: int) -> dict[str, Any]:
    """Load one backend and time the two queries."""
    data = generate(scale)
    if backend == "sqlite":
        path = Path(tempfile.mkdtemp()) / "bench.db"
        load_sqlite(path, data)
        store = Store.open(f"sqlite:///{path}")
    else:
        load_postgres(data)
        store = Store.open(PG_URL, schema=PG_SCHEMA)
    with store.begin() as conn:
        n_drafts = _add_drafts(conn)
    y, m = (int(p) for p in MONTH.split("-"))
    start, end = datetime(y, m, 1), datetime(y + m // 12, m % 12 + 1, 1)
    with store.connect() as conn:
        rows = draft_outcomes(conn, SOURCES, start, end, REPLIES, ["Meeting"])
        drafts_ms = _median_ms(
            lambda: draft_outcomes(conn, SOURCES, start, end, REPLIES, ["Meeting"]), repeat
        )
        base_ms = _median_ms(lambda: lead_activity_totals(conn, SOURCES, start, end, ["Meeting"]), repeat)
    store.dispose()
    out = {
        "backend": backend,
        "scale": scale,
        "drafts": n_drafts,
        "month_leads": len(rows),
        "draft_outcomes_ms": drafts_ms,
        "lead_activity_totals_ms": base_ms,
        "ratio": round(drafts_ms / base_ms, 2) if base_ms else None,
    }
    print(out)
    return out


def main() -> None:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--scale", type=float, default=0.25)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = [run(b, args.scale, args.repeat) for b in backends]
    OUT.mkdir(exist_ok=True)
    (OUT / "bench_scorecard_drafts.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
