"""Set-based SQL behind scorecard categories 7–11, the funnel's lead stages and attribution.

A *jobshift lead* is a lead created from a signal (``signal_id`` set) or carrying one of the
program's lead sources. Its activities are those whose ``who_id`` is the lead or the contact it
was converted to, at or after the lead's creation and before the end of the graded period.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    DateTime,
    MetaData,
    String,
    Table,
    and_,
    case,
    cast,
    extract,
    func,
    insert,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy import Integer as SAInteger
from sqlalchemy.sql.expression import FromClause, Subquery

from jobshift.domain.outreach.crm_write import DRAFT_MARK
from jobshift.domain.scorecard.attribution import OpportunityEvidence
from jobshift.domain.scorecard.icp import IcpCriteria
from jobshift.store.schema import accounts, activities, leads, opportunities, opportunity_contact_roles, users
from jobshift.store.scorecard.queries import (
    _flag,
    customer_cond,
    existed,
    open_cond,
    open_opp_accounts,
    target_or_icp,
    won_cond,
)

l_ = leads
ac_ = activities


def jobshift_lead(sources: Sequence[str], lead: FromClause = l_) -> ColumnElement[bool]:
    """A lead jobshift created: from a signal, or with one of the program's lead sources."""
    return or_(lead.c.signal_id.is_not(None), lead.c.lead_source.in_(list(sources)))


