"""Routing in the store: the CRM users routing picks from, stored decisions, round-robin pool state.

Set-based: stored decisions are read for many leads at once and new decisions and pool states are
written in one ``executemany`` each, all in the caller's transaction (``services/program/routing.py``
decides; this module only reads and writes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select

from jobshift.store.lookups import CHUNK
from jobshift.store.schema import routing_decisions, routing_state, users
from jobshift.utils.grouped_update import update_by_key


def crm_users(conn: Connection) -> list[dict[str, Any]]:
    """``id``, ``name``, ``role``, ``active``, ``region``, ``segment`` of every CRM user."""
    q = select(users.c.id, users.c.name, users.c.role, users.c.active, users.c.region, users.c.segment)
    return [dict(r) for r in conn.execute(q).mappings()]


def owner_loads(conn: Connection, since: datetime) -> dict[str, int]:
    """How many leads each owner was given by decisions made at or after ``since``."""
    q = (
        select(routing_decisions.c.owner_id, func.count())
        .where(routing_decisions.c.decided_at >= since, routing_decisions.c.owner_id.is_not(None))
        .group_by(routing_decisions.c.owner_id)
    )
    return {str(o): int(n) for o, n in conn.execute(q)}


def decisions(conn: Connection, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The stored decisions of ``keys`` (lead ids or ``signal:<id>``), by key; missing keys are absent."""
    wanted = sorted(set(keys))
    out: dict[str, dict[str, Any]] = {}
    for i in range(0, len(wanted), CHUNK):
        q = select(routing_decisions).where(routing_decisions.c.lead_id.in_(wanted[i : i + CHUNK]))
        out.update({r["lead_id"]: dict(r) for r in conn.execute(q).mappings()})
    return out


def insert_decisions(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert new decisions (``lead_id``, ``signal_id``, ``owner_id``, ``reason``, ``rule``, ``pool_key``,
    ``decided_at``), in order."""
    for i in range(0, len(rows), CHUNK):
        conn.execute(insert(routing_decisions), [dict(r) for r in rows[i : i + CHUNK]])


def pool_state(conn: Connection, pool_key: str) -> tuple[dict[str, float], int] | None:
    """A pool's current weights and position, or ``None`` before its first pick.

    On PostgreSQL the row stays locked until the transaction ends: concurrent pushes take turns.
    """
    q = select(routing_state.c.weights, routing_state.c.position).where(routing_state.c.pool_key == pool_key)
    if conn.dialect.name == "postgresql":
        q = q.with_for_update()
    row = conn.execute(q).first()
    return (dict(row.weights or {}), int(row.position)) if row else None


def save_pool_states(
    conn: Connection, new: Sequence[Mapping[str, Any]], changed: Sequence[Mapping[str, Any]]
) -> None:
    """Insert the ``new`` pool rows and update the ``changed`` ones (each: ``pool_key``, ``weights``,
    ``position``, ``last_user_id``, ``updated_at``)."""
    if new:
        conn.execute(insert(routing_state), [dict(r) for r in new])
    rows = [(r["pool_key"], {k: v for k, v in r.items() if k != "pool_key"}) for r in changed]
    update_by_key(conn, routing_state, rows, key="pool_key")
