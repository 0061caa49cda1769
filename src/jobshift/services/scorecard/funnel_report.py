"""The funnel, in total and month by month, from three set-based GROUP BY statements.

Stages (scoped to what the viewer may see):

- tracked: the tracked set (``store.tracking``); per month, the tracked contacts created up to
  the end of that month (contacts without ``created_at`` count from the start)
- detected: signals, by the month they were detected
- pushed: leads jobshift created (with a signal or one of the program's lead sources), by the month
  they were created; contacted / meeting / pipeline / won are those same leads (a cohort by creation
  month): with an activity / a ``Meeting`` activity on the lead or its converted contact, converted to
  an opportunity / a won one, with the opportunity amounts

Each statement groups by month once; the totals are the sums of the groups (the row without a date
included), so the all-time funnel and the monthly view cost the same three scans.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, case, exists, func, inspect, or_, select

from jobshift.services.admin.auth import AppUser
from jobshift.services.browse.browse import contact_scope, lead_scope, signal_scope
from jobshift.services.workspace import Workspace
from jobshift.store.schema import activities, contacts, leads, opportunities, signals
from jobshift.store.tracking import TRACKED_TABLE, tracked_contacts_query
from jobshift.utils.timeutil import utcnow

STAGES = ("tracked", "detected", "pushed", "contacted", "meeting", "pipeline", "won")
MONEY_STAGES = ("pipeline", "won")
_SUMS = ("pushed", "contacted", "meeting", "pipeline", "pipeline_amount", "won", "won_amount")


@dataclass
class FunnelReport:
    """The funnel in total and for each of ``months`` (oldest first)."""

    total: list[dict[str, Any]]
    months: list[str]
    monthly: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """stage → one ``{"month", "count", "amount"}`` per month of ``months``."""


def month_key(conn: Connection, col: Any) -> Any:
    """``YYYY-MM`` of a timestamp column, in the connection's SQL dialect (SQLite stores timestamps
    as ISO text, so the first 7 characters are the month — much cheaper than ``strftime``)."""
    if conn.dialect.name == "postgresql":
        return func.to_char(col, "YYYY-MM")
    return func.substr(col, 1, 7)


def last_months(n: int, now: datetime | None = None) -> list[str]:
    """The ``n`` months up to and including the current one, oldest first, as ``YYYY-MM``."""
    now = now or utcnow()
    idx = now.year * 12 + now.month - 1
    return [f"{(i // 12):04d}-{(i % 12) + 1:02d}" for i in range(idx - n + 1, idx + 1)]


def _grouped(conn: Connection, stmt: Any) -> dict[str | None, dict[str, Any]]:
    return {r["m"]: dict(r) for r in conn.execute(stmt).mappings()}


def _lead_groups(conn: Connection, viewer: AppUser, sources: list[str]) -> dict[str | None, dict[str, Any]]:
    def touched(*extra: Any) -> Any:
        return exists().where(
            or_(activities.c.who_id == leads.c.id, activities.c.who_id == leads.c.converted_contact_id),
            *extra,
        )

    opp = opportunities
    m = month_key(conn, leads.c.created_at).label("m")
    stmt = (
        select(
            m,
            func.count().label("pushed"),
            func.sum(case((touched(), 1), else_=0)).label("contacted"),
            func.sum(case((touched(activities.c.type == "Meeting"), 1), else_=0)).label("meeting"),
            func.count(opp.c.id).label("pipeline"),
            func.sum(opp.c.amount).label("pipeline_amount"),
            func.sum(case((opp.c.is_won.is_(True), 1), else_=0)).label("won"),
            func.sum(case((opp.c.is_won.is_(True), opp.c.amount), else_=0)).label("won_amount"),
        )
        .select_from(leads.outerjoin(opp, opp.c.id == leads.c.converted_opportunity_id))
        .where(and_(or_(leads.c.signal_id.isnot(None), leads.c.lead_source.in_(sources)), lead_scope(viewer)))
        .group_by(m)
    )
    return _grouped(conn, stmt)


def funnel_report(
    ws: Workspace, viewer: AppUser, *, months: int = 12, now: datetime | None = None
) -> FunnelReport:
    """The funnel scoped to ``viewer``: all-time totals and the last ``months`` months."""
    program = ws.config.program
    sources = [program.contact_tracking_lead_source, program.target_tracking_lead_source]
    window = last_months(months, now)
    with ws.store.connect() as conn:
        tm = month_key(conn, contacts.c.created_at).label("m")
        if inspect(conn).has_table(TRACKED_TABLE):
            tracked_ids = tracked_contacts_query(conn).subquery()
            tracked_from: Any = contacts.join(tracked_ids, tracked_ids.c.contact_id == contacts.c.id)
            tracked_where: Any = contact_scope(viewer)
        else:  # the default tracked set, without joining contacts to themselves
            tracked_from, tracked_where = (
                contacts,
                and_(contacts.c.account_id.isnot(None), contact_scope(viewer)),
            )
        tracked = _grouped(
            conn,
            select(tm, func.count().label("n")).select_from(tracked_from).where(tracked_where).group_by(tm),
        )
        dm = month_key(conn, signals.c.detected_at).label("m")
        detected = _grouped(
            conn, select(dm, func.count().label("n")).where(signal_scope(viewer)).group_by(dm)
        )
        pushed = _lead_groups(conn, viewer, sources)

    def total(groups: dict[str | None, dict[str, Any]], key: str) -> float:
        return sum(float(g[key] or 0) for g in groups.values())

    sums = {k: total(pushed, k) for k in _SUMS}
    counts: dict[str, tuple[float, float | None]] = {
        "tracked": (total(tracked, "n"), None),
        "detected": (total(detected, "n"), None),
        **{
            s: (sums[s], sums.get(f"{s}_amount"))
            for s in ("pushed", "contacted", "meeting", "pipeline", "won")
        },
    }
    report = FunnelReport(
        total=[
            {"stage": s, "count": int(counts[s][0]), "amount": counts[s][1] if s in MONEY_STAGES else None}
            for s in STAGES
        ],
        months=window,
    )
    # tracked is a stock: everything created up to the month's end (undated contacts always count)
    running = sum(int(g["n"]) for m, g in tracked.items() if m is None or m < window[0])
    tracked_by_month = []
    for month in window:
        running += int(tracked.get(month, {}).get("n") or 0)
        tracked_by_month.append(running)
    report.monthly["tracked"] = [
        {"month": m, "count": n, "amount": None} for m, n in zip(window, tracked_by_month, strict=True)
    ]
    report.monthly["detected"] = [
        {"month": m, "count": int(detected.get(m, {}).get("n") or 0), "amount": None} for m in window
    ]
    for s in ("pushed", "contacted", "meeting", "pipeline", "won"):
        report.monthly[s] = [
            {
                "month": m,
                "count": int(pushed.get(m, {}).get(s) or 0),
                "amount": float(pushed.get(m, {}).get(f"{s}_amount") or 0) if s in MONEY_STAGES else None,
            }
            for m in window
        ]
    return report
