"""Bulk writes and streaming reads of the CRM mirror tables.

:func:`upsert_rows` writes a batch keyed by primary key so that re-importing the same data changes
nothing: a row is updated only when some column IS DISTINCT from the stored value. SQLite goes through
the raw DBAPI ``executemany`` (with SQLAlchemy's bind processors applied only to the non-text columns);
PostgreSQL loads the batch with ``COPY`` into a temporary staging table and merges it with one
``INSERT … SELECT … ON CONFLICT DO UPDATE … WHERE … IS DISTINCT FROM``.
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
    table = table_of(table_name)
    key = primary_key(table)
    if conn.dialect.name == "postgresql":
        return _upsert_postgresql(conn, table, key, list(columns), rows)
    return _upsert_sqlite(conn, table, key, list(columns), rows)


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


_SAMPLE_DT = datetime(2001, 2, 3, 4, 5, 6, 7)


def _iso_datetime(value: datetime) -> str:
    return value.isoformat(" ", "microseconds")


def _iso_date(value: date) -> str:
    return value.isoformat()


def _bind_processor(type_: TypeEngine[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    """The dialect's bind processor, swapped for an equivalent C-speed ``isoformat`` for dates."""
    proc = type_.dialect_impl(dialect).bind_processor(dialect)
    if proc is None:
        return None
    if isinstance(type_, DateTime) and proc(_SAMPLE_DT) == _iso_datetime(_SAMPLE_DT):
        return _iso_datetime
    if isinstance(type_, Date) and proc(_SAMPLE_DT.date()) == _iso_date(_SAMPLE_DT.date()):
        return _iso_date
    return proc


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


def _scalar(row: Any) -> int:
    return int(row[0])


def _upsert_sqlite(
    conn: Connection, table: Table, key: list[str], columns: list[str], rows: Sequence[Sequence[Any]]
) -> UpsertCounts:
    procs: list[tuple[int, Callable[[Any], Any]]] = []
    for i, c in enumerate(columns):
        proc = _bind_processor(table.c[c].type, conn.dialect)
        if proc is not None:
            procs.append((i, proc))
    params: Sequence[Sequence[Any]] = rows
    if procs:
        converted = []
        for row in rows:
            r = list(row)
            for i, fn in procs:
                if r[i] is not None:
                    r[i] = fn(r[i])
            converted.append(r)
        params = converted
    sql = (
        f"INSERT INTO {_q(table.name)} ({', '.join(map(_q, columns))}) "
        f"VALUES ({', '.join('?' for _ in columns)}) "
        f"ON CONFLICT ({', '.join(map(_q, key))}) {_set_clause(table, key, columns, 'IS NOT', '')}"
    )
    count_sql = f"SELECT count(*) FROM {_q(table.name)}"
    cur = conn.connection.cursor()
    try:
        cur.execute(count_sql)
        before = _scalar(cur.fetchone())
        cur.executemany(sql, params)
        changed = cur.rowcount
        cur.execute(count_sql)
        after = _scalar(cur.fetchone())
    finally:
        cur.close()
    inserted = after - before
    return UpsertCounts(inserted, changed - inserted, len(rows) - changed)


def _upsert_postgresql(
    conn: Connection, table: Table, key: list[str], columns: list[str], rows: Sequence[Sequence[Any]]
) -> UpsertCounts:
    json_idx = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, JSON)]
    stage = _q(f"_jobshift_stage_{table.name}")
    cols = ", ".join(map(_q, columns))
    raw: Any = conn.connection.driver_connection
    with raw.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {stage}")
        cur.execute(
            f"CREATE TEMP TABLE {stage} ON COMMIT DROP AS SELECT {cols} FROM {_q(table.name)} WITH NO DATA"
        )
        with cur.copy(f"COPY {stage} ({cols}) FROM STDIN") as copy:
            for row in rows:
                if json_idx:
                    r = list(row)
                    for i in json_idx:
                        if r[i] is not None:
                            r[i] = orjson.dumps(r[i]).decode()
                    copy.write_row(r)
                else:
                    copy.write_row(row)
        merge = (
            f"WITH r AS (INSERT INTO {_q(table.name)} ({cols}) SELECT {cols} FROM {stage} "
            f"ON CONFLICT ({', '.join(map(_q, key))}) "
            f"{_set_clause(table, key, columns, 'IS DISTINCT FROM', '::jsonb')} "
            f"RETURNING (xmax = 0) AS ins) "
            f"SELECT count(*) FILTER (WHERE ins), count(*) FILTER (WHERE NOT ins) FROM r"
        )
        cur.execute(merge)
        inserted, updated = cur.fetchone()
        cur.execute(f"DROP TABLE {stage}")
    return UpsertCounts(int(inserted), int(updated), len(rows) - int(inserted) - int(updated))


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