def _created_in(start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(l_.c.created_at >= start, l_.c.created_at < end)


def lead_titles(
    conn: Connection, sources: Sequence[str], start: datetime, end: datetime
) -> list[tuple[str | None, int]]:
    """Distinct titles of jobshift leads created in [start, end) with their counts."""
    q = (
        select(l_.c.title, func.count())
        .where(jobshift_lead(sources), _created_in(start, end))
        .group_by(l_.c.title)
    )
    return [(t, int(n)) for t, n in conn.execute(q)]


def lead_landing(
    conn: Connection,
    sources: Sequence[str],
    start: datetime,
    end: datetime,
    icp: IcpCriteria,
    customer_types: Sequence[str],
    limit: int,
) -> dict[str, Any]:
    """Where the jobshift leads of [start, end) landed: ``relevant`` (target/ICP, not a customer, no
    open opp), ``customer``, ``open opportunity``, ``not target, outside ICP``, ``no CRM account``."""
    a = accounts.alias("a")
    cls = case(
        (
            a.c.id.is_(None),
            case(
                (l_.c.is_customer_company.is_(True), "customer"),
                (l_.c.is_target_company.is_(True), "relevant"),
                else_="no CRM account",
            ),
        ),
        (customer_cond(a, customer_types, end), "customer"),
        (a.c.id.in_(open_opp_accounts(end)), "open opportunity"),
        (target_or_icp(a, icp), "relevant"),
        else_="not target, outside ICP",
    ).label("landed")
    src = l_.outerjoin(a, a.c.id == func.coalesce(l_.c.matched_account_id, l_.c.converted_account_id))
    where = and_(jobshift_lead(sources), _created_in(start, end))
    by_class = {
        k: int(n)
        for k, n in conn.execute(select(cls, func.count()).select_from(src).where(where).group_by(cls))
    }
    rows = conn.execute(
        select(
            l_.c.id, l_.c.first_name, l_.c.last_name, l_.c.company, l_.c.title, a.c.name.label("account"), cls
        )
        .select_from(src)
        .where(where, cls != "relevant")
        .order_by(l_.c.created_at, l_.c.id)
        .limit(limit)
    ).mappings()
    return {"by_class": dict(sorted(by_class.items())), "records": [dict(r) for r in rows]}


def _days_between(dialect: str, later: Any, earlier: Any) -> ColumnElement[int]:
    """Whole days elapsed (floor; both arguments are timestamps with later >= earlier)."""
    if dialect == "sqlite":
        return cast(func.julianday(later) - func.julianday(earlier), SAInteger)
    return cast(func.floor(extract("epoch", later - earlier) / 86400), SAInteger)


def meeting_activity(meeting_types: Sequence[str]) -> ColumnElement[bool]:
    """An activity that is a meeting: its type is one of ``[scorecard] meeting_activity_types``
    (case-insensitive). The one definition of "meeting held", for the scorecard and the dashboard."""
    return func.lower(ac_.c.type).in_(sorted({m.lower() for m in meeting_types}) or [""])


def activity_of_lead(who_id: Any, lead_created_at: Any, end: datetime | None) -> list[ColumnElement[bool]]:
    """The activities that count for a lead: on the lead or the contact it was converted to (``who_id``
    is one of them), at or after the lead's creation and, with ``end``, before it. The one definition of
    a lead's activities, for the scorecard and the dashboard funnel. A draft jobshift wrote to the CRM
    (``[outreach] crm_write``: its subject starts with ``[jobshift draft]``) is not a touch."""
    on = [
        ac_.c.who_id == who_id,
        ac_.c.occurred_at >= lead_created_at,
        or_(ac_.c.subject.is_(None), ~ac_.c.subject.startswith(DRAFT_MARK, autoescape=True)),
    ]
    if end is not None:
        on.append(ac_.c.occurred_at < end)
    return on


def lead_touched(lead: FromClause, end: datetime | None, *extra: ColumnElement[bool]) -> ColumnElement[bool]:
    """Whether a lead row of ``lead`` has an activity (:func:`activity_of_lead`) meeting ``extra``: a
    correlated EXISTS per lead on the lead and on its converted contact (each an index probe)."""
    return or_(
        *(
            select(ac_.c.id).where(*activity_of_lead(who, lead.c.created_at, end), *extra).exists()
            for who in (lead.c.id, lead.c.converted_contact_id)
        )
    )


def lead_activity(
    wl: Subquery, meeting_types: Sequence[str], end: datetime | None, reply_types: Sequence[str] | None = None
) -> Subquery:
    """Per lead of ``wl`` (columns ``id``, ``created_at``, ``converted_contact_id``) that was touched:
    its activity count, meetings and first activity (and, with ``reply_types``, ``replies``: activities of
    those types, any case). The one definition of a lead's activities (scorecard and dashboard): those
    on the lead or the contact it was converted to, at or after the lead's creation and, with ``end``,
    before it."""
    who = union_all(
        select(wl.c.id.label("who_id"), wl.c.id.label("lead_id"), wl.c.created_at),
        select(wl.c.converted_contact_id, wl.c.id, wl.c.created_at).where(
            wl.c.converted_contact_id.is_not(None)
        ),
    ).subquery("who")
    on = activity_of_lead(who.c.who_id, who.c.created_at, end)
    replies = [] if reply_types is None else [func.sum(_flag(meeting_activity(reply_types))).label("replies")]
    return (
        select(
            who.c.lead_id,
            func.count(ac_.c.id).label("n"),
            func.sum(_flag(meeting_activity(meeting_types))).label("meetings"),
            func.min(ac_.c.occurred_at).label("first_at"),
            *replies,
        )
        .select_from(who.join(ac_, and_(*on)))
        .group_by(who.c.lead_id)
        .subquery("act")
    )


def _per_lead(
    dialect: str, sources: Sequence[str], start: datetime, end: datetime, meeting_types: Sequence[str]
) -> Subquery:
    """One row per jobshift lead created in [start, end): owner, activity count, meetings, days to first."""
    wl = (
        select(l_.c.id, l_.c.owner_id, l_.c.created_at, l_.c.converted_contact_id)
        .where(jobshift_lead(sources), _created_in(start, end))
        .subquery("wl")
    )
    act = lead_activity(wl, meeting_types, end)
    return (
        select(
            wl.c.id,
            wl.c.owner_id,
            wl.c.created_at,
            func.coalesce(act.c.n, 0).label("n"),
            func.coalesce(act.c.meetings, 0).label("meetings"),
            _days_between(dialect, act.c.first_at, wl.c.created_at).label("days"),
        )
        .select_from(wl.outerjoin(act, act.c.lead_id == wl.c.id))
        .subquery("pl")
    )


def per_lead_table(
    conn: Connection, sources: Sequence[str], start: datetime, end: datetime, meeting_types: Sequence[str]
) -> Table:
    """The per-lead aggregate of [start, end) materialized once as a temporary table (several queries
    read it; recomputing the activity join each time dominated the adoption categories on SQLite).
    Drop it with :func:`drop_per_lead_table`."""
    t = Table(
        f"tmp_scorecard_pl_{uuid.uuid4().hex[:12]}",
        MetaData(),
        Column("id", String(64), primary_key=True),
        Column("owner_id", String(64)),
        Column("created_at", DateTime),
        Column("n", SAInteger),
        Column("meetings", SAInteger),
        Column("days", SAInteger),
        prefixes=["TEMPORARY"],
    )
    t.create(conn)
    pl = _per_lead(conn.dialect.name, sources, start, end, meeting_types)
    cols = ["id", "owner_id", "created_at", "n", "meetings", "days"]
    conn.execute(insert(t).from_select(cols, select(*(pl.c[c] for c in cols))))
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"ANALYZE {t.name}")
    return t


