"""Encoding of CRM rows for the bulk writers (pure Python, so that a reader process can run it).

SQLite rows get bind-ready values: datetimes in SQLAlchemy's SQLite storage format, dates as ISO text,
JSON as ``json.dumps`` text (what SQLAlchemy's bind processors produce). PostgreSQL batches become
``COPY`` text-format bytes (``\\N`` for NULL, backslash escapes), written to the server as they are.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from operator import methodcaller
from typing import Any

import orjson


@dataclass(frozen=True)
class RowEncoding:
    """How rows of one table's ``columns`` are encoded for ``dialect`` (picklable)."""

    dialect: str
    columns: tuple[str, ...]
    kinds: tuple[str, ...]
    """Per column: ``text``, ``bool``, ``int``, ``float``, ``date``, ``datetime`` or ``json``."""


def sqlite_datetime(value: datetime) -> str:
    """SQLAlchemy's SQLite storage format of a naive datetime (``2024-03-01 10:00:00.000000``)."""
    return value.isoformat(" ", "microseconds")


RECORD_SEP = "\x1e"
UNIT_SEP = "\x1f"


GROUP_VALUES = 2000
"""About this many values go into one multi-row ``INSERT`` (SQLite binds at most 32,766)."""


@dataclass(frozen=True)
class PackedRows:
    """SQLite rows packed into one string: groups of rows joined by ``RECORD_SEP``, values by ``UNIT_SEP``.

    Each group holds ``group`` rows of ``width`` values in a row (the last group may hold fewer rows),
    which the writer inserts with one multi-row ``INSERT``. An empty value is NULL (text values are never
    empty: empty cells are NULL already); booleans and integers are decimal text. The writer splits the
    text back with C-level ``str.split`` s and binds ``CAST(NULLIF(?, '') AS …)`` (``NULLIF`` only for
    the columns ``nullable`` marks): far cheaper to ship between processes than pickled tuples.
    """

    text: str
    width: int
    group: int = 1
    nullable: tuple[bool, ...] | None = None
    """Per column, whether some value is NULL (``None``: any may be)."""

    def groups(self) -> tuple[Iterator[list[str]], list[list[str]]]:
        """The full groups (``group`` rows each, as one flat list, split lazily), and the rows of a
        shorter last group."""
        parts = self.text.split(RECORD_SEP)
        if parts[-1].count(UNIT_SEP) + 1 == self.group * self.width:
            return map(methodcaller("split", UNIT_SEP), parts), []
        last = parts.pop().split(UNIT_SEP)
        rest = [last[i : i + self.width] for i in range(0, len(last), self.width)]
        return map(methodcaller("split", UNIT_SEP), parts), rest

    def rows(self) -> Iterator[list[str]]:
        """The records as lists of strings."""
        w = self.width
        for part in self.text.split(RECORD_SEP):
            values = part.split(UNIT_SEP)
            for i in range(0, len(values), w):
                yield values[i : i + w]


def group_size(width: int) -> int:
    """Rows per multi-row ``INSERT`` for rows of ``width`` values."""
    return max(1, GROUP_VALUES // max(width, 1))


def encode_rows(encoding: RowEncoding, rows: Sequence[Sequence[Any]]) -> Any:
    """Encode ``rows`` (tuples in ``encoding.columns`` order) for :meth:`BulkWriter.write`."""
    return encode_columns(encoding, [list(c) for c in zip(*rows, strict=True)] if rows else [])


def encode_columns(encoding: RowEncoding, cols: Sequence[Sequence[Any]]) -> Any:
    """Encode rows given column by column for :meth:`BulkWriter.write`.

    PostgreSQL: ``COPY`` text bytes. SQLite: :class:`PackedRows` when every value packs losslessly
    (no float column, no separator character in a text), else rows of bind-ready values.
    """
    if not cols or not cols[0]:
        return b"" if encoding.dialect == "postgresql" else []
    if encoding.dialect == "postgresql":
        text = [_pg_text(kind, col) for kind, col in zip(encoding.kinds, cols, strict=True)]
        return ("\n".join(map("\t".join, zip(*text, strict=True))) + "\n").encode()
    packed = _sqlite_packed(encoding.kinds, cols)
    if packed is not None:
        return packed
    out = [_sqlite_value(kind, col) for kind, col in zip(encoding.kinds, cols, strict=True)]
    return list(zip(*out, strict=True))


def _sqlite_packed(kinds: Sequence[str], cols: Sequence[Sequence[Any]]) -> PackedRows | None:
    out: list[Sequence[str]] = []
    for kind, col in zip(kinds, cols, strict=True):
        if kind == "float":
            return None
        if kind == "text":
            if "" in col:
                return None
            joined = "".join(filter(None, col))
            if RECORD_SEP in joined or UNIT_SEP in joined:
                return None
            out.append(["" if v is None else v for v in col] if None in col else col)
        elif kind == "bool":
            out.append(["" if v is None else ("1" if v else "0") for v in col])
        elif kind == "int":
            out.append(["" if v is None else str(v) for v in col])
        elif kind == "datetime":
            out.append(["" if v is None else v.isoformat(" ", "microseconds") for v in col])
        else:
            out.append(["" if v is None else v for v in _sqlite_value(kind, col)])
    rows = list(zip(*out, strict=True))
    k = group_size(len(out))
    text = RECORD_SEP.join(
        UNIT_SEP.join(chain.from_iterable(rows[j : j + k])) for j in range(0, len(rows), k)
    )
    return PackedRows(text, len(out), k, tuple("" in col for col in out))


def sqlite_placeholder(kind: str, nullable: bool = True) -> str:
    """The SQL expression a :class:`PackedRows` value of ``kind`` is bound through."""
    value = "NULLIF(?, '')" if nullable else "?"
    return f"CAST({value} AS INTEGER)" if kind in ("bool", "int") else value


def _sqlite_value(kind: str, col: Sequence[Any]) -> Sequence[Any]:
    if kind == "datetime":
        return [None if v is None else v.isoformat(" ", "microseconds") for v in col]
    if kind == "date":
        return [None if v is None else v.isoformat() for v in col]
    if kind == "json":
        return [None if v is None else json.dumps(v) for v in col]
    return col


_PG_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _pg_text(kind: str, col: Sequence[Any]) -> list[str]:
    """One column in PostgreSQL's COPY text format (``\\N`` for NULL)."""
    if kind == "bool":
        return ["\\N" if v is None else ("t" if v else "f") for v in col]
    if kind in ("datetime", "date"):
        return ["\\N" if v is None else v.isoformat() for v in col]
    if kind in ("int", "float"):
        return ["\\N" if v is None else repr(v) for v in col]
    if kind == "json":
        col = [None if v is None else orjson.dumps(v).decode() for v in col]
    joined = "".join(filter(None, col))
    if "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined:
        return ["\\N" if v is None else v.translate(_PG_ESCAPES) for v in col]
    return ["\\N" if v is None else v for v in col] if None in col else list(col)
