"""SQL behind the weekly e-mails: per-rep lead adoption and the attributed opportunities' current state."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from jobshift.store.schema import leads, opportunities, runs, users
from jobshift.store.scorecard.leads import _per_lead
from jobshift.store.scorecard.queries import _flag, won_cond

STAGE_RUN_KIND = "weekly_summary"


def rep_adoption(
    conn: Connection,
    sources: Sequence[str],
    window_start: datetime,
    week_start: datetime,
    end: datetime,
    limit: int,
) -> list[dict[str, Any]]:
    """Per active owner of jobshift leads created in [window_start, end): totals, the new leads of the
    week ([week_start, end)) and the older uncontacted leads (at most ``limit`` listed each)."""
    pl = _per_lead(conn.dialect.name, sources, window_start, end, [])
    new = pl.c.created_at >= week_start
    q = (
        select(
            pl.c.owner_id,
            users.c.name,
            users.c.email,
            func.count().label("leads"),
            func.sum(_flag(pl.c.n > 0)).label("contacted"),
            func.sum(pl.c.n).label("activities"),
            func.sum(_flag(new)).label("new_leads"),
            func.sum(_flag(new & (pl.c.n == 0))).label("new_uncontacted"),
        )
        .select_from(pl.join(users, users.c.id == pl.c.owner_id))
        .where(users.c.active.isnot(False))
        .group_by(pl.c.owner_id, users.c.name, users.c.email)
        .order_by(pl.c.owner_id)
    )
    reps = {
        r.owner_id: {
            "user_id": r.owner_id,
            "name": r.name,
            "email": r.email,
            "leads": int(r.leads),
            "contacted": int(r.contacted or 0),
            "activities": int(r.activities or 0),
            "new_leads": int(r.new_leads or 0),
            "new_uncontacted": int(r.new_uncontacted or 0),
            "new": [],
            "uncontacted": [],
        }
        for r in conn.execute(q)
    }
    detail = (
        select(
            pl.c.owner_id,
            pl.c.id,
            pl.c.created_at,
            pl.c.n,
            leads.c.first_name,
            leads.c.last_name,
            leads.c.title,
            leads.c.company,
        )
        .select_from(pl.join(leads, leads.c.id == pl.c.id))
        .where(pl.c.owner_id.in_(list(reps)), (pl.c.n == 0) | new)
        .order_by(pl.c.owner_id, pl.c.created_at.desc(), pl.c.id)
    )
    for r in conn.execute(detail):
        rep = reps[r.owner_id]
        item = {
            "id": r.id,
            "name": " ".join(p for p in (r.first_name, r.last_name) if p),
            "title": r.title,
            "company": r.company,
            "created_at": r.created_at.date().isoformat() if r.created_at is not None else None,
            "activities": int(r.n),
        }
        if r.created_at is not None and r.created_at >= week_start:
            if len(rep["new"]) < limit:
                rep["new"].append(item)
        elif r.n == 0 and len(rep["uncontacted"]) < limit:
            rep["uncontacted"].append(item)
    return list(reps.values())


def opportunity_states(conn: Connection, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Name, stage, amount, close date and whether closed-won, of the opportunities ``ids``."""
    o = opportunities
    out: dict[str, dict[str, Any]] = {}
    ids = sorted(ids)
    for i in range(0, len(ids), 900):
        q = select(
            o.c.id,
            o.c.name,
            o.c.stage,
            o.c.amount,
            o.c.close_date,
            o.c.account_id,
            _flag(won_cond(o)).label("won"),
        ).where(o.c.id.in_(ids[i : i + 900]))
        for r in conn.execute(q).mappings():
            out[r["id"]] = {**dict(r), "won": bool(r["won"])}
    return out


def last_recorded_stages(conn: Connection) -> tuple[datetime | None, dict[str, str]]:
    """The stages the last successful weekly summary recorded (and when), to find stage changes."""
    row = conn.execute(
        select(runs.c.started_at, runs.c.counts)
        .where(runs.c.kind == STAGE_RUN_KIND, runs.c.status == "ok")
        .order_by(runs.c.started_at.desc(), runs.c.id.desc())
        .limit(1)
    ).first()
    if row is None or not row.counts:
        return None, {}
    return row.started_at, {str(k): str(v) for k, v in (row.counts.get("stages") or {}).items()}
