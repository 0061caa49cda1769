"""Queries of the outreach drafts cache (``outreach_drafts``): read by cache key or lead, insert once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, insert, select

from jobshift.store.schema import leads, opportunities, outreach_drafts, signals

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


def jobshift_leads(conn: Connection, lead_ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Leads jobshift created (they carry a signal id), oldest first; only ``lead_ids`` when given."""
    q = select(leads).where(leads.c.signal_id.is_not(None)).order_by(leads.c.created_at, leads.c.id)
    if lead_ids is None:
        return [dict(r) for r in conn.execute(q).mappings()]
    out: list[dict[str, Any]] = []
    ids = list(lead_ids)
    for i in range(0, len(ids), _CHUNK):
        out.extend(dict(r) for r in conn.execute(q.where(leads.c.id.in_(ids[i : i + _CHUNK]))).mappings())
    return out


def signals_by_id(conn: Connection, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Signal rows by id."""
    out: dict[str, dict[str, Any]] = {}
    for i in range(0, len(ids), _CHUNK):
        q = select(signals).where(signals.c.signal_id.in_(ids[i : i + _CHUNK]))
        out.update({r["signal_id"]: dict(r) for r in conn.execute(q).mappings()})
    return out


def won_account_ids(conn: Connection, ids: Sequence[str]) -> set[str]:
    """Which of the account ``ids`` have a won opportunity."""
    out: set[str] = set()
    for i in range(0, len(ids), _CHUNK):
        q = select(opportunities.c.account_id).where(
            opportunities.c.account_id.in_(ids[i : i + _CHUNK]), opportunities.c.is_won.is_(True)
        )
        out.update(str(a) for (a,) in conn.execute(q))
    return out


def draft_activity_id(lead_id: str) -> str:
    """The id of a lead's draft activity in the built-in store (one per lead)."""
    import hashlib

    return "jsdraft-" + hashlib.sha256(lead_id.encode("utf-8")).hexdigest()[:24]


def write_draft_activities(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> dict[str, bool]:
    """Insert draft activities (``activities`` rows with :func:`draft_activity_id` ids) that do not exist
    yet; returns id → whether it existed already (re-running is a no-op)."""
    from jobshift.store.schema import activities

    ids = [str(r["id"]) for r in rows]
    existing: set[str] = set()
    for i in range(0, len(ids), _CHUNK):
        q = select(activities.c.id).where(activities.c.id.in_(ids[i : i + _CHUNK]))
        existing.update(str(x) for (x,) in conn.execute(q))
    fresh = {str(r["id"]): r for r in rows if str(r["id"]) not in existing}
    if fresh:
        conn.execute(insert(activities), list(fresh.values()))
    return {i: i in existing for i in ids}


def newest_jobshift_lead_ids(conn: Connection, limit: int = 20) -> list[str]:
    """The ids of the newest leads jobshift created (the templates page previews against them)."""
    q = (
        select(leads.c.id)
        .where(leads.c.signal_id.is_not(None))
        .order_by(leads.c.created_at.desc(), leads.c.id.desc())
        .limit(limit)
    )
    return [str(i) for (i,) in conn.execute(q)]
