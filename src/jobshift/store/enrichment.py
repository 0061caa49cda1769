"""The people-data enrichment cache: which lookups were answered when (never buy a profile twice).

One row per lookup hash (the newest answer); :func:`record_lookups` upserts, :func:`cached_lookups`
reads the rows of a set of hashes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from jobshift.errors import StoreError
from jobshift.store.schema import accounts, contacts, enrichment_cache
from jobshift.store.tracking import tracked_contacts_query

_CHUNK = 500


def lookup_hash(kind: str, value: str) -> str:
    """The cache key of a lookup (``kind`` is ``profile``, ``email`` or ``name``)."""
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


@dataclass(frozen=True)
class CachedLookup:
    """One answered lookup."""

    lookup_hash: str
    lookup_kind: str
    provider: str
    contact_id: str | None
    requested_at: datetime
    status: str
    person_id: str | None = None
    likelihood: int | None = None
    error: str | None = None


def cached_lookups(conn: Connection, hashes: Iterable[str]) -> dict[str, CachedLookup]:
    """The cache rows of ``hashes`` that exist, by hash."""
    out: dict[str, CachedLookup] = {}
    keys = list(dict.fromkeys(hashes))
    for i in range(0, len(keys), _CHUNK):
        q = select(enrichment_cache).where(enrichment_cache.c.lookup_hash.in_(keys[i : i + _CHUNK]))
        for row in conn.execute(q).mappings():
            out[row["lookup_hash"]] = CachedLookup(**dict(row))
    return out


def record_lookups(conn: Connection, rows: Sequence[CachedLookup]) -> int:
    """Insert or replace the cache rows (by hash); returns how many were written."""
    if not rows:
        return 0
    values: list[dict[str, Any]] = [r.__dict__.copy() for r in rows]
    if conn.dialect.name == "postgresql":
        stmt: Any = pg_insert(enrichment_cache)
    elif conn.dialect.name == "sqlite":
        stmt = sqlite_insert(enrichment_cache)
    else:
        raise StoreError(f"unsupported database dialect {conn.dialect.name!r}")
    cols = {c.name: stmt.excluded[c.name] for c in enrichment_cache.c if c.name != "lookup_hash"}
    conn.execute(stmt.on_conflict_do_update(index_elements=["lookup_hash"], set_=cols), values)
    return len(values)


def tracked_people(conn: Connection) -> list[Row[Any]]:
    """Every tracked contact with what a lookup can use (``id``, ``first_name``, ``last_name``,
    ``email_norm``, ``linkedin_norm``, ``company``: its account's name), by id."""
    tracked = tracked_contacts_query(conn).subquery()
    q = (
        select(
            contacts.c.id,
            contacts.c.first_name,
            contacts.c.last_name,
            contacts.c.email_norm,
            contacts.c.linkedin_norm,
            accounts.c.name.label("company"),
        )
        .join(tracked, tracked.c.contact_id == contacts.c.id)
        .outerjoin(accounts, accounts.c.id == contacts.c.account_id)
        .order_by(contacts.c.id)
    )
    return list(conn.execute(q))