def drop_per_lead_table(conn: Connection, t: Table) -> None:
    """Drop a table made by :func:`per_lead_table`."""
    t.drop(conn, checkfirst=False)


def lead_activity_totals(
    conn: Connection,
    sources: Sequence[str],
    start: datetime,
    end: datetime,
    meeting_types: Sequence[str],
    pl: FromClause | None = None,
) -> dict[str, Any]:
    """Leads created in [start, end): count, contacted, with a meeting, activities, days histogram.
    ``pl``: the same leads already materialized by :func:`per_lead_table`."""
    if pl is None:
        pl = _per_lead(conn.dialect.name, sources, start, end, meeting_types)
    row = (
        conn.execute(
            select(
                func.count().label("leads"),
                func.coalesce(func.sum(_flag(pl.c.n > 0)), 0).label("contacted"),
                func.coalesce(func.sum(_flag(pl.c.meetings > 0)), 0).label("meeting_held"),
                func.coalesce(func.sum(pl.c.n), 0).label("activities"),
                func.coalesce(func.sum(_flag(pl.c.n == 1)), 0).label("touched_once"),
            )
        )
        .mappings()
        .one()
    )
    hist = conn.execute(select(pl.c.days, func.count()).where(pl.c.n > 0).group_by(pl.c.days)).all()
    out: dict[str, Any] = {k: int(v) for k, v in row.items()}
    out["days_histogram"] = {int(d): int(n) for d, n in hist}
    return out


def _owner_name(owner: Any) -> Any:
    return select(users.c.name).where(users.c.id == owner).scalar_subquery()


def lead_adoption_drilldown(
    conn: Connection,
    sources: Sequence[str],
    start: datetime,
    end: datetime,
    limit: int,
    pl: FromClause | None = None,
) -> dict[str, Any]:
    """Uncontacted leads by owner, oldest untouched leads, slowest owners, leads touched once.
    ``pl``: the same leads already materialized by :func:`per_lead_table`."""
    if pl is None:
        pl = _per_lead(conn.dialect.name, sources, start, end, ())
    owner = func.coalesce(pl.c.owner_id, "")
    by_owner = conn.execute(
        select(
            owner.label("owner_id"), _owner_name(pl.c.owner_id).label("owner"), func.count().label("leads")
        )
        .where(pl.c.n == 0)
        .group_by(pl.c.owner_id)
        .order_by(func.count().desc(), owner)
        .limit(limit)
    ).mappings()
    slow = conn.execute(
        select(
            owner.label("owner_id"),
            _owner_name(pl.c.owner_id).label("owner"),
            func.avg(pl.c.days).label("mean_days"),
            func.count().label("contacted_leads"),
        )
        .where(pl.c.n > 0)
        .group_by(pl.c.owner_id)
        .order_by(func.avg(pl.c.days).desc(), owner)
        .limit(limit)
    ).mappings()

    def lead_rows(cond: ColumnElement[bool]) -> list[dict[str, Any]]:
        q = (
            select(l_.c.id, l_.c.first_name, l_.c.last_name, l_.c.company, l_.c.owner_id, l_.c.created_at)
            .select_from(pl.join(l_, l_.c.id == pl.c.id))
            .where(cond)
            .order_by(l_.c.created_at, l_.c.id)
            .limit(limit)
        )
        return [{**dict(r), "created_at": r["created_at"].isoformat()} for r in conn.execute(q).mappings()]

    return {
        "uncontacted_by_owner": [dict(r) for r in by_owner],
        "oldest_untouched": lead_rows(pl.c.n == 0),
        "slowest_owners": [{**dict(r), "mean_days": round(float(r["mean_days"]), 2)} for r in slow],
        "touched_once": lead_rows(pl.c.n == 1),
    }


