"""The dashboard funnel's SQL: tracked contacts, detected signals and jobshift leads grouped by month.

Each statement groups by month once (``None``: rows without a date); the service sums the groups for the
all-time totals. Lead stages use the scorecard's definitions (``store/scorecard/leads.py``): contacted =
an activity on the lead or its converted contact at or after the lead's creation
(``activity_of_lead``); meeting = such an activity of a ``[scorecard] meeting_activity_types`` type,
any case (``meeting_activity``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, case, func, inspect, select

from jobshift.store.schema import contacts, leads, opportunities, signals
from jobshift.store.scorecard.leads import jobshift_lead, lead_activity, lead_touched, meeting_activity

Groups = dict[str | None, dict[str, Any]]


def month_key(conn: Connection, col: Any) -> Any:
    """``YYYY-MM`` of a timestamp column, in the connection's SQL dialect (SQLite stores timestamps
    as ISO text, so the first 7 characters are the month — much cheaper than ``strftime``)."""
    if conn.dialect.name == "postgresql":
        return func.to_char(col, "YYYY-MM")
    return func.substr(col, 1, 7)


def _grouped(conn: Connection, stmt: Any) -> Groups:
    return {r["m"]: dict(r) for r in conn.execute(stmt).mappings()}


def tracked_by_month(
    conn: Connection, tracked_table: str, tracked: Select[Any], scope: ColumnElement[bool]
) -> Groups:
    """Tracked contacts in ``scope`` by the month they were created (``n``). Without the tracking table
    (no ``track`` run yet) the tracked set is every contact with an account."""
    tm = month_key(conn, contacts.c.created_at).label("m")
    if inspect(conn).has_table(tracked_table):
        ids = tracked.subquery()
        src: Any = contacts.join(ids, ids.c.contact_id == contacts.c.id)
        where: Any = scope
    else:  # the default tracked set, without joining contacts to themselves
        src, where = contacts, and_(contacts.c.account_id.isnot(None), scope)
    return _grouped(conn, select(tm, func.count().label("n")).select_from(src).where(where).group_by(tm))


def detected_by_month(conn: Connection, scope: ColumnElement[bool]) -> Groups:
    """Signals in ``scope`` by the month they were detected (``n``)."""
    dm = month_key(conn, signals.c.detected_at).label("m")
    return _grouped(conn, select(dm, func.count().label("n")).where(scope).group_by(dm))


def leads_by_month(
    conn: Connection, sources: Sequence[str], meeting_types: Sequence[str], scope: ColumnElement[bool]
) -> Groups:
    """Jobshift leads in ``scope`` by creation month: ``pushed``, ``contacted``, ``meeting``, and the
    opportunities they converted to (``pipeline`` / ``pipeline_amount``, ``won`` / ``won_amount``).

    Both shapes count the same activities (:func:`~jobshift.store.scorecard.leads.activity_of_lead`,
    :func:`~jobshift.store.scorecard.leads.meeting_activity`): PostgreSQL aggregates them per lead in one
    hash join (2.3× faster than per-lead probes for an admin at 100,000 leads); SQLite probes the
    ``who_id`` index per lead (the aggregate was 1.2–1.7× slower there); see benchmarks/RESULTS.md."""
    opp = opportunities
    won = opp.c.is_won.is_(True)
    money = (
        func.count(opp.c.id).label("pipeline"),
        func.sum(opp.c.amount).label("pipeline_amount"),
        func.sum(case((won, 1), else_=0)).label("won"),
        func.sum(case((won, opp.c.amount), else_=0)).label("won_amount"),
    )
    if conn.dialect.name == "postgresql":
        wl = (
            select(
                leads.c.id, leads.c.created_at, leads.c.converted_contact_id, leads.c.converted_opportunity_id
            )
            .where(jobshift_lead(sources), scope)
            .subquery("wl")
        )
        act = lead_activity(wl, meeting_types, None)
        m = month_key(conn, wl.c.created_at).label("m")
        stmt = (
            select(
                m,
                func.count().label("pushed"),
                func.sum(case((act.c.n > 0, 1), else_=0)).label("contacted"),
                func.sum(case((act.c.meetings > 0, 1), else_=0)).label("meeting"),
                *money,
            )
            .select_from(
                wl.outerjoin(act, act.c.lead_id == wl.c.id).outerjoin(
                    opp, opp.c.id == wl.c.converted_opportunity_id
                )
            )
            .group_by(m)
        )
        return _grouped(conn, stmt)
    m = month_key(conn, leads.c.created_at).label("m")
    meeting = lead_touched(leads, None, meeting_activity(meeting_types))
    stmt = (
        select(
            m,
            func.count().label("pushed"),
            func.sum(case((lead_touched(leads, None), 1), else_=0)).label("contacted"),
            func.sum(case((meeting, 1), else_=0)).label("meeting"),
            *money,
        )
        .select_from(leads.outerjoin(opp, opp.c.id == leads.c.converted_opportunity_id))
        .where(jobshift_lead(sources), scope)
        .group_by(m)
    )
    return _grouped(conn, stmt)
