"""Bulk writes and streaming reads of the CRM mirror tables.

Writes (see :mod:`jobshift.store.crm.bulk`) are keyed by primary key so that re-importing the same data
changes nothing: a row is updated only when some column IS DISTINCT from the stored value.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, exists, func, inspect, literal, select

from jobshift.store.crm.bulk import (
    BulkWriter,
    RowEncoding,
    UpsertCounts,
    encode_rows,
    primary_key,
    row_encoding,
    table_of,
    upsert_rows,
)
from jobshift.store.engine import hold_write_lock

PG_INDEX_BUILD_MEMORY = "256MB"
"""``maintenance_work_mem`` for rebuilding deferred indexes on PostgreSQL (this transaction only)."""
SQLITE_SORT_THREADS = 2
"""Helper threads SQLite may use to sort while it rebuilds deferred indexes."""

__all__ = [
    "BulkWriter",
    "RowEncoding",
    "UpsertCounts",
    "count_rows",
    "dangling_references",
    "deferred_indexes",
    "encode_rows",
    "ensure_indexes",
    "is_empty",
    "iter_rows",
    "primary_key",
    "row_encoding",
    "table_of",
    "upsert_rows",
]


@contextmanager
def deferred_indexes(conn: Connection, table_name: str) -> Iterator[None]:
    """Drop the secondary indexes of ``table_name`` for a bulk load and rebuild them afterwards.

    Building an index once over loaded rows is much faster than maintaining it row by row. Runs
    inside the caller's transaction: on error everything, index drops included, rolls back (on
    SQLite the transaction is begun explicitly first, see
    :func:`~jobshift.store.engine.hold_write_lock`; pysqlite would otherwise autocommit the drops).
    An index that is missing already is skipped and built afterwards like the others. The rebuild
    may sort with more memory (PostgreSQL) or helper threads (SQLite).
    """
    hold_write_lock(conn)
    table = table_of(table_name)
    indexes = sorted(table.indexes, key=lambda ix: str(ix.name))
    present = _index_names(conn, table_name)
    for ix in indexes:
        if ix.name in present:
            ix.drop(conn)
    yield
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SET LOCAL maintenance_work_mem = '{PG_INDEX_BUILD_MEMORY}'")
    else:
        conn.exec_driver_sql(f"PRAGMA threads = {SQLITE_SORT_THREADS}")
    for ix in indexes:
        ix.create(conn)
    if conn.dialect.name != "postgresql":
        conn.exec_driver_sql("PRAGMA threads = 0")


def _index_names(conn: Connection, table_name: str) -> set[str]:
    return {str(ix["name"]) for ix in inspect(conn).get_indexes(table_name)}


def ensure_indexes(conn: Connection, table_name: str) -> list[str]:
    """Create the secondary indexes of ``table_name`` that the database lacks; returns their names.

    A workspace damaged by an older jobshift (whose interrupted SQLite imports lost the indexes)
    heals on its next import; ``jobshift doctor --repair`` does the same for every table.
    """
    present = _index_names(conn, table_name)
    missing = sorted(
        (ix for ix in table_of(table_name).indexes if ix.name not in present), key=lambda ix: str(ix.name)
    )
    for ix in missing:
        ix.create(conn)
    return [str(ix.name) for ix in missing]


def is_empty(conn: Connection, table_name: str) -> bool:
    """Whether ``table_name`` holds no row."""
    return conn.execute(select(literal(1)).select_from(table_of(table_name)).limit(1)).first() is None


def iter_rows(conn: Connection, table_name: str, *, batch_size: int = 2000) -> Iterator[dict[str, Any]]:
    """Every row of ``table_name`` ordered by primary key, streamed (constant memory)."""
    table = table_of(table_name)
    order = [table.c[c] for c in primary_key(table)]
    result = conn.execution_options(stream_results=True, yield_per=batch_size).execute(
        select(table).order_by(*order)
    )
    for row in result.mappings():
        yield dict(row)


def count_rows(conn: Connection, table_name: str) -> int:
    """How many rows ``table_name`` holds."""
    return int(conn.execute(select(func.count()).select_from(table_of(table_name))).scalar_one())


def dangling_references(
    conn: Connection, table_name: str, column: str, targets: Sequence[str], *, examples: int = 3
) -> tuple[int, list[dict[str, Any]]]:
    """Rows of ``table_name`` whose ``column`` names no ``id`` in any of ``targets``: count and examples."""
    table = table_of(table_name)
    col = table.c[column]
    conds: list[ColumnElement[bool]] = [col.is_not(None)]
    for t in targets:
        target = table_of(t).alias(f"ref_{t}")
        conds.append(~exists().where(target.c.id == col))
    where = and_(*conds)
    n = int(conn.execute(select(func.count()).select_from(table).where(where)).scalar_one())
    if not n:
        return 0, []
    key = [table.c[c] for c in primary_key(table)]
    q = select(*key, col).where(where).order_by(*key).limit(examples)
    return n, [dict(r) for r in conn.execute(q).mappings()]
