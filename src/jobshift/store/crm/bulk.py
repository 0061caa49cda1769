"""Bulk upserts into the CRM mirror tables, in two steps that may run in different processes.

:func:`encode_rows` turns rows of Python values into what the database takes (it needs only the
picklable :class:`RowEncoding`, so a reader process can do it; :mod:`~jobshift.store.crm.encode_arrow`
does the same from pyarrow arrays): for SQLite, packed text or rows of bind-ready values (datetimes as
SQLAlchemy's ISO text, JSON as text); for PostgreSQL, ``COPY`` text-format bytes. :class:`BulkWriter`
then writes the encoded batches in the caller's transaction. SQLite goes through a prepared multi-row
``INSERT … ON CONFLICT DO UPDATE … WHERE … IS NOT`` (about 2,000 values a statement) and
``executemany``. PostgreSQL ``COPY``s
straight into the table while it was empty when the file started and the batch repeats no earlier key,
otherwise into a temporary staging table merged with ``ON CONFLICT … IS DISTINCT FROM``. Either way a
row is rewritten only when a value differs, so re-importing the same data changes nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Boolean, Connection, Date, DateTime, Float, Integer, Table, literal, select

from jobshift.store.crm.encode import (
    PackedRows,
    RowEncoding,
    encode_rows,
    sqlite_datetime,
    sqlite_placeholder,
)
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


def _kind(type_: Any) -> str:
    for cls, kind in ((JSON, "json"), (DateTime, "datetime"), (Date, "date"), (Boolean, "bool")):
        if isinstance(type_, cls):
            return kind
    if isinstance(type_, Integer):
        return "int"
    if isinstance(type_, Float):
        return "float"
    return "text"


def row_encoding(dialect: str, table_name: str, columns: Sequence[str]) -> RowEncoding:
    """The encoding of rows of ``columns`` of ``table_name`` for ``dialect`` (``sqlite``/``postgresql``)."""
    table = table_of(table_name)
    return RowEncoding(dialect, tuple(columns), tuple(_kind(table.c[c].type) for c in columns))


def _set_clause(table: Table, key: list[str], columns: Sequence[str], distinct: str, cast: str) -> str:
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


class BulkWriter:
    """Upserts encoded batches of ``columns`` into ``table_name`` in the transaction of ``conn``.

    ``empty`` is whether the table held no row before the first batch (looked up when ``None``);
    a writer that knows it, and is told per batch how many rows carry a key no earlier batch had,
    counts inserts without asking the database and, on PostgreSQL, ``COPY``s such batches directly.
    """

    def __init__(
        self, conn: Connection, table_name: str, columns: Sequence[str], *, empty: bool | None = None
    ) -> None:
        self.conn = conn
        self.table = table_of(table_name)
        self.key = primary_key(self.table)
        self.columns = list(columns)
        self.dialect = conn.dialect.name
        self.encoding = row_encoding(self.dialect, table_name, columns)
        if self.dialect == "postgresql" and empty is not False:
            # batches may be COPYed straight in: keep other writers out until commit, then look again
            conn.exec_driver_sql(f"LOCK TABLE {_q(self.table.name)} IN SHARE ROW EXCLUSIVE MODE")
            empty = None
        if empty is None:
            empty = conn.execute(select(literal(1)).select_from(self.table).limit(1)).first() is None
        self.empty = empty
        self.inserted = 0
        self._cols = ", ".join(map(_q, self.columns))
        self._stage: str | None = None

    def write(self, payload: Any, rows: int, new_keys: int | None = None) -> UpsertCounts:
        """Write one batch encoded by :func:`encode_rows` holding ``rows`` rows with unique keys.

        ``new_keys``: how many of them have a key no earlier batch of this writer had (``None``: unknown).
        """
        if not rows:
            return UpsertCounts()
        known = new_keys if self.empty else None
        if self.dialect == "postgresql":
            counts = self._write_postgresql(payload, rows, known)
        else:
            counts = self._write_sqlite(payload, rows, known)
        self.inserted += counts.inserted
        return counts

    def finish(self) -> None:
        """Drop the staging table; refresh planner statistics after a bulk load into an empty table."""
        if self.dialect != "postgresql":
            return
        raw: Any = self.conn.connection.driver_connection
        with raw.cursor() as cur:
            if self._stage is not None:
                cur.execute(f"DROP TABLE IF EXISTS {self._stage}")
                self._stage = None
            if self.empty and self.inserted:
                cur.execute(f"ANALYZE {_q(self.table.name)}")

    def _write_sqlite(self, payload: Any, rows: int, known: int | None) -> UpsertCounts:
        tq = _q(self.table.name)
        head = f"INSERT INTO {tq} ({self._cols}) VALUES "
        tail = (
            f" ON CONFLICT ({', '.join(map(_q, self.key))}) "
            f"{_set_clause(self.table, self.key, self.columns, 'IS NOT', '')}"
        )
        if isinstance(payload, PackedRows):
            nullable = payload.nullable or (True,) * len(self.columns)
            row = ", ".join(map(sqlite_placeholder, self.encoding.kinds, nullable))
            steps: list[tuple[str, Iterable[Any]]] = [(f"({row})", payload.rows())]
            if payload.group * len(self.columns) <= self._max_variables():
                full, rest = payload.groups()
                steps = [(", ".join([f"({row})"] * payload.group), full)]
                if rest:
                    steps.append((f"({row})", rest))
        else:
            steps = [(f"({', '.join('?' for _ in self.columns)})", payload)]
        count_sql = f"SELECT count(*) FROM {tq}"
        cur: Any = self.conn.connection.cursor()
        try:
            if known is None:
                cur.execute(count_sql)
                before = int(cur.fetchone()[0])
            changed = 0
            for values, params in steps:
                cur.executemany(head + values + tail, params)
                changed += max(cur.rowcount, 0)
            if known is None:
                cur.execute(count_sql)
                inserted = int(cur.fetchone()[0]) - before
            else:
                inserted = known
        finally:
            cur.close()
        return UpsertCounts(inserted, changed - inserted, rows - changed)

    def _max_variables(self) -> int:
        """How many parameters one SQLite statement may bind (32,766 by default since SQLite 3.32)."""
        raw: Any = self.conn.connection.driver_connection
        return int(raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))

    def _write_postgresql(self, data: bytes, rows: int, known: int | None) -> UpsertCounts:
        raw: Any = self.conn.connection.driver_connection
        tq = _q(self.table.name)
        with raw.cursor() as cur:
            if known == rows:  # the table was empty and no key of this batch came before: no conflict
                with cur.copy(f"COPY {tq} ({self._cols}) FROM STDIN") as copy:
                    copy.write(data)
                return UpsertCounts(rows, 0, 0)
            if self._stage is None:
                self._stage = _q(f"_jobshift_stage_{self.table.name}")
                cur.execute(f"DROP TABLE IF EXISTS {self._stage}")
                cur.execute(
                    f"CREATE TEMP TABLE {self._stage} ON COMMIT DROP AS SELECT {self._cols} FROM {tq} "
                    "WITH NO DATA"
                )
            else:
                cur.execute(f"TRUNCATE {self._stage}")
            with cur.copy(f"COPY {self._stage} ({self._cols}) FROM STDIN") as copy:
                copy.write(data)
            cur.execute(
                f"WITH r AS (INSERT INTO {tq} ({self._cols}) SELECT {self._cols} FROM {self._stage} "
                f"ON CONFLICT ({', '.join(map(_q, self.key))}) "
                f"{_set_clause(self.table, self.key, self.columns, 'IS DISTINCT FROM', '::jsonb')} "
                f"RETURNING (xmax = 0) AS ins) "
                f"SELECT count(*) FILTER (WHERE ins), count(*) FILTER (WHERE NOT ins) FROM r"
            )
            inserted, updated = cur.fetchone()
        return UpsertCounts(int(inserted), int(updated), rows - int(inserted) - int(updated))


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


__all__ = [
    "BulkWriter",
    "RowEncoding",
    "UpsertCounts",
    "encode_rows",
    "primary_key",
    "row_encoding",
    "sqlite_datetime",
    "table_of",
    "upsert_rows",
]
