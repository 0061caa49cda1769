"""Bulk writes and streaming reads of the CRM mirror tables.

Writes (see :mod:`jobshift.store.crm_bulk`) are keyed by primary key so that re-importing the same data
changes nothing: a row is updated only when some column IS DISTINCT from the stored value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy import (
    JSON,
    ColumnElement,
    Connection,
    Date,
    DateTime,
    Dialect,
    Table,
    and_,
    exists,
    func,
    literal,
    select,
)
from sqlalchemy.types import TypeEngine

from jobshift.store.schema import metadata


@dataclass
class UpsertCounts:
    """What one upsert did."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: UpsertCounts) -> None:
        """Accumulate ``other`` into these counts."""
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_of(name: str) -> Table:
    """The store table called ``name``."""
    return metadata.tables[name]


def primary_key(table: Table) -> list[str]:
    """Primary-key column names of ``table``."""
    return [c.name for c in table.primary_key.columns]


def upsert_rows(
    conn: Connection, table_name: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> UpsertCounts:
    """Insert or update ``rows`` (tuples in ``columns`` order, keys unique) into ``table_name``.

    Columns not listed keep their stored values. Returns inserted / updated / unchanged counts.
    """
    if not rows:
        return UpsertCounts()
    writer = BulkWriter(conn, table_name, columns, empty=False)
    try:
        return writer.write(encode_rows(writer.encoding, rows), len(rows))
    finally:
        writer.finish()


def _set_clause(table: Table, key: list[str], columns: list[str], distinct: str, cast: str) -> str:
    values = [c for c in columns if c not in key]
    if not values:
        return "DO NOTHING"
    sets = ", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in values)
    tq = _q(table.name)
    conds = " OR ".join(
        f"{tq}.{_q(c)}{cast if isinstance(table.c[c].type, JSON) else ''} {distinct} "
        f"excluded.{_q(c)}{cast if isinstance(table.c[c].type, JSON) else ''}"
        for c in values
    )
    return f"DO UPDATE SET {sets} WHERE {conds}"


@contextmanager
def deferred_indexes(conn: Connection, table_name: str) -> Iterator[None]:
    """Drop the secondary indexes of ``table_name`` for a bulk load and rebuild them afterwards.

    Building an index once over loaded rows is much faster than maintaining it row by row. Runs
    inside the caller's transaction: on error everything, index drops included, rolls back.
    """
    table = table_of(table_name)
    indexes = sorted(table.indexes, key=lambda ix: str(ix.name))
    for ix in indexes:
        ix.drop(conn)
    yield
    for ix in indexes:
        ix.create(conn)


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