def attribution_evidence(
    conn: Connection, sources: Sequence[str], start: datetime, end: datetime, min_activities: int
) -> list[OpportunityEvidence]:
    """Opportunities created (or closed-won) in [start, end) with the jobshift leads that could be
    credited for them as sourced / assisted / suspected (see :mod:`jobshift.domain.scorecard.attribution`)."""
    o = opportunities
    r = opportunity_contact_roles
    close_start, close_end = start.date(), end.date()
    won_in = and_(won_cond(o), o.c.close_date >= close_start, o.c.close_date < close_end)
    created_in = and_(o.c.created_at >= start, o.c.created_at < end)
    m = (
        select(
            o.c.id,
            o.c.name,
            o.c.amount,
            o.c.account_id,
            o.c.created_at,
            _flag(created_in).label("created_in"),
            _flag(won_in).label("won_in"),
            _flag(open_cond(o)).label("is_open"),
        )
        .where(or_(created_in, won_in))
        .subquery("m")
    )
    jl = (
        select(
            l_.c.id.label("lead_id"),
            l_.c.converted_contact_id.label("contact_id"),
            func.coalesce(l_.c.matched_account_id, l_.c.converted_account_id).label("account_id"),
            l_.c.created_at,
        )
        .where(jobshift_lead(sources), existed(l_, end))
        .subquery("jl")
    )
    who = union_all(
        select(jl.c.lead_id.label("who_id"), jl.c.lead_id, jl.c.created_at),
        select(jl.c.contact_id, jl.c.lead_id, jl.c.created_at).where(jl.c.contact_id.is_not(None)),
    ).subquery("who")
    after_created = or_(who.c.created_at.is_(None), ac_.c.occurred_at >= who.c.created_at)
    la = (
        select(who.c.lead_id, func.count(ac_.c.id).label("n"), func.min(ac_.c.occurred_at).label("first_at"))
        .select_from(
            who.join(ac_, and_(ac_.c.who_id == who.c.who_id, ac_.c.occurred_at < end, after_created))
        )
        .group_by(who.c.lead_id)
        .subquery("la")
    )
    rm = (
        select(
            r.c.opportunity_id, r.c.contact_id, func.coalesce(r.c.created_at, m.c.created_at).label("role_at")
        )
        .select_from(r.join(m, m.c.id == r.c.opportunity_id))
        .subquery("rm")
    )
    first = (
        select(rm.c.opportunity_id, func.min(rm.c.role_at).label("first_at"))
        .group_by(rm.c.opportunity_id)
        .subquery("f")
    )
    is_first = or_(first.c.first_at.is_(None), rm.c.role_at.is_(None), rm.c.role_at <= first.c.first_at)
    credited = select(
        rm.c.opportunity_id, jl.c.lead_id, case((is_first, "sourced"), else_="assisted").label("kind")
    ).select_from(
        rm.join(first, first.c.opportunity_id == rm.c.opportunity_id)
        .join(jl, jl.c.contact_id == rm.c.contact_id)
        .join(la, and_(la.c.lead_id == jl.c.lead_id, la.c.n > 0))
    )
    has_role = (
        select(r.c.contact_id).where(r.c.opportunity_id == m.c.id, r.c.contact_id == jl.c.contact_id).exists()
    )
    suspected = (
        select(m.c.id, jl.c.lead_id, literal("suspected").label("kind"))
        .select_from(m.join(jl, jl.c.account_id == m.c.account_id).join(la, la.c.lead_id == jl.c.lead_id))
        .where(m.c.is_open == 1, la.c.n >= min_activities, la.c.first_at < m.c.created_at, ~has_role)
    )
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for opp_id, lead_id, kind in conn.execute(union_all(credited, suspected)):
        found[opp_id][kind].add(lead_id)
    if not found:
        return []
    info = {
        row.id: row
        for chunk in _chunks(sorted(found), 900)
        for row in conn.execute(select(m).where(m.c.id.in_(chunk)))
    }
    return [
        OpportunityEvidence(
            opportunity_id=opp_id,
            name=info[opp_id].name,
            amount=info[opp_id].amount,
            created_in_period=bool(info[opp_id].created_in),
            won_in_period=bool(info[opp_id].won_in),
            sourced_by=tuple(sorted(kinds.get("sourced", ()))),
            assisted_by=tuple(sorted(kinds.get("assisted", ()))),
            suspected_by=tuple(sorted(kinds.get("suspected", ()))),
        )
        for opp_id, kinds in sorted(found.items())
    ]


def _chunks(items: list[str], n: int) -> list[list[str]]:
    return [items[i : i + n] for i in range(0, len(items), n)]


def count_jobshift_leads(conn: Connection, sources: Sequence[str], start: datetime, end: datetime) -> int:
    """Jobshift leads created in [start, end)."""
    return int(
        conn.execute(select(func.count()).where(jobshift_lead(sources), _created_in(start, end))).scalar_one()
    )
