"""The kill -9 bar: SIGKILL ``jobshift push`` in the middle of pushing N leads, run again, check the result.

A workspace gets N pushable job changes (N contacts, each moved to a new company). ``jobshift push``
runs as a subprocess with small batches and is killed with SIGKILL once some leads exist; then it runs
again to completion. Checks: exactly N leads, no duplicate (person, company), every old contact marked
No Longer At Company, every outbox row applied, every signal ``pushed``, exactly one audit entry per
write. Exit 0 when all hold; the JSON report goes to stdout and benchmarks/out/kill9_push.json.

Usage: .venv/bin/python scripts/kill9_push.py [--n 10000] [--batch-size 200] [--workspace DIR]
(``JOBSHIFT_DATABASE_URL`` selects PostgreSQL, as for every command).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from jobshift.services.workspace import init_workspace
from jobshift.store import Store
from jobshift.store.schema import accounts, audit_log, contacts, leads, outbox, signals

JOBSHIFT = [sys.executable, "-m", "jobshift.cli.main"]


def seed_job_changes(store: Store, n: int) -> None:
    """N contacts at ``a-old`` who each moved to their own new account (one ``new`` job_change each)."""
    now = datetime(2026, 11, 17)
    accs = [{"id": "a-old", "name": "OldCo", "domain": "oldco.com", "bdr_id": "u-bdr", "owner_id": "u-ae"}]
    accs += [
        {
            "id": f"a-n{i:06d}",
            "name": f"NewCo {i}",
            "domain": f"newco{i}.com",
            "bdr_id": None,
            "owner_id": "u-ae",
        }
        for i in range(n)
    ]
    cons = [
        {
            "id": f"c-{i:06d}",
            "account_id": "a-old",
            "first_name": "Pat",
            "last_name": f"Person{i}",
            "email": f"pat{i}@oldco.com",
            "email_norm": f"pat{i}@oldco.com",
            "linkedin_url": f"linkedin.com/in/pat-{i}",
            "linkedin_norm": f"pat-{i}",
            "title": "VP Engineering",
        }
        for i in range(n)
    ]
    sigs = [
        {
            "signal_id": f"sig-{i:06d}",
            "type": "job_change",
            "contact_id": f"c-{i:06d}",
            "person_key": f"li:pat-{i}",
            "full_name": f"Pat Person{i}",
            "linkedin_url": f"linkedin.com/in/pat-{i}",
            "email": f"pat{i}@newco{i}.com",
            "past_account_id": "a-old",
            "past_company": "OldCo",
            "past_title": "VP Engineering",
            "new_company": f"NewCo {i}",
            "new_company_domain": f"newco{i}.com",
            "new_title": "CTO",
            "matched_account_id": f"a-n{i:06d}",
            "is_customer_company": False,
            "is_target_company": i % 2 == 0,
            "job_started_date": "2026-10",
            "confidence": 0.98,
            "detected_at": now,
            "observed_at": "2026-11-10",
            "status": "new",
        }
        for i in range(n)
    ]
    with store.begin() as conn:
        for table, rows in ((accounts, accs), (contacts, cons), (signals, sigs)):
            for i in range(0, len(rows), 2000):
                conn.execute(insert(table), rows[i : i + 2000])


def _count(store: Store, q: Any) -> int:
    with store.connect() as conn:
        return int(conn.execute(q).scalar_one())


def check(store: Store, n: int) -> dict[str, Any]:
    """The facts the bar is about."""
    js = leads.c.id.like("l-js-%")
    pair = select(leads.c.linkedin_norm, leads.c.matched_account_id).where(js).distinct().subquery()
    return {
        "leads": _count(store, select(func.count()).select_from(leads).where(js)),
        "distinct_person_company": _count(store, select(func.count()).select_from(pair)),
        "contacts_marked": _count(
            store, select(func.count()).select_from(contacts).where(contacts.c.no_longer_at_company.is_(True))
        ),
        "outbox_not_applied": _count(
            store, select(func.count()).select_from(outbox).where(outbox.c.status != "applied")
        ),
        "signals_pushed": _count(
            store, select(func.count()).select_from(signals).where(signals.c.status == "pushed")
        ),
        "audit_lead_creates": _count(
            store, select(func.count()).select_from(audit_log).where(audit_log.c.object == "leads")
        ),
        "audit_contact_updates": _count(
            store, select(func.count()).select_from(audit_log).where(audit_log.c.object == "contacts")
        ),
        "expected": n,
    }


def ok(facts: dict[str, Any]) -> bool:
    """Whether every fact meets the bar."""
    n = facts["expected"]
    return (
        facts["leads"] == n
        and facts["distinct_person_company"] == n
        and facts["contacts_marked"] == n
        and facts["outbox_not_applied"] == 0
        and facts["signals_pushed"] == n
        and facts["audit_lead_creates"] == n
        and facts["audit_contact_updates"] == n
    )


def run(ws_dir: Path, n: int, batch_size: int, kill_share: float = 0.3) -> dict[str, Any]:
    """Seed, push, SIGKILL mid-way, push again; returns the report (``ok`` true when the bar holds)."""
    ws, _ = init_workspace(ws_dir)
    store = ws.store
    seed_job_changes(store, n)
    env = {**os.environ, "JOBSHIFT_PUSH__BATCH_SIZE": str(batch_size)}
    t0 = time.perf_counter()
    proc = subprocess.Popen([*JOBSHIFT, "-w", str(ws_dir), "push"], env=env, stdout=subprocess.DEVNULL)
    js = select(func.count()).select_from(leads).where(leads.c.id.like("l-js-%"))
    at_kill = 0
    while proc.poll() is None:
        at_kill = _count(store, js)
        if at_kill >= n * kill_share:
            os.kill(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.02)
    first_rc = proc.wait()
    at_kill = _count(store, js)
    second = subprocess.run(
        [*JOBSHIFT, "-w", str(ws_dir), "push", "--json"], env=env, capture_output=True, text=True
    )
    facts = check(store, n)
    ws.close()
    report = {
        "n": n,
        "batch_size": batch_size,
        "first_exit_code": first_rc,
        "killed_mid_way": first_rc == -signal.SIGKILL and 0 < at_kill < n,
        "leads_at_kill": at_kill,
        "second_exit_code": second.returncode,
        "seconds": round(time.perf_counter() - t0, 2),
        **facts,
    }
    report["ok"] = bool(report["killed_mid_way"] and second.returncode == 0 and ok(facts))
    return report


def main() -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--batch-size", type=int, default=200)
    ap.add_argument("--workspace", type=Path, default=None)
    args = ap.parse_args()
    ws_dir = args.workspace or Path(tempfile.mkdtemp(prefix="jobshift-kill9-")) / "ws"
    report = run(ws_dir, args.n, args.batch_size)
    out = Path(__file__).resolve().parents[1] / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "kill9_push.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
