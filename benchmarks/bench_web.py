"""Web pages at scale: p50/p95 of every list, record and dashboard page over HTTP, 100,000 leads.

Builds a workspace with a synthetic CRM (deterministic, seeded: 40 CRM users in 4 teams, accounts,
contacts, leads with their signals, suppressed signals, opportunities and activities in proportion
to the number of leads) by bulk inserts, runs ANALYZE (PostgreSQL: VACUUM ANALYZE), starts a real
``jobshift serve`` subprocess, signs in as an admin and as a rep, and requests each page
``--requests`` times (after 3 warm-up requests). The baseline measured in the same run is
``GET /healthz`` (HTTP + framework overhead without a database query). Writes
benchmarks/out/bench_web.json and prints a Markdown table.

    .venv/bin/python benchmarks/bench_web.py [--backend sqlite|postgresql|both] [--leads 100000]
        [--requests 50]

Lead search is the accent-insensitive full text (FTS5 / tsvector, kept by triggers while loading).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Table, create_engine, insert, text

from jobshift.services.admin import auth
from jobshift.services.workspace import Workspace, init_workspace
from jobshift.store.schema import accounts, activities, contacts, leads, opportunities, signals, users

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_SCHEMA = "bench_web"
OUT = Path(__file__).parent / "out"
NOW = datetime(2026, 6, 15)
CHUNK = 10_000
FIRST = ["Jane", "John", "Maria", "Ahmed", "Li", "Sofia", "Lukas", "Emma", "Noah", "Olga", "Ravi", "Chen"]
LAST = [
    "Doe",
    "Smith",
    "Garcia",
    "Khan",
    "Wang",
    "Rossi",
    "Meyer",
    "Brown",
    "Martin",
    "Novak",
    "Patel",
    "Rodríguez",
    "Müller",
]
WORDS = ["Acme", "Bright", "Cobalt", "Data", "Ever", "Fjord", "Granite", "Helix", "Iris", "Juno", "Kite"]
TAILS = ["Cloud", "Labs", "Systems", "AI", "Works", "Group", "Software", "Networks"]
TITLES = ["VP Engineering", "Director of IT", "Head of Security", "CTO", "Software Engineer", "VP Data"]
ADMIN, REP = ("bench-admin", "bench-admin-pw"), ("bench-rep", "bench-rep-pass")


def _company(i: int) -> str:
    return f"{WORDS[i % len(WORDS)]}{TAILS[(i // len(WORDS)) % len(TAILS)]} {i}"


def generate(n_leads: int, seed: int = 11) -> dict[Table, list[dict[str, Any]]]:
    """Rows per table: per lead 2 contacts, 1.2 signals, 3 activities; 1 account per 5 leads."""
    rng = random.Random(seed)
    crm_users = []
    for t in range(4):
        crm_users.append({"id": f"u-m{t}", "name": f"Manager {t}", "role": "Manager", "active": True})
        for k in range(9):
            crm_users.append(
                {
                    "id": f"u-{t}-{k}",
                    "name": f"Rep {t}-{k}",
                    "role": "BDR",
                    "active": True,
                    "manager_id": f"u-m{t}",
                }
            )
    reps = [u["id"] for u in crm_users if u["role"] == "BDR"]
    n_acc, n_con = max(10, n_leads // 5), n_leads * 2
    accs = [
        {
            "id": f"a{i:07d}",
            "name": _company(i),
            "domain": f"{_company(i).split()[0].lower()}{i}.com",
            "type": rng.choice(["Customer", "Prospect", "Prospect", "Partner"]),
            "segment": rng.choice(["SMB", "Mid-Market", "Enterprise"]),
            "is_target": rng.random() < 0.2,
            "owner_id": rng.choice(reps),
            "bdr_id": rng.choice(reps),
            "renewal_manager_id": rng.choice(reps) if rng.random() < 0.3 else None,
            "employees": rng.randint(5, 20_000),
            "created_at": NOW - timedelta(days=rng.randint(30, 1500)),
        }
        for i in range(n_acc)
    ]
    cons = []
    for i in range(n_con):
        first, last = rng.choice(FIRST), rng.choice(LAST) + str(i % 997)
        email = f"{first.lower()}.{last.lower()}.{i}@example.com"
        cons.append(
            {
                "id": f"c{i:08d}",
                "account_id": f"a{rng.randrange(n_acc):07d}",
                "first_name": first,
                "last_name": last,
                "email": email,
                "email_norm": email,
                "title": rng.choice(TITLES),
                "owner_id": rng.choice(reps),
                "status": rng.choice(["Active", "Active", "Nurture"]),
                "no_longer_at_company": rng.random() < 0.1,
                "created_at": NOW - timedelta(days=rng.randint(1, 1500)),
            }
        )
    lds, sigs, acts, opps = [], [], [], []
    for i in range(n_leads):
        first, last = rng.choice(FIRST), rng.choice(LAST) + str(i % 991)
        created = NOW - timedelta(minutes=rng.randint(1, 365 * 24 * 60))
        email = f"{first.lower()}.{last.lower()}.{i}@newco{i % 500}.com"
        converted = rng.random() < 0.05
        lds.append(
            {
                "id": f"l{i:08d}",
                "first_name": first,
                "last_name": last,
                "email": email,
                "email_norm": email,
                "company": _company(rng.randrange(n_acc)),
                "title": rng.choice(TITLES),
                "status": rng.choice(["New", "New", "Open", "Contacted", "Dismissed"]),
                "lead_source": "jobshift Contact Tracking",
                "owner_id": rng.choice(reps),
                "created_at": created,
                "signal_id": f"s{i:08d}",
                "past_contact_id": f"c{rng.randrange(n_con):08d}",
                "past_account_id": f"a{rng.randrange(n_acc):07d}",
                "matched_account_id": f"a{rng.randrange(n_acc):07d}",
                "past_title": rng.choice(TITLES),
                "job_started_date": f"{created.year}-{created.month:02d}",
                "converted_opportunity_id": f"o{i:08d}" if converted else None,
            }
        )
        sigs.append(
            {
                "signal_id": f"s{i:08d}",
                "type": rng.choice(["job_change", "job_change", "new_hire", "promotion"]),
                "contact_id": lds[-1]["past_contact_id"],
                "full_name": f"{first} {last}",
                "past_company": _company(rng.randrange(n_acc)),
                "new_company": lds[-1]["company"],
                "new_title": lds[-1]["title"],
                "confidence": round(rng.uniform(0.5, 1.0), 2),
                "match_rule": rng.choice(["linkedin+domain", "email+domain", "name+history"]),
                "detected_at": created - timedelta(hours=1),
                "lead_id": lds[-1]["id"],
                "status": "pushed",
            }
        )
        roll = rng.random()
        if roll < 0.2:
            sigs.append(
                {**sigs[-1], "signal_id": f"x{i:08d}", "lead_id": None, "status": "suppressed:intern"}
            )
        elif roll < 0.22:  # a doubtful identity match waiting in the review queue
            sigs.append(
                {
                    **sigs[-1],
                    "signal_id": f"u{i:08d}",
                    "lead_id": None,
                    "status": "uncertain",
                    "confidence": 0.4,
                    "person_key": f"nm:{first.lower()} {last.lower()}|{i}",
                }
            )
        for k in range(rng.choice([0, 1, 3, 5, 6])):
            acts.append(
                {
                    "id": f"t{i:08d}-{k}",
                    "who_id": lds[-1]["id"],
                    "type": rng.choice(["Call", "Email", "Email", "Meeting"]),
                    "occurred_at": created + timedelta(days=k + 1),
                    "owner_id": lds[-1]["owner_id"],
                    "subject": "touch",
                }
            )
        if converted:
            opps.append(
                {
                    "id": f"o{i:08d}",
                    "account_id": lds[-1]["matched_account_id"],
                    "name": "New business",
                    "stage": "Closed Won" if rng.random() < 0.3 else "2-Discovery",
                    "is_won": None,
                    "amount": float(rng.randint(5, 200) * 1000),
                    "created_at": created + timedelta(days=20),
                }
            )
            opps[-1]["is_won"] = opps[-1]["stage"] == "Closed Won"
            opps[-1]["is_closed"] = opps[-1]["is_won"]
    return {
        users: crm_users,
        accounts: accs,
        contacts: cons,
        leads: lds,
        signals: sigs,
        activities: acts,
        opportunities: opps,
    }


def load(ws: Workspace, data: dict[Table, list[dict[str, Any]]]) -> dict[str, int]:
    """Bulk-insert ``data`` (every column present), then ANALYZE (PostgreSQL: VACUUM ANALYZE)."""
    counts = {}
    for table, rows in data.items():
        cols = [c.name for c in table.columns]
        with ws.store.begin() as conn:
            for start in range(0, len(rows), CHUNK):
                conn.execute(
                    insert(table), [{c: r.get(c) for c in cols} for r in rows[start : start + CHUNK]]
                )
        counts[table.name] = len(rows)
    # what autovacuum / a nightly job would have done: statistics, and PostgreSQL's visibility map
    # (index-only scans for counts)
    with ws.store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE"))
    return counts


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _login(base: str, name: str, pw: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    page = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', page.text)
    assert token, page.text[:500]
    r = client.post(
        "/login", data={"username": name, "password": pw, "login_token": token.group(1), "next": "/"}
    )
    assert r.status_code in (200, 303), r.text[:500]
    return client


def _measure(client: httpx.Client, paths: list[str], n: int) -> dict[str, float]:
    for p in paths[:3]:
        assert client.get(p).status_code == 200, p
    times = []
    for i in range(n):
        path = paths[i % len(paths)]
        t0 = time.perf_counter()
        r = client.get(path)
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, (path, r.status_code, r.text[:300])
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        "max_ms": round(times[-1], 1),
        "n": n,
    }


def run(backend: str, n_leads: int, n_requests: int) -> dict[str, Any]:
    """Build, serve and measure one backend."""
    tmp = Path(tempfile.mkdtemp(prefix="bench_web_"))
    env = {k: v for k, v in os.environ.items() if k not in ("JOBSHIFT_DATABASE_URL", "JOBSHIFT_WORKSPACE")}
    os.environ.pop("JOBSHIFT_DATABASE_URL", None)
    if backend == "postgresql":
        eng = create_engine(PG_URL)
        with eng.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
        eng.dispose()
        env["JOBSHIFT_DATABASE_URL"] = os.environ["JOBSHIFT_DATABASE_URL"] = (
            f"{PG_URL}?options=-csearch_path%3D{PG_SCHEMA}"
        )
    t0 = time.perf_counter()
    ws, _ = init_workspace(tmp / "ws")
    data = generate(n_leads)
    sample_leads = [r["id"] for r in data[leads][:: max(1, n_leads // 60)]]
    sample_contacts = [r["id"] for r in data[contacts][:: max(1, len(data[contacts]) // 60)]]
    rep_crm = "u-0-0"
    rep_leads = [r["id"] for r in data[leads] if r["owner_id"] == rep_crm][:60]
    sample_uncertain = [r["signal_id"] for r in data[signals] if r["status"] == "uncertain"][:60]
    counts = load(ws, data)
    del data
    auth.add_user(ws, ADMIN[0], "admin", ADMIN[1])
    auth.add_user(ws, REP[0], "rep", REP[1], crm_user_id=rep_crm)
    ws.close()
    os.environ.pop("JOBSHIFT_DATABASE_URL", None)
    build_s = time.perf_counter() - t0
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "jobshift.cli.main", "-w", str(tmp / "ws"), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    results: dict[str, dict[str, float]] = {}
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.3)
        admin, rep = _login(base, *ADMIN), _login(base, *REP)
        first_dash = time.perf_counter()
        admin.get("/")
        results["dashboard, first request (admin, uncached)"] = {
            "p50_ms": round((time.perf_counter() - first_dash) * 1000, 1)
        }
        pages: list[tuple[str, httpx.Client, list[str]]] = [
            ("baseline: GET /healthz", admin, ["/healthz"]),
            ("All leads (admin)", admin, ["/leads"]),
            ("My leads (rep)", rep, ["/leads?view=mine"]),
            ("All leads (rep scope)", rep, ["/leads"]),
            ("leads filtered: status + signal type", admin, ["/leads?status=New&type=job_change"]),
            ("leads sorted by name", admin, ["/leads?sort=name"]),
            ("leads sorted by owner", admin, ["/leads?sort=-owner"]),
            ("leads deep page (1000 of 2000)", admin, ["/leads?page=1000"]),
            (
                "leads search (full text, accents)",
                admin,
                [
                    "/leads?q=mar",
                    "/leads?q=patel1",
                    "/leads?q=jane+d",
                    "/leads?q=data",
                    "/leads?q=rodriguez",
                    "/leads?q=MULLER",
                    "/leads?q=director+of",
                    "/leads?q=newco12.com",
                ],
            ),
            ("leads search (rep scope)", rep, ["/leads?q=rodriguez", "/leads?q=vp+eng", "/leads?q=jane"]),
            ("My worklist (rep)", rep, ["/worklist", "/worklist?page=2"]),
            ("worklist of a rep (admin)", admin, ["/worklist?owner=u-0-1"]),
            ("review queue (admin)", admin, ["/review", "/review?page=5"]),
            ("uncertain signal page (admin)", admin, [f"/review/{i}" for i in sample_uncertain]),
            ("signals (admin)", admin, ["/signals"]),
            ("signals (rep)", rep, ["/signals"]),
            ("contacts (admin)", admin, ["/contacts"]),
            ("contacts (rep)", rep, ["/contacts"]),
            ("accounts (admin)", admin, ["/accounts"]),
            ("lead page", admin, [f"/leads/{i}" for i in sample_leads]),
            ("lead page (rep)", rep, [f"/leads/{i}" for i in rep_leads]),
            ("contact page", admin, [f"/contacts/{i}" for i in sample_contacts]),
            ("dashboard (admin)", admin, ["/"]),
            ("dashboard (rep)", rep, ["/"]),
            ("API /api/leads?per_page=50", admin, ["/api/leads?per_page=50"]),
        ]
        for label, client, paths in pages:
            results[label] = _measure(client, paths, n_requests)
            print(f"  {backend:10} {label:45} {results[label]}", flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return {"backend": backend, "rows": counts, "build_s": round(build_s, 1), "pages": results}


def main() -> None:
    """Run the benchmark and write benchmarks/out/bench_web.json."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--leads", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=50)
    args = ap.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    out = {
        "leads": args.leads,
        "requests": args.requests,
        "runs": [run(b, args.leads, args.requests) for b in backends],
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "bench_web.json").write_text(json.dumps(out, indent=2))
    runs = out["runs"]
    print("\n| page | " + " | ".join(f"{r['backend']} p50 / p95 ms" for r in runs) + " |")
    print("|---|" + "---|" * len(runs))
    for label in runs[0]["pages"]:
        cells = []
        for r in runs:
            m = r["pages"].get(label, {})
            cells.append(
                f"{m.get('p50_ms', '')} / {m.get('p95_ms', '—')}" if "p95_ms" in m else f"{m.get('p50_ms')}"
            )
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
