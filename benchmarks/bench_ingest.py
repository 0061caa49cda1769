"""Benchmark: ``jobshift ingest people`` against a plain read + parse + insert baseline.

Generates a deterministic PDL-style JSONL feed (``--profiles``, default 1,000,000; ~1 KB a line, 2–3
experience entries, realistic repetition of companies), then measures
(a) baseline: read lines + ``orjson.loads`` + ``sqlite3.executemany`` of (id, observed_at, raw line) into
    an equivalent table (primary key, same pragmas, 20,000-row transactions), in-process; and a second
    baseline with the same parse into a table with jobshift's own DDL (every column, raw values, lists as
    JSON text, no normalization) to show what the width of the table alone costs;
(b) ``jobshift ingest people FILE --json`` (default: parser workers chosen by file size and CPUs; the
    small feed is also run with ``--workers 0``) into a fresh SQLite workspace, as a subprocess whose peak RSS
    is polled with psutil (main process, and main + parser worker processes, whose forked pages are
    partly shared so the sum over-counts); wall time includes interpreter start-up;
and the same for a smaller feed (``--small``, default 250,000) to show the peak RSS does not grow with
the file size, plus PostgreSQL throughput on the small feed (``JOBSHIFT_DATABASE_URL`` → a fresh schema).
Writes benchmarks/out/ingest.json.

    .venv/bin/python benchmarks/bench_ingest.py --profiles 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import orjson
import psutil

ROOT = Path(__file__).resolve().parents[1]
JOBSHIFT = ROOT / ".venv" / "bin" / "jobshift"
PG_URL = os.environ.get("JOBSHIFT_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
FIRST = [
    "Jane",
    "John",
    "Maria",
    "Wei",
    "Aisha",
    "Lars",
    "Priya",
    "Carlos",
    "Yuki",
    "Olga",
    "Tom",
    "Ana",
    "Omar",
]
LAST = [
    "Doe",
    "Smith",
    "Garcia",
    "Chen",
    "Khan",
    "Berg",
    "Patel",
    "Silva",
    "Tanaka",
    "Ivanova",
    "Lee",
    "Novak",
]
TITLES = [
    ("VP Engineering", ["vp"], "engineering"),
    ("Chief Technology Officer", ["cxo"], "engineering"),
    ("Director of IT", ["director"], "operations"),
    ("Head of Data", ["director"], "engineering"),
    ("Senior Security Engineer", ["senior"], "engineering"),
    ("Chief Financial Officer", ["cxo"], "finance"),
    ("Account Executive", ["entry"], "sales"),
    ("Marketing Manager", ["manager"], "marketing"),
]
PLACES = [("united states", "california"), ("united states", "new york"), ("germany", "berlin"),
          ("france", "ile-de-france"), ("india", "karnataka"), ("united kingdom", "england")]  # fmt: skip
SUFFIXES = ["Inc.", "GmbH", "Ltd", "LLC", "SA", "Corp"]
N_COMPANIES = 20_000


def _company(k: int, current: bool) -> dict[str, Any]:
    slug = f"company{k}"
    c: dict[str, Any] = {
        "name": f"Company {k} {SUFFIXES[k % len(SUFFIXES)]}",
        "website": f"www.{slug}.com" if k % 7 else f"https://{slug}.co.uk/",
    }
    if current or k % 2:
        c["linkedin_url"] = f"linkedin.com/company/{slug}"
    if current:
        country, region = PLACES[k % len(PLACES)]
        c["location"] = {"country": country, "region": region}
    return c


def _ym(rnd: random.Random, lo: int, hi: int) -> str:
    y = rnd.randrange(lo, hi)
    r = rnd.random()
    return (
        str(y)
        if r < 0.15
        else f"{y}-{rnd.randrange(1, 13):02d}"
        if r < 0.85
        else f"{y}-{rnd.randrange(1, 13):02d}-15"
    )


def profile(rnd: random.Random, i: int) -> dict[str, Any]:
    """One deterministic profile of the formats.md shape (plus a few fields ingest ignores)."""
    first, last = rnd.choice(FIRST), rnd.choice(LAST)
    n_exp = 2 + (i % 2)
    exp = []
    for j in range(n_exp):
        title, levels, role = rnd.choice(TITLES)
        start = _ym(rnd, 2010 + 4 * (n_exp - 1 - j), 2014 + 4 * (n_exp - 1 - j))
        exp.append(
            {
                "company": _company(rnd.randrange(N_COMPANIES), j == 0),
                "title": {"name": title, "levels": levels, "role": role},
                "start_date": start,
                "end_date": None if j == 0 else _ym(rnd, 2014 + 4 * (n_exp - j), 2015 + 4 * (n_exp - j)),
                "is_primary": j == 0,
            }
        )
    cur = exp[0]
    dom = cur["company"]["website"].split("//")[-1].removeprefix("www.").rstrip("/")
    country, region = rnd.choice(PLACES)
    p: dict[str, Any] = {
        "id": f"p-{i:08d}",
        "full_name": f"{first} {last}",
        "first_name": first.lower(),
        "last_name": last.lower(),
        "linkedin_url": f"linkedin.com/in/{first.lower()}-{last.lower()}-{i:x}",
        "work_email": f"{first.lower()}.{last.lower()}{i}@{dom}" if i % 3 else None,
        "personal_emails": [f"{first.lower()}{i}@gmail.com"] if i % 2 else [],
        "emails": [{"address": f"{first[0].lower()}{last.lower()}{i}@{dom}", "type": "professional"}],
        "job_title": cur["title"]["name"],
        "job_title_levels": cur["title"]["levels"],
        "job_title_role": cur["title"]["role"],
        "job_company_name": cur["company"]["name"],
        "job_company_website": cur["company"]["website"],
        "job_company_linkedin_url": cur["company"]["linkedin_url"],
        "job_start_date": cur["start_date"],
        "location_country": country,
        "location_region": region,
        "skills": ["saas", "python"][: 1 + i % 2],
        "experience": exp,
        "observed_at": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}",
    }
    return p


def generate(path: Path, n: int, seed: int = 42) -> None:
    """Write ``n`` deterministic profiles as JSON Lines."""
    rnd = random.Random(seed)
    with open(path, "wb") as fh:
        buf = []
        for i in range(n):
            buf.append(orjson.dumps(profile(rnd, i)))
            if len(buf) == 10_000:
                fh.write(b"\n".join(buf) + b"\n")
                buf.clear()
        if buf:
            fh.write(b"\n".join(buf) + b"\n")


def baseline(path: Path, db: Path) -> dict[str, Any]:
    """Read + orjson.loads + sqlite3.executemany of (id, observed_at, raw) in 20,000-row transactions."""
    t0 = time.perf_counter()
    con = sqlite3.connect(db)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "cache_size=-65536", "temp_store=MEMORY"):
        con.execute(f"PRAGMA {pragma}")
    con.execute(
        "CREATE TABLE obs (id TEXT NOT NULL, observed_at TEXT, raw TEXT, PRIMARY KEY (id, observed_at))"
    )
    sql = "INSERT INTO obs VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
    n = 0
    rows: list[tuple[Any, ...]] = []
    with open(path, "rb") as fh:
        for line in fh:
            d = orjson.loads(line)
            rows.append((d.get("id"), d.get("observed_at"), line.decode()))
            if len(rows) == 20_000:
                with con:
                    con.executemany(sql, rows)
                n += len(rows)
                rows.clear()
    with con:
        con.executemany(sql, rows)
    n += len(rows)
    con.close()
    s = time.perf_counter() - t0
    return {"lines": n, "seconds": round(s, 2), "lines_per_s": round(n / s)}


def baseline_same_columns(path: Path, db: Path) -> dict[str, Any]:
    """Like :func:`baseline`, into a table with jobshift's own DDL (every column, same primary key).

    Each parsed line's values go into the columns as they are (no normalization): the raw fields where
    a column has their name, lists as JSON text. It separates what the wider table costs from what
    jobshift's conversion costs.
    """
    from sqlalchemy.dialects import sqlite
    from sqlalchemy.schema import CreateTable

    from jobshift.store.schema import people_observations

    t0 = time.perf_counter()
    con = sqlite3.connect(db)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "cache_size=-65536", "temp_store=MEMORY"):
        con.execute(f"PRAGMA {pragma}")
    con.execute(str(CreateTable(people_observations).compile(dialect=sqlite.dialect())))
    cols = len(people_observations.c)
    sql = f"INSERT INTO people_observations VALUES ({', '.join('?' * cols)}) ON CONFLICT DO NOTHING"
    src, stamp, dumps = str(path), "2026-01-01 00:00:00.000000", orjson.dumps
    n = 0
    rows: list[tuple[Any, ...]] = []
    with open(path, "rb") as fh:
        for n, line in enumerate(fh, 1):
            d = orjson.loads(line)
            g = d.get
            pid, li, em, site, cli = (
                g("id"),
                g("linkedin_url"),
                g("work_email"),
                g("job_company_website"),
                g("job_company_linkedin_url"),
            )
            rows.append(
                (
                    *(pid, f"pdl:{pid}", pid, g("observed_at"), g("full_name"), g("first_name")),
                    *(g("last_name"), li, li, em, em, dumps(g("personal_emails")).decode()),
                    *(dumps(g("emails")).decode(), g("job_title"), dumps(g("job_title_levels")).decode()),
                    *(g("job_title_role"), g("job_company_name"), site, site, cli, cli),
                    *(g("job_company_location_country"), g("job_company_location_region")),
                    *(g("job_start_date"), "job_fields", g("location_country"), g("location_region")),
                    *(dumps(g("experience")).decode(), src, n, stamp),
                )
            )
            if len(rows) == 20_000:
                with con:
                    con.executemany(sql, rows)
                rows.clear()
    with con:
        con.executemany(sql, rows)
    con.close()
    s = time.perf_counter() - t0
    return {"lines": n, "seconds": round(s, 2), "lines_per_s": round(n / s)}


def run_jobshift(path: Path, ws: Path, env: dict[str, str], workers: int | None = None) -> dict[str, Any]:
    """``jobshift init`` (untimed), then ``jobshift ingest people`` timed, with peak RSS."""
    subprocess.run([str(JOBSHIFT), "-w", str(ws), "init"], check=True, env=env, capture_output=True)
    extra = [] if workers is None else ["--workers", str(workers)]
    t0 = time.perf_counter()
    proc = psutil.Popen(
        [str(JOBSHIFT), "-w", str(ws), "ingest", "people", str(path), "--json", *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    peak = peak_total = 0
    while proc.poll() is None:
        with _quiet():
            rss = proc.memory_info().rss
            kids = sum(c.memory_info().rss for c in proc.children(recursive=True))
            peak, peak_total = max(peak, rss), max(peak_total, rss + kids)
        time.sleep(0.05)
    out, err = proc.communicate()
    s = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"jobshift failed ({proc.returncode}): {err.decode()[-2000:]}")
    rep = json.loads(out)
    rep.pop("quarantined_lines", None)
    return {**rep, "wall_seconds": round(s, 2), "lines_per_s": round(rep["lines_read"] / s),
            "peak_rss_mb": round(peak / 2**20, 1),
            "peak_rss_with_workers_mb": round(peak_total / 2**20, 1)}  # fmt: skip


class _quiet:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return exc[0] is not None and issubclass(exc[0], psutil.Error)  # type: ignore[arg-type]


def run_postgres(path: Path, ws: Path) -> dict[str, Any]:
    """The same ingest into a fresh PostgreSQL schema (dropped afterwards)."""
    from sqlalchemy import create_engine, text

    schema = f"bench_ingest_{uuid.uuid4().hex[:8]}"
    eng = create_engine(PG_URL)
    with eng.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    env = {**os.environ, "JOBSHIFT_DATABASE_URL": f"{PG_URL}?options=-csearch_path%3D{schema}"}
    try:
        return run_jobshift(path, ws, env)
    finally:
        with eng.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        eng.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--profiles", type=int, default=1_000_000)
    ap.add_argument("--small", type=int, default=250_000, help="second feed size, for the RSS comparison")
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "ingest.json")
    args = ap.parse_args()
    env = {k: v for k, v in os.environ.items() if k not in ("JOBSHIFT_DATABASE_URL", "JOBSHIFT_WORKSPACE")}
    result: dict[str, Any] = {"profiles": args.profiles, "small": args.small}
    tmp = Path(tempfile.mkdtemp(prefix="bench_ingest_"))
    try:
        for label, n in (("small", args.small), ("large", args.profiles)):
            feed = tmp / f"people_{n}.jsonl"
            t0 = time.perf_counter()
            generate(feed, n)
            gen = {
                "generate_s": round(time.perf_counter() - t0, 1),
                "bytes_per_line": round(feed.stat().st_size / n),
            }
            base = baseline(feed, tmp / f"baseline_{n}.db")
            wide = baseline_same_columns(feed, tmp / f"baseline_wide_{n}.db")
            js = run_jobshift(feed, tmp / f"ws_{n}", env)
            assert js["inserted"] == n and js["quarantined"] == 0, js
            ratio = round(js["lines_per_s"] / base["lines_per_s"], 3)
            ratio_wide = round(js["lines_per_s"] / wide["lines_per_s"], 3)
            result[label] = {
                "n": n,
                **gen,
                "baseline": base,
                "baseline_same_columns": wide,
                "jobshift_sqlite": js,
                "ratio": ratio,
                "ratio_vs_same_columns": ratio_wide,
            }
            print(
                f"{label} n={n:,}: baseline {base['lines_per_s']:,}/s"
                f" (same columns: {wide['lines_per_s']:,}/s), jobshift {js['lines_per_s']:,}/s"
                f" (workers {js.get('workers')}), ratio {ratio} (vs same columns {ratio_wide}),"
                f" peak RSS {js['peak_rss_mb']} MB",
                flush=True,
            )
            if label == "small":
                one = run_jobshift(feed, tmp / f"ws1_{n}", env, workers=0)
                result[label]["jobshift_sqlite_in_process"] = one
                result[label]["ratio_in_process"] = round(one["lines_per_s"] / base["lines_per_s"], 3)
                print(f"  in-process (--workers 0): {one['lines_per_s']:,}/s", flush=True)
            if label == "small" and not args.no_postgres:
                pg = run_postgres(feed, tmp / f"ws_pg_{n}")
                result["postgresql"] = {"n": n, **pg}
                print(
                    f"postgresql n={n:,}: {pg['lines_per_s']:,}/s, peak RSS {pg['peak_rss_mb']} MB",
                    flush=True,
                )
            for f in tmp.glob(f"*_{n}*"):
                shutil.rmtree(f) if f.is_dir() else f.unlink()
        large, small = result["large"], result["small"]
        result["bars"] = {
            "ratio_ge_0_5": large["ratio"] >= 0.5,
            "peak_rss_le_1gb": large["jobshift_sqlite"]["peak_rss_with_workers_mb"] <= 1024,
            "rss_growth_large_vs_small_mb": round(
                large["jobshift_sqlite"]["peak_rss_with_workers_mb"]
                - small["jobshift_sqlite"]["peak_rss_with_workers_mb"],
                1,
            ),
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result["bars"]))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
