"""Scorecard at scale: 1M contacts, 200k opportunities, 2M activities on SQLite and PostgreSQL.

Generates a synthetic CRM (deterministic, seeded) straight into the tables with bulk inserts
(sqlite3 executemany / PostgreSQL COPY), runs ANALYZE, then times ``compute_scorecard`` for one
month. The baseline measured in the same run is a full scan of ``activities`` (``count(*)``,
``min(occurred_at)``) so results compare across machines as a ratio. Writes
benchmarks/out/bench_scorecard.json.

    .venv/bin/python benchmarks/bench_scorecard.py [--backend sqlite|postgresql|both] [--scale 1.0]
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from jobshift.config import parse_config
from jobshift.services.scorecard.scorecard import compute_scorecard
from jobshift.store import Store

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_SCHEMA = "bench_scorecard"
OUT = Path(__file__).parent / "out"
START = datetime(2023, 1, 1)
DAYS = 730
MONTH = "2024-06"
CHUNK = 100_000
TITLES = [
    "VP Engineering",
    "CTO",
    "Director of IT",
    "Software Engineer",
    "Office Manager",
    "Head of Data",
    "Chief Information Security Officer",
    "Buyer",
    "Account Executive",
    "VP Sales",
    "DevOps Lead",
]
STATUSES = ["pushed"] * 6 + [
    "new",
    "duplicate",
    "suppressed:advisor",
    "suppressed:competitor",
    "suppressed:intern",
]


def _ts(rng: random.Random, start: datetime = START, days: int = DAYS) -> datetime:
    return start + timedelta(seconds=rng.randrange(days * 86400))


def generate(scale: float, seed: int = 7) -> dict[str, tuple[list[str], Iterator[tuple[Any, ...]]]]:
    """Table → (columns, row iterator); activities and contacts stream in chunks."""
    n_acc, n_con, n_opp = int(50_000 * scale), int(1_000_000 * scale), int(200_000 * scale)
    n_act, n_lead, n_sig, n_user = int(2_000_000 * scale), int(100_000 * scale), int(150_000 * scale), 200
    rng = random.Random(seed)
    acc_type = ["Customer"] * 2 + ["Prospect"] * 7 + ["Partner"]

    def accounts() -> Iterator[tuple[Any, ...]]:
        for i in range(n_acc):
            yield (
                f"A{i}",
                f"Acme {i}",
                rng.choice(acc_type),
                rng.choice(["Software", "Retail", "Banking", None]),
                rng.choice(["US", "DE", "FR"]),
                rng.randrange(10, 20_000),
                rng.random() < 0.05,
            )

    def contacts() -> Iterator[tuple[Any, ...]]:
        for i in range(n_con):
            acc = f"A{rng.randrange(n_acc)}" if rng.random() < 0.9 else None
            yield (f"C{i}", acc, f"L{i}", rng.choice(TITLES), f"c{i}@x.com" if rng.random() < 0.95 else None)

    opp_acc = [f"A{rng.randrange(n_acc)}" for _ in range(n_opp)]

    def opportunities() -> Iterator[tuple[Any, ...]]:
        for i in range(n_opp):
            created = _ts(rng)
            r = rng.random()
            closed, won = (True, True) if r < 0.3 else ((True, False) if r < 0.6 else (False, False))
            close = (created + timedelta(days=rng.randrange(10, 120))).date()
            yield (
                f"O{i}",
                opp_acc[i],
                "3-Eval",
                closed,
                won,
                float(rng.randrange(1000, 100_000)),
                created,
                close,
            )

    def roles() -> Iterator[tuple[Any, ...]]:
        for i in range(n_opp):
            for c in {rng.randrange(n_con) for _ in range(rng.randrange(1, 4))}:
                yield (f"O{i}", f"C{c}", None)

    lead_rows: list[tuple[Any, ...]] = []
    for i in range(n_lead):
        conv = f"C{rng.randrange(n_con)}" if rng.random() < 0.3 else None
        lead_rows.append(
            (
                f"LD{i}",
                f"L{i}",
                rng.choice(TITLES),
                "jobshift Contact Tracking",
                _ts(rng),
                f"U{rng.randrange(n_user)}",
                f"A{rng.randrange(n_acc)}",
                conv,
            )
        )

    def activities() -> Iterator[tuple[Any, ...]]:
        for i in range(n_act):
            if rng.random() < 0.4:
                lead = lead_rows[rng.randrange(n_lead)]
                who = lead[7] if lead[7] and rng.random() < 0.5 else lead[0]
                at = lead[4] + timedelta(seconds=rng.randrange(60 * 86400))
            else:
                who, at = f"C{rng.randrange(n_con)}", _ts(rng)
            yield (f"T{i}", who, rng.choice(["Email", "Call", "Meeting"]), at, f"U{rng.randrange(n_user)}")

    def signals() -> Iterator[tuple[Any, ...]]:
        for i in range(n_sig):
            yield (
                f"S{i}",
                "job_change",
                f"C{rng.randrange(n_con)}",
                _ts(rng),
                rng.choice(STATUSES),
                "VP Eng",
            )

    return {
        "users": (["id", "name", "role"], iter([(f"U{i}", f"User {i}", "BDR") for i in range(n_user)])),
        "accounts": (["id", "name", "type", "industry", "country", "employees", "is_target"], accounts()),
        "contacts": (["id", "account_id", "last_name", "title", "email"], contacts()),
        "opportunities": (
            ["id", "account_id", "stage", "is_closed", "is_won", "amount", "created_at", "close_date"],
            opportunities(),
        ),
        "opportunity_contact_roles": (["opportunity_id", "contact_id", "created_at"], roles()),
        "leads": (
            [
                "id",
                "last_name",
                "title",
                "lead_source",
                "created_at",
                "owner_id",
                "matched_account_id",
                "converted_contact_id",
            ],
            iter(lead_rows),
        ),
        "activities": (["id", "who_id", "type", "occurred_at", "owner_id"], activities()),
        "signals": (["signal_id", "type", "contact_id", "detected_at", "status", "new_title"], signals()),
    }


def _chunks(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    buf: list[tuple[Any, ...]] = []
    for r in rows:
        buf.append(r)
        if len(buf) >= CHUNK:
            yield buf
            buf = []
    if buf:
        yield buf


def _sqlite_value(v: Any) -> Any:
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S.%f")
    return v.isoformat() if hasattr(v, "isoformat") else v


def load_sqlite(path: Path, data: dict[str, tuple[list[str], Iterator[tuple[Any, ...]]]]) -> dict[str, int]:
    """Bulk insert with sqlite3 executemany; returns row counts."""
    Store.open(f"sqlite:///{path}").dispose()
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous=OFF")
    counts = {}
    for table, (cols, rows) in data.items():
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        n = 0
        for chunk in _chunks(rows):
            con.executemany(sql, [tuple(_sqlite_value(v) for v in r) for r in chunk])
            n += len(chunk)
        con.commit()
        counts[table] = n
    con.execute("ANALYZE")
    con.commit()
    con.close()
    return counts


def load_postgres(data: dict[str, tuple[list[str], Iterator[tuple[Any, ...]]]]) -> dict[str, int]:
    """Bulk load with COPY into a fresh schema; returns row counts."""
    eng = create_engine(PG_URL)
    with eng.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{PG_SCHEMA}" CASCADE'))
    eng.dispose()
    Store.open(PG_URL, schema=PG_SCHEMA).dispose()
    import psycopg

    counts = {}
    with psycopg.connect(
        "postgresql://postgres@127.0.0.1:5432/test", options=f"-csearch_path={PG_SCHEMA}"
    ) as pg:
        for table, (cols, rows) in data.items():
            n = 0
            with pg.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:
                for r in rows:
                    cp.write_row(r)
                    n += 1
            counts[table] = n
        pg.commit()
        pg.execute("ANALYZE")
        pg.commit()
    return counts


def _time_scorecard(store: Store) -> tuple[float, float, dict[str, Any]]:
    with store.connect() as conn:
        t0 = time.perf_counter()
        conn.execute(text("SELECT count(*), min(occurred_at) FROM activities")).one()
        baseline = time.perf_counter() - t0
    cfg = parse_config(
        {
            "icp": {"industries": ["Software"], "countries": ["US"]},
            "scorecard": {"program_yearly_cost": 120000},
        }
    )
    t0 = time.perf_counter()
    payload = compute_scorecard(store, cfg, MONTH)
    return time.perf_counter() - t0, baseline, payload


def run(backend: str, scale: float) -> dict[str, Any]:
    """Generate, load and time one backend."""
    data = generate(scale)
    t0 = time.perf_counter()
    if backend == "sqlite":
        tmp = Path(tempfile.mkdtemp()) / "bench.db"
        counts = load_sqlite(tmp, data)
        store = Store.open(f"sqlite:///{tmp}")
    else:
        counts = load_postgres(data)
        store = Store.open(PG_URL, schema=PG_SCHEMA)
    load_s = time.perf_counter() - t0
    seconds, baseline, payload = _time_scorecard(store)
    store.dispose()
    grades = {c["key"]: (c["grade"], c["value"]) for c in payload["categories"]}
    print(
        f"{backend}: load {load_s:.1f}s, scorecard {seconds:.2f}s, baseline scan {baseline:.3f}s "
        f"(ratio {seconds / baseline:.1f}x)"
    )
    return {
        "backend": backend,
        "scale": scale,
        "rows": counts,
        "load_seconds": round(load_s, 2),
        "scorecard_seconds": round(seconds, 3),
        "baseline_scan_seconds": round(baseline, 3),
        "ratio_to_baseline": round(seconds / baseline, 2),
        "month": MONTH,
        "grades": grades,
    }


def main() -> None:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--scale", type=float, default=1.0, help="1.0 = 1M contacts / 200k opps / 2M activities")
    args = ap.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = [run(b, args.scale) for b in backends]
    OUT.mkdir(exist_ok=True)
    (OUT / "bench_scorecard.json").write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
