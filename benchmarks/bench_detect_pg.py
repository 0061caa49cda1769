"""The PostgreSQL half of benchmarks/bench_detect.py: the same data set in a PostgreSQL store, `detect` on it.

``load``: copies the SQLite workspace that bench_detect_data.py built (``<dir>/jobshift.db``) into a fresh
PostgreSQL database (dropped and created; migrated by ``Store.open``) with ``COPY ... FROM STDIN``,
table by table, so both backends hold the very same rows; then ``ANALYZE``. A workspace directory
(``<dir>-pg``, only its config) points at it through ``JOBSHIFT_DATABASE_URL``.

``measure_e2e``: `jobshift detect` end to end from that store (the signals table emptied first): wall time,
peak RSS (PostgreSQL reads go through ``COPY ... TO STDOUT`` in this process: there is no reader process),
and the signals' count and hash, computed the same way for SQLite by bench_detect.py.
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_d1m"
_SKIP = ("alembic_version", "sqlite_", "leads_fts")


def libpq_url(url: str) -> str:
    """The SQLAlchemy URL ``postgresql+psycopg://...`` as a libpq one."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def pg_workspace(ws_dir: Path) -> Path:
    """The PostgreSQL workspace beside the SQLite one (only its config lives there)."""
    return Path(f"{ws_dir}-pg")


def _recreate_database(url: str) -> None:
    import psycopg

    base, name = libpq_url(url).rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')


def _tables_with_rows(src: sqlite3.Connection) -> list[str]:
    names = [r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return [
        n
        for n in names
        if not n.startswith(_SKIP) and src.execute(f'SELECT 1 FROM "{n}" LIMIT 1').fetchone() is not None
    ]


def load(sqlite_db: Path, url: str, ws_dir: Path) -> dict[str, Any]:
    """Copy every non-empty table of ``sqlite_db`` into a fresh, migrated PostgreSQL database at ``url``."""
    import psycopg

    from jobshift.store import Store

    t0 = time.perf_counter()
    _recreate_database(url)
    Store.open(url).dispose()  # the schema, by the migrations
    src = sqlite3.connect(f"file:{sqlite_db}?mode=ro", uri=True)
    rows: dict[str, int] = {}
    with psycopg.connect(libpq_url(url)) as pg:
        for table in _tables_with_rows(src):
            cols = [r[1] for r in src.execute(f'PRAGMA table_info("{table}")')]
            col_list = ", ".join(cols)
            cur = src.execute(f'SELECT {col_list} FROM "{table}"')
            n = 0
            with pg.cursor() as pcur, pcur.copy(f"COPY {table} ({col_list}) FROM STDIN") as cp:
                while chunk := cur.fetchmany(20_000):
                    for row in chunk:  # psycopg's C row writer (text format: SQLite's 0/1 are booleans)
                        cp.write_row(row)
                    n += len(chunk)
            rows[table] = n
        pg.commit()
        pg.autocommit = True
        pg.execute("VACUUM ANALYZE")  # statistics, and the visibility map for index-only scans
    src.close()
    os.environ["JOBSHIFT_DATABASE_URL"] = url
    pg_ws = pg_workspace(ws_dir)
    pg_ws.mkdir(parents=True, exist_ok=True)
    # the same configuration as the SQLite workspace (its database URL comes from the environment)
    shutil.copyfile(ws_dir / "jobshift.toml", pg_ws / "jobshift.toml")
    return {"pg_rows": rows, "pg_load_s": round(time.perf_counter() - t0, 1)}


def signals_digest(rows: list[tuple[Any, ...]]) -> str:
    """sha256 over stored signals' rows of :data:`DIGEST_SQL` sorted by signal_id (floats to 6 places,
    booleans as 0/1, NULL apart): the same on both backends when they stored the same signals."""

    def norm(v: Any) -> str | None:
        if v is None:
            return None
        if isinstance(v, bool):
            return str(int(v))
        return f"{v:.6f}" if isinstance(v, float) else str(v)

    h = hashlib.sha256()
    for row in sorted(rows, key=lambda r: str(r[0])):
        h.update(repr(tuple(norm(v) for v in row)).encode())
    return h.hexdigest()


DIGEST_SQL = (
    "SELECT signal_id, type, status, contact_id, person_key, matched_account_id, new_company, new_title, "
    "past_account_id, is_customer_company, is_target_company, job_started_date, observed_at, match_rule, "
    "confidence FROM signals"
)


def stored_signals_digest(conn: Any) -> dict[str, Any]:
    """Count and :func:`signals_digest` of the signals table through a SQLAlchemy connection."""
    from sqlalchemy import text

    rows = [tuple(r) for r in conn.execute(text(DIGEST_SQL))]
    return {"signals": len(rows), "signals_sha256": signals_digest(rows)[:16]}


def cpu_s() -> float:
    """CPU seconds (user + system) of this process so far."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def backends_cpu_s(conn: Any) -> float | None:
    """CPU seconds of the PostgreSQL backends connected to this database (read from /proc: the server
    runs on this machine), or None when they cannot be read."""
    from sqlalchemy import text

    pids = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"))
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for (pid,) in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return round(total, 2)


def loaded_rows(url: str) -> int | None:
    """Observations in the PostgreSQL benchmark database, or None when it is missing or empty."""
    import psycopg

    try:
        with psycopg.connect(libpq_url(url)) as pg:
            row = pg.execute("SELECT count(*) FROM people_observations").fetchone()
    except psycopg.Error:
        return None
    return int(row[0]) if row and row[0] else None


def measure_e2e(ws_dir: Path, url: str) -> dict[str, Any]:
    """`detect` end to end from the PostgreSQL store (its signals table emptied first)."""
    import psycopg

    from jobshift.services.detect.detecting import detect
    from jobshift.services.workspace import Workspace

    with psycopg.connect(libpq_url(url), autocommit=True) as pg:
        pg.execute("TRUNCATE signals")
    os.environ["JOBSHIFT_DATABASE_URL"] = url
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ws = Workspace.open(pg_workspace(ws_dir))
    t0, cpu0 = time.perf_counter(), cpu_s()
    summary = detect(ws)
    e2e, e2e_cpu = time.perf_counter() - t0, cpu_s() - cpu0
    peak = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    children = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    with ws.store.connect() as conn:
        server_cpu = backends_cpu_s(conn)
        digest = stored_signals_digest(conn)
    ws.close()
    return {
        "pg_e2e_s": round(e2e, 2),
        "pg_e2e_peak_rss_mb": peak,
        "pg_e2e_reader_process_peak_rss_mb": children,  # 0: no reader process on PostgreSQL
        "pg_e2e_peak_rss_both_processes_mb": round(peak + children, 1),
        "pg_rss_after_imports_mb": round(rss_before, 1),
        "pg_e2e_cpu_s": round(e2e_cpu, 2),
        # the CPU of this run's PostgreSQL backends (the pool's connections, opened by this process)
        "pg_server_backends_cpu_s": server_cpu,
        "pg_observations": summary.observations,
        "pg_tracked_contacts": summary.tracked_contacts,
        "pg_by_type": summary.by_type,
        "pg_ambiguous": summary.ambiguous,
        **{f"pg_{k}": v for k, v in digest.items()},
    }
