"""Queries of the outreach drafts cache (``outreach_drafts``): read by cache key or lead, insert once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, insert, select

from jobshift.store.schema import outreach_drafts

_CHUNK = 900


def by_keys(conn: Connection, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Cached drafts by cache key."""
    out: dict[str, dict[str, Any]] = {}
    for i in range(0, len(keys), _CHUNK):
        q = select(outreach_drafts).where(outreach_drafts.c.cache_key.in_(keys[i : i + _CHUNK]))
        out.update({r["cache_key"]: dict(r) for r in conn.execute(q).mappings()})
    return out


def insert_new(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert drafts whose cache key is new (re-running is a no-op); returns how many were inserted."""
    seen = set(by_keys(conn, [str(r["cache_key"]) for r in rows]))
    fresh: dict[str, Mapping[str, Any]] = {}
    for r in rows:
        if r["cache_key"] not in seen:
            fresh.setdefault(str(r["cache_key"]), r)
    if fresh:
        conn.execute(insert(outreach_drafts), list(fresh.values()))
    return len(fresh)


def newest_for_leads(conn: Connection, lead_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """Every cached draft of each lead, newest first."""
    out: dict[str, list[dict[str, Any]]] = {}
    for i in range(0, len(lead_ids), _CHUNK):
        q = (
            select(outreach_drafts)
            .where(outreach_drafts.c.lead_id.in_(lead_ids[i : i + _CHUNK]))
            .order_by(outreach_drafts.c.created_at.desc(), outreach_drafts.c.id.desc())
        )
        for r in conn.execute(q).mappings():
            out.setdefault(str(r["lead_id"]), []).append(dict(r))
    return out


def first_draft_at(conn: Connection) -> dict[str, Any]:
    """When each lead was first drafted (lead id → datetime)."""
    from sqlalchemy import func

    q = select(outreach_drafts.c.lead_id, func.min(outreach_drafts.c.created_at)).group_by(
        outreach_drafts.c.lead_id
    )
    return {str(lid): at for lid, at in conn.execute(q)}
