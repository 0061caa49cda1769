"""Many per-row UPDATEs as few statements: rows that set the same columns share one ``executemany``.

The store (outbox marks, the write-through of pushed leads and contacts, round-robin state) and the
built-in store CRM (which is handed its tables and does not import the store) write this way.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, Table, bindparam, func, update

_KEY = "k__key"  # the bound key: cannot clash with a ``b_<column>`` parameter


def update_by_key(
    conn: Connection,
    table: Table,
    changes: Iterable[tuple[Any, Mapping[str, Any]]],
    *,
    key: str = "id",
    keep_first: Collection[str] = (),
) -> int:
    """Apply ``(key value, {column: value})`` changes; returns how many rows matched.

    One ``UPDATE table SET … WHERE key = ?`` per distinct set of columns (in first-seen order), each
    run once with all its rows. A column in ``keep_first`` keeps a value it already has
    (``COALESCE(column, new)``). Changes that set nothing are skipped.
    """
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for k, values in changes:
        cols = tuple(sorted(values))
        if cols:
            groups.setdefault(cols, []).append({_KEY: k, **{f"b_{c}": values[c] for c in cols}})
    matched = 0
    for cols, params in groups.items():
        sets = {
            c: func.coalesce(table.c[c], bindparam(f"b_{c}")) if c in keep_first else bindparam(f"b_{c}")
            for c in cols
        }
        res = conn.execute(update(table).where(table.c[key] == bindparam(_KEY)).values(sets), params)
        matched += max(res.rowcount or 0, 0)
    return matched
