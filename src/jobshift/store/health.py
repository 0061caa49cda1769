"""What ``jobshift doctor`` reads from the database: tables and indexes against the metadata, runs
left ``running``, and SQLite's own integrity check."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Index, inspect, select

from jobshift.store.schema import metadata, runs

INTEGRITY_LINES = 20
"""At most this many lines of ``PRAGMA integrity_check`` output are reported."""


def missing_tables(conn: Connection) -> list[str]:
    """Tables of the metadata the database lacks."""
    present = set(inspect(conn).get_table_names())
    return [t.name for t in metadata.sorted_tables if t.name not in present]


def missing_indexes(conn: Connection) -> list[Index]:
    """Indexes declared in the metadata that the database lacks (on tables it has), by name."""
    insp = inspect(conn)
    present_tables = set(insp.get_table_names())
    out: list[Index] = []
    for table in metadata.sorted_tables:
        if table.name not in present_tables or not table.indexes:
            continue
        names = {str(ix["name"]) for ix in insp.get_indexes(table.name)}
        out.extend(
            sorted((ix for ix in table.indexes if str(ix.name) not in names), key=lambda i: str(i.name))
        )
    return out


def create_indexes(conn: Connection, indexes: list[Index]) -> None:
    """Create ``indexes`` (those :func:`missing_indexes` found), skipping any that exists by now."""
    for ix in indexes:
        ix.create(conn, checkfirst=True)


def integrity_problems(conn: Connection) -> list[str]:
    """SQLite's ``PRAGMA integrity_check`` findings (empty when it says ``ok``; always empty elsewhere)."""
    if conn.dialect.name != "sqlite":
        return []
    lines = [str(r[0]) for r in conn.exec_driver_sql(f"PRAGMA integrity_check({INTEGRITY_LINES})")]
    return [] if lines == ["ok"] else lines


def running_runs(conn: Connection) -> list[dict[str, Any]]:
    """Every run still marked ``running``, oldest first, with its recorded owner (``host:pid`` or None)."""
    q = (
        select(runs.c.id, runs.c.kind, runs.c.object, runs.c.started_at, runs.c.counts)
        .where(runs.c.status == "running")
        .order_by(runs.c.id)
    )
    out = []
    for row in conn.execute(q).mappings():
        counts = row["counts"] if isinstance(row["counts"], dict) else {}
        owner = counts.get("owner")
        out.append({**{k: row[k] for k in ("id", "kind", "object", "started_at")}, "owner": owner})
    return out
