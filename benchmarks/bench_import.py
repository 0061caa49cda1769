"""Benchmark: ``jobshift import contacts`` against plain stdlib baselines, on SQLite and PostgreSQL.

Generates a deterministic contacts.csv (``--rows``, default 1,000,000), then measures
(a) SQLite baseline: stdlib ``csv`` + ``sqlite3.executemany`` into an equivalent table (same columns,
    PK on id, one transaction), vs ``jobshift import contacts`` into a fresh SQLite workspace;
(b) PostgreSQL baseline: psycopg ``COPY … FROM STDIN (FORMAT csv)`` of the raw file into an equivalent
    table, vs ``jobshift import contacts`` with ``JOBSHIFT_DATABASE_URL`` pointing at a fresh schema.
Each baseline is measured twice: PK only, and with the same secondary indexes as jobshift's
contacts table (read from the schema; on the raw email / LinkedIn columns, since the baseline has no
normalized ones), created
after the load in the same transaction, the fastest way to get them. Ratios are given against both.
jobshift runs as a subprocess; its peak RSS is polled with psutil. Writes benchmarks/out/import.json.

    .venv/bin/python benchmarks/bench_import.py --rows 1000000
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
JOBSHIFT = ROOT / ".venv" / "bin" / "jobshift"
PG_URL = os.environ.get("JOBSHIFT_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
COLUMNS = [
    "id", "account_id", "first_name", "last_name", "email", "title", "linkedin_url", "phone", "country",
    "state", "owner_id", "email_opt_out", "no_longer_at_company", "status", "created_at",
]  # fmt: skip
FIRST = ["Jane", "John", "Maria", "Wei", "Aisha", "Lars", "Priya", "Carlos", "Yuki", "Olga", "Tom", "Ana"]
LAST = ["Doe", "Smith", "Garcia", "Chen", "Khan", "Berg", "Patel", "Silva", "Tanaka", "Ivanova", "Lee"]
TITLES = ["VP Engineering", "CTO", "Director of IT", "Head of Data", "Security Engineer", "CFO", "Analyst"]
COUNTRIES = [
    ("United States", "CA"),
    ("United States", "NY"),
    ("Germany", ""),
    ("France", ""),
    ("India", "KA"),
]


def generate(path: Path, rows: int, seed: int = 42) -> None:
    """Write a deterministic contacts.csv with ``rows`` rows."""
    rnd = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(COLUMNS)
        for i in range(rows):
            first, last = rnd.choice(FIRST), rnd.choice(LAST)
            country, state = rnd.choice(COUNTRIES)
            acct = rnd.randrange(rows // 10 + 1)
            w.writerow(
                [
                    f"c-{i:07d}",
                    f"a-{acct:06d}",
                    first,
                    last,
                    f"{first}.{last}{i}@company{acct}.com",
                    rnd.choice(TITLES),
                    f"https://www.linkedin.com/in/{first.lower()}-{last.lower()}-{i}/",
                    f"+1 555 {rnd.randrange(10**7):07d}",
                    country,
                    state,
                    f"u-{rnd.randrange(200):04d}",
                    rnd.choice(("true", "false", "")),
                    rnd.choice(("false", "false", "true", "")),
                    rnd.choice(("Active", "Active", "Nurture", "")),
                    f"20{rnd.randrange(15, 26)}-{rnd.randrange(1, 13):02d}-{rnd.randrange(1, 29):02d}"
                    f"T{rnd.randrange(24):02d}:{rnd.randrange(60):02d}:00.000+0000",
                ]
            )


def _indexed_columns() -> tuple[str, ...]:
    """The raw columns behind jobshift's own secondary indexes on ``contacts`` (read from the schema),
    so the "same indexes" baseline stays equivalent when the schema gains or loses an index."""
    from jobshift.store.schema import contacts

    raw = {"email_norm": "email", "linkedin_norm": "linkedin_url"}
    return tuple(sorted({raw.get(c.name, c.name) for ix in contacts.indexes for c in ix.columns}))


INDEXED = _indexed_columns()
LAST_CPU: dict[str, float] = {}
"""CPU seconds of the last baseline / jobshift run (client side: the PostgreSQL server's is not counted)."""


def sqlite_baseline(csv_path: Path, db_path: Path, indexes: bool = False) -> float:
    """Seconds for stdlib csv + sqlite3 executemany into an equivalent table (+ the same indexes)."""
    t0, cpu0 = time.perf_counter(), cpu_self()
    con = sqlite3.connect(db_path)
    cols = ", ".join(f"{c} TEXT" if c != "id" else "id TEXT PRIMARY KEY" for c in COLUMNS)
    con.execute(f"CREATE TABLE contacts ({cols})")
    sql = f"INSERT INTO contacts VALUES ({', '.join('?' for _ in COLUMNS)})"
    with open(csv_path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        batch: list[list[str]] = []
        for row in reader:
            batch.append(row)
            if len(batch) >= 20_000:
                con.executemany(sql, batch)
                batch = []
        con.executemany(sql, batch)
    if indexes:
        for c in INDEXED:
            con.execute(f"CREATE INDEX ix_{c} ON contacts ({c})")
    con.commit()
    con.close()
    LAST_CPU["baseline"] = cpu_self() - cpu0
    return time.perf_counter() - t0


def pg_baseline(csv_path: Path, schema: str, indexes: bool = False) -> float:
    """Seconds for psycopg COPY of the raw CSV into an equivalent table (+ the same indexes)."""
    import psycopg

    dsn = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    t0, cpu0 = time.perf_counter(), cpu_self()
    with psycopg.connect(dsn) as con, con.cursor() as cur:
        cur.execute(f'CREATE SCHEMA "{schema}"')
        cols = ", ".join(f"{c} text" if c != "id" else "id varchar(64) PRIMARY KEY" for c in COLUMNS)
        cur.execute(f'CREATE TABLE "{schema}".contacts ({cols})')
        with (
            cur.copy(f'COPY "{schema}".contacts FROM STDIN (FORMAT csv, HEADER true)') as copy,
            open(csv_path, "rb") as fh,
        ):
            while chunk := fh.read(1 << 20):
                copy.write(chunk)
        if indexes:
            for c in INDEXED:
                cur.execute(f'CREATE INDEX ON "{schema}".contacts ({c})')
        con.commit()
    LAST_CPU["baseline"] = cpu_self() - cpu0
    return time.perf_counter() - t0


def drop_schema(schema: str) -> None:
    """Remove a benchmark schema."""
    import psycopg

    with psycopg.connect(PG_URL.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as con:
        con.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def cpu_self() -> float:
    """CPU seconds (user + system) used by this process so far."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def cpu_children() -> float:
    """CPU seconds used by waited-for child processes (and theirs) so far."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_jobshift(args: list[str], env: dict[str, str]) -> tuple[float, int, dict[str, object]]:
    """Run the jobshift CLI; returns (seconds, peak RSS bytes of it and its children, --json output)."""
    t0 = time.perf_counter()
    cpu0 = cpu_children()
    proc = subprocess.Popen(
        [str(JOBSHIFT), *args, "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    ps = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        with contextlib.suppress(psutil.Error):
            rss = ps.memory_info().rss
            for child in ps.children(recursive=True):  # the reader process of a parallel import
                with contextlib.suppress(psutil.Error):
                    rss += child.memory_info().rss
            peak = max(peak, rss)
        time.sleep(0.05)
    out, err = proc.communicate()
    seconds = time.perf_counter() - t0
    LAST_CPU["jobshift"] = cpu_children() - cpu0
    if proc.returncode != 0:
        raise SystemExit(f"jobshift failed ({proc.returncode}): {err.decode()[-2000:]}")
    return seconds, peak, json.loads(out)[0]


def main() -> None:
    """Generate the data, run the four measurements, write the JSON report."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL measurements")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "import.json")
    a = ap.parse_args()

    result: dict[str, object] = {"rows": a.rows, "seed": a.seed, "cpu_count": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="bench_import_") as tmp:
        tmpd = Path(tmp)
        csv_path = tmpd / "contacts.csv"
        t0 = time.perf_counter()
        generate(csv_path, a.rows, a.seed)
        result["generate_seconds"] = round(time.perf_counter() - t0, 2)
        result["file_mb"] = round(csv_path.stat().st_size / 1e6, 1)
        print(f"generated {a.rows:,} rows ({result['file_mb']} MB)", file=sys.stderr)

        base = sqlite_baseline(csv_path, tmpd / "baseline.db")
        base_cpu = LAST_CPU["baseline"]
        base_ix = sqlite_baseline(csv_path, tmpd / "baseline_ix.db", indexes=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("JOBSHIFT_")}
        ws = tmpd / "ws"
        ws.mkdir()
        secs, peak, summary = run_jobshift(["-w", str(ws), "import", "contacts", str(csv_path)], env)
        result["sqlite"] = {**_entry(a.rows, base, base_ix, secs, peak, summary), **cpu_seconds(base_cpu)}
        print(f"sqlite: {result['sqlite']}", file=sys.stderr)

        if not a.no_postgres:
            s_base, s_js = f"bench_b_{uuid.uuid4().hex[:8]}", f"bench_j_{uuid.uuid4().hex[:8]}"
            s_ix = f"bench_i_{uuid.uuid4().hex[:8]}"
            try:
                base = pg_baseline(csv_path, s_base)
                base_cpu = LAST_CPU["baseline"]
                base_ix = pg_baseline(csv_path, s_ix, indexes=True)
                import psycopg

                with psycopg.connect(PG_URL.replace("postgresql+psycopg://", "postgresql://")) as con:
                    con.execute(f'CREATE SCHEMA "{s_js}"')
                env_pg = {**env, "JOBSHIFT_DATABASE_URL": f"{PG_URL}?options=-csearch_path%3D{s_js}"}
                ws_pg = tmpd / "ws_pg"
                ws_pg.mkdir()
                secs, peak, summary = run_jobshift(
                    ["-w", str(ws_pg), "import", "contacts", str(csv_path)], env_pg
                )
                result["postgresql"] = {
                    **_entry(a.rows, base, base_ix, secs, peak, summary),
                    **cpu_seconds(base_cpu),
                }
                print(f"postgresql: {result['postgresql']}", file=sys.stderr)
            finally:
                drop_schema(s_base)
                drop_schema(s_ix)
                drop_schema(s_js)

    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


def cpu_seconds(base_cpu: float) -> dict[str, float]:
    """Client-side CPU seconds of the PK-only baseline and of the last jobshift run."""
    return {"baseline_cpu_s": round(base_cpu, 2), "jobshift_cpu_s": round(LAST_CPU["jobshift"], 2)}


def _entry(
    rows: int, base: float, base_ix: float, secs: float, peak: int, summary: dict[str, object]
) -> dict[str, object]:
    rate = rows / secs
    return {
        "baseline_seconds": round(base, 2),
        "baseline_rows_per_s": round(rows / base),
        "baseline_same_indexes_seconds": round(base_ix, 2),
        "baseline_same_indexes_rows_per_s": round(rows / base_ix),
        "jobshift_seconds": round(secs, 2),
        "jobshift_rows_per_s": round(rate),
        "ratio": round(base / secs, 3),
        "ratio_same_indexes": round(base_ix / secs, 3),
        "ratio_bar": 0.5,
        "peak_rss_mb": round(peak / 2**20, 1),
        "rss_bar_mb": 1024,
        "inserted": summary.get("inserted"),
        "quarantined": summary.get("quarantined"),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


if __name__ == "__main__":
    main()
