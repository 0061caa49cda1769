"""Quarantined input rows: file, line(s), column, reason and the raw text, per run.

A row arrives as :class:`~jobshift.errors.InputError`, the one shape of a skipped record (CSV import,
people ingest and the Salesforce pull all produce it).

The raw text is kept whole: ``raw`` holds it readable (cut at :data:`MAX_RAW` characters, a NUL
written as the four characters ``\\x00``, since databases refuse NUL in text), and when that is not the
exact original, ``raw_zip`` holds the original zlib-compressed, so a bad row can always be recovered
(:func:`full_raw`; ``jobshift export quarantine`` writes it).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from sqlalchemy import Connection, func, insert, select

from jobshift.errors import InputError
from jobshift.store.schema import quarantine
from jobshift.utils.timeutil import utcnow

MAX_RAW = 4000
"""Characters of the raw text kept readable in ``raw``."""


def stored_raw(raw: str | None) -> tuple[str | None, bytes | None]:
    """``raw`` as stored: the readable text and, when that is not ``raw`` itself, ``raw`` compressed."""
    if raw is None:
        return None, None
    shown = raw[:MAX_RAW].replace("\x00", "\\x00")
    if shown == raw:
        return raw, None
    return shown, zlib.compress(raw.encode("utf-8", "surrogatepass"))


def full_raw(row: Mapping[str, Any]) -> str | None:
    """The whole original raw text of a stored quarantine row."""
    packed = row.get("raw_zip")
    if packed:
        return zlib.decompress(packed).decode("utf-8", "surrogatepass")
    raw: str | None = row.get("raw")
    return raw


def add_quarantined(
    conn: Connection, run_id: int | None, object: str | None, rows: Iterable[InputError]
) -> int:
    """Store bad rows (``raw`` whole: any length, NUL characters included); returns how many."""
    now = utcnow()
    values = []
    for r in rows:
        raw, packed = stored_raw(r.raw)
        values.append(
            {
                "run_id": run_id,
                "object": object,
                "source": r.source,
                "line": r.line,
                "end_line": r.end_line,
                "column": r.column,
                "reason": r.reason,
                "raw": raw,
                "raw_zip": packed,
                "created_at": now,
            }
        )
    if values:
        conn.execute(insert(quarantine), values)
    return len(values)


def list_quarantined(
    conn: Connection, *, run_id: int | None = None, limit: int | None = None, whole: bool = False
) -> list[dict[str, Any]]:
    """Quarantined rows, oldest first (optionally of one run); ``raw`` whole with ``whole``."""
    return list(iter_quarantined(conn, run_id=run_id, limit=limit, whole=whole))


def iter_quarantined(
    conn: Connection, *, run_id: int | None = None, limit: int | None = None, whole: bool = False
) -> Iterator[dict[str, Any]]:
    """:func:`list_quarantined`, streamed; the rows never hold ``raw_zip`` (see :func:`full_raw`)."""
    q = select(quarantine).order_by(quarantine.c.id)
    if run_id is not None:
        q = q.where(quarantine.c.run_id == run_id)
    if limit:
        q = q.limit(limit)
    for r in conn.execute(q).mappings():
        row = dict(r)
        if whole:
            row["raw"] = full_raw(row)
        del row["raw_zip"]
        yield row


def count_quarantined(conn: Connection, run_id: int) -> int:
    """How many rows a run quarantined."""
    return int(conn.execute(select(func.count()).where(quarantine.c.run_id == run_id)).scalar_one())
