"""Reading what detection needs from the store as typed polars frames, fast.

On SQLite, when ``connectorx`` is installed, queries are read straight into Arrow by it (no Python object
per value: ~2.5x faster than a DB-API cursor) in a separate reader process (see ``cx_worker``: connectorx
must never open the database file inside this process); on PostgreSQL, through ``COPY (SELECT ...) TO
STDOUT`` in CSV parsed by polars block by block (see ``pg_copy``); otherwise (no connectorx) rows come from
the SQLAlchemy connection and are turned into frames column by column. The newest observations are read
in person-key ranges of about ``batch_rows`` rows, so one batch is in memory at a time whichever path is
used (the same ranges on both backends).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import pairwise
from typing import Any

import polars as pl
from sqlalchemy import Connection, Select, Text, and_, cast, func, select, type_coerce

from jobshift.store.detect.cx_worker import read_sqlite_frame
from jobshift.store.detect.pg_copy import copy_frame
from jobshift.store.schema import people_observations

JSON_AS_TEXT = ("experience", "emails_norm")
"""Observation columns read as their JSON text (decoded vectorized by polars, not per row by the driver)."""

try:  # optional accelerator
    import connectorx  # noqa: F401

    HAVE_CONNECTORX = True
except ImportError:  # pragma: no cover - depends on the environment
    HAVE_CONNECTORX = False


def columns_frame(rows: Sequence[Sequence[Any]], schema: dict[str, Any]) -> pl.DataFrame:
    """A typed frame from row tuples, built column by column (much faster than row orientation)."""
    names = list(schema)
    if not rows:
        return pl.DataFrame(schema=schema)
    cols = list(zip(*rows, strict=True))
    return pl.DataFrame(
        [
            pl.Series(n, c, strict=False).cast(schema[n], strict=False)
            for n, c in zip(names, cols, strict=True)
        ]
    )


def _sqlite_uri(conn: Connection) -> str | None:
    if not HAVE_CONNECTORX or conn.dialect.name != "sqlite":
        return None
    db = conn.engine.url.database
    if not db or db == ":memory:":
        return None
    return f"sqlite://{db}" if db.startswith("/") else None


def read_frame(conn: Connection, stmt: Select[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """Run ``stmt`` and return its rows as a frame typed by ``schema`` (columns in that order)."""
    if _copy_path(conn, schema):
        return copy_frame(conn, stmt, schema)
    uri = _sqlite_uri(conn)
    if uri is not None:
        sql = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        df = read_sqlite_frame(sql, uri)
        df.columns = list(schema)
        return df.with_columns(pl.col(n).cast(t, strict=False) for n, t in schema.items())
    return cursor_frame(conn, stmt, schema)


def _copy_path(conn: Connection, schema: dict[str, Any]) -> bool:
    # one-column CSV records of NULL are empty lines, which a CSV reader skips: the cursor reads those;
    # COPY sends text in the client encoding, and polars reads UTF-8 only: the cursor decodes the others
    if conn.dialect.name != "postgresql" or len(schema) < 2:
        return False
    raw = conn.connection.driver_connection
    return str(getattr(getattr(raw, "info", None), "encoding", "")).lower() in ("utf-8", "utf8")


def cursor_frame(conn: Connection, stmt: Select[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """:func:`read_frame` through the SQLAlchemy connection always (no connectorx)."""
    return columns_frame([tuple(r) for r in conn.execute(stmt)], schema)


def key_ranges(conn: Connection, batch_rows: int) -> list[tuple[str | None, str | None]]:
    """Person-key ranges ``[lo, hi)`` of about ``batch_rows`` observations each (``None``: open end)."""
    bounds: list[str] = []
    for key in _range_starts(conn, batch_rows):
        if key is not None and (not bounds or key > bounds[-1]):
            bounds.append(key)
    edges: list[str | None] = [None, *bounds, None]
    return list(pairwise(edges))


def _range_starts(conn: Connection, batch_rows: int) -> Iterator[str | None]:
    """The person key at every ``batch_rows``-th row in key order (after the first row)."""
    o = people_observations
    if conn.dialect.name == "postgresql":
        # one index-only scan numbering the rows (an OFFSET query per range rescans the index from the
        # start: ~8 s at a million observations)
        rn = func.row_number().over(order_by=o.c.person_key).label("rn")
        sub = select(o.c.person_key, rn).subquery()
        starts = select(sub.c.person_key).where(sub.c.rn > 1, (sub.c.rn - 1) % batch_rows == 0)
        yield from conn.execute(starts.order_by(sub.c.rn)).scalars()
        return
    total = conn.execute(select(func.count()).select_from(o)).scalar_one()
    for offset in range(batch_rows, int(total), batch_rows):
        yield conn.execute(select(o.c.person_key).order_by(o.c.person_key).offset(offset).limit(1)).scalar()


def json_text(conn: Connection, col: Any) -> Any:
    """A JSON column read as its text (decoded vectorized by polars, not per row by the driver)."""
    return cast(col, Text) if conn.dialect.name == "postgresql" else type_coerce(col, Text)


def newest_observations_query(
    conn: Connection, columns: Sequence[str], lo: str | None = None, hi: str | None = None
) -> Select[Any]:
    """``columns`` of the newest observation of every person key, optionally keys in ``[lo, hi)``; the
    JSON columns of :data:`JSON_AS_TEXT` as text. SQLite: a GROUP BY max join. PostgreSQL: ``DISTINCT ON
    (person_key)`` over the primary key read backwards (newest first within a person) — one index range
    scan, no join (the join scanned the whole table for every range, and still cost twice the time once
    the range bounded both sides)."""
    o = people_observations
    cols = [o.c[c] if c not in JSON_AS_TEXT else json_text(conn, o.c[c]).label(c) for c in columns]
    if conn.dialect.name == "postgresql":
        stmt = select(*cols).distinct(o.c.person_key)
        if lo is not None:
            stmt = stmt.where(o.c.person_key >= lo)
        if hi is not None:
            stmt = stmt.where(o.c.person_key < hi)
        return stmt.order_by(o.c.person_key.desc(), o.c.observed_at.desc())
    newest = select(o.c.person_key, func.max(o.c.observed_at).label("m"))
    if lo is not None:
        newest = newest.where(o.c.person_key >= lo)
    if hi is not None:
        newest = newest.where(o.c.person_key < hi)
    sub = newest.group_by(o.c.person_key).subquery()
    return select(*cols).join_from(
        o, sub, and_(o.c.person_key == sub.c.person_key, o.c.observed_at == sub.c.m)
    )


def iter_newest(conn: Connection, schema: dict[str, Any], batch_rows: int) -> Iterator[pl.DataFrame]:
    """Frames (typed by ``schema``, whose names are observation columns) of the newest observations, one
    per person-key range."""
    for lo, hi in key_ranges(conn, batch_rows):
        df = read_frame(conn, newest_observations_query(conn, list(schema), lo, hi), schema)
        if df.height:
            yield df
