"""Encoding of CRM rows for the bulk writers (pure Python, so that a reader process can run it).

SQLite rows get bind-ready values: datetimes in SQLAlchemy's SQLite storage format, dates as ISO text,
JSON as ``json.dumps`` text (what SQLAlchemy's bind processors produce). PostgreSQL batches become
``COPY`` text-format bytes (``\\N`` for NULL, backslash escapes), written to the server as they are.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
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


def encode_rows(encoding: RowEncoding, rows: Sequence[Sequence[Any]]) -> Any:
    """Encode ``rows`` (tuples in ``encoding.columns`` order) for :meth:`BulkWriter.write`."""
    if not rows:
        return b"" if encoding.dialect == "postgresql" else []
    cols = list(zip(*rows, strict=True))
    if encoding.dialect == "postgresql":
        text = [_pg_text(kind, col) for kind, col in zip(encoding.kinds, cols, strict=True)]
        return ("\n".join(map("\t".join, zip(*text, strict=True))) + "\n").encode()
    if all(kind in ("text", "bool", "int", "float") for kind in encoding.kinds):
        return list(rows)
    out = [_sqlite_value(kind, col) for kind, col in zip(encoding.kinds, cols, strict=True)]
    return list(zip(*out, strict=True))


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
