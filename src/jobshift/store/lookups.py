"""Small set-based lookups shared by the planners (push, notifications)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Table, select

from jobshift.store.schema import accounts

CHUNK = 900  # stays under SQLite's bound-parameter limit


def rows_by_id(conn: Connection, table: Table, ids: Iterable[Any]) -> dict[str, dict[str, Any]]:
    """``{id: row}`` of the rows of ``table`` whose ``id`` is in ``ids`` (empty ids ignored)."""
    wanted = sorted({str(i) for i in ids if i})
    out: dict[str, dict[str, Any]] = {}
    for i in range(0, len(wanted), CHUNK):
        q = select(table).where(table.c.id.in_(wanted[i : i + CHUNK]))
        out.update({r["id"]: dict(r) for r in conn.execute(q).mappings()})
    return out


def all_by_id(conn: Connection, table: Table) -> dict[str, dict[str, Any]]:
    """``{id: row}`` of every row of ``table`` (small tables: users)."""
    return {r["id"]: dict(r) for r in conn.execute(select(table)).mappings()}


def account_names(conn: Connection) -> dict[str, str]:
    """``id → name`` of every account."""
    return {r[0]: r[1] for r in conn.execute(select(accounts.c.id, accounts.c.name))}
