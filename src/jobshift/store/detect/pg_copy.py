"""Reading the PostgreSQL store into polars through ``COPY (SELECT ...) TO STDOUT`` in CSV, streamed.

libpq hands COPY's output over one complete record at a time (a quoted field's newlines included), so
records are gathered into blocks of about ``block_rows`` and each block is parsed by polars' CSV reader
(vectorized, no Python object per value); neither the whole result's text nor a row object per value is
ever held. PostgreSQL's CSV is what polars reads: NULL is an unquoted empty field, an empty string is
``""``, a quote inside a value is doubled; booleans arrive as ``t`` / ``f`` and are converted after
parsing. The COPY runs on the caller's connection: its transaction, its ``search_path``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import polars as pl
from sqlalchemy import Connection, Select

BLOCK_ROWS = 100_000
"""Records parsed into one frame at a time (whole results are the concatenation of these)."""


def copy_sql(conn: Connection, stmt: Select[Any]) -> str:
    """``stmt`` as PostgreSQL text with its parameters inlined (COPY takes no bound parameters)."""
    return str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))


def parse_csv_block(data: bytes, schema: dict[str, Any]) -> pl.DataFrame:
    """A block of PostgreSQL CSV records → a frame typed by ``schema`` (columns in that order)."""
    names = list(schema)
    if not data:
        return pl.DataFrame(schema=schema)
    df = pl.read_csv(
        data,
        has_header=False,
        new_columns=names,
        schema=dict.fromkeys(names, pl.String),
        quote_char='"',
    )
    return df.with_columns(_typed(n, t) for n, t in schema.items() if t != pl.String)


def _typed(name: str, dtype: Any) -> pl.Expr:
    col = pl.col(name)
    if dtype == pl.Boolean:
        return (col == "t").alias(name)  # NULL stays NULL
    return col.cast(dtype, strict=False)


def iter_copy_frames(
    conn: Connection, stmt: Select[Any], schema: dict[str, Any], block_rows: int = BLOCK_ROWS
) -> Iterator[pl.DataFrame]:
    """Frames of at most ``block_rows`` rows of ``stmt``'s result, in its order, as COPY streams them.

    The COPY stays open between frames: nothing else may run on ``conn`` until the iterator ends.
    """
    sql = copy_sql(conn, stmt)
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)") as cp:
        buf = bytearray()
        n = 0
        for record in cp:  # one whole CSV record per item
            buf += record
            n += 1
            if n >= block_rows:
                yield parse_csv_block(bytes(buf), schema)
                buf = bytearray()
                n = 0
        if n:
            yield parse_csv_block(bytes(buf), schema)


def copy_frame(conn: Connection, stmt: Select[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """The whole result of ``stmt`` as one frame typed by ``schema``, read block by block through COPY."""
    frames = list(iter_copy_frames(conn, stmt, schema))
    if not frames:
        return pl.DataFrame(schema=schema)
    return frames[0] if len(frames) == 1 else pl.concat(frames, rechunk=True)
