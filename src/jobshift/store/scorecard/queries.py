"""Set-based SQL behind scorecard categories 1–8 (inputs and output quality), SQLite and PostgreSQL.

Every function runs a handful of aggregate queries and returns counts plus a bounded drill-down
list; no query walks rows in Python. ``tracked`` is a SELECT of tracked contact ids (column
``contact_id``) supplied by the service layer. ``as_of`` (the end of the graded month) excludes
opportunities and accounts created later, so a past month is graded on what existed then.
Shared expressions (closed-won, customer, ICP) live here; :mod:`scorecard_leads` reuses them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    TableClause,
    and_,
    case,
    func,
    literal,
    not_,
    or_,
    select,
    union,
)
from sqlalchemy.sql.expression import FromClause

from jobshift.domain.scorecard.icp import IcpCriteria
from jobshift.store.schema import (
    accounts,
    contacts,
    opportunities,
    opportunity_contact_roles,
    outbox,
    signals,
)

o_ = opportunities
r_ = opportunity_contact_roles


def prepare_for_large_reads(conn: Connection) -> None:
    """On SQLite, map the file and enlarge the page cache for the scorecard's large random reads."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA mmap_size=2147483648")
        conn.exec_driver_sql("PRAGMA cache_size=-262144")


def _flag(cond: ColumnElement[bool]) -> ColumnElement[int]:
    """1 where ``cond`` holds else 0 (summable on both backends)."""
    return case((cond, 1), else_=0)


def won_cond(o: FromClause = o_) -> ColumnElement[bool]:
    """Closed-won: closed and won, or probability 100 (null-safe: never NULL)."""
    return or_(and_(o.c.is_closed.is_(True), o.c.is_won.is_(True)), func.coalesce(o.c.probability, 0) >= 100)


def open_cond(o: FromClause = o_) -> ColumnElement[bool]:
    """Open: not closed and not closed-won."""
    return and_(not_(o.c.is_closed.is_(True)), not_(won_cond(o)))


def opp_kind(o: FromClause = o_) -> ColumnElement[str]:
    """``closed_won`` | ``closed_lost`` | ``open``."""
    return case((won_cond(o), "closed_won"), (o.c.is_closed.is_(True), "closed_lost"), else_="open")


def existed(table: FromClause, as_of: datetime) -> ColumnElement[bool]:
    """Created before ``as_of`` (rows without a creation date count as always there)."""
    return or_(table.c.created_at.is_(None), table.c.created_at < as_of)


def open_opp_accounts(as_of: datetime) -> Select[Any]:
    """Account ids with an open opportunity."""
    return select(o_.c.account_id).where(open_cond(o_), existed(o_, as_of))


def customer_cond(a: FromClause, customer_types: Sequence[str], as_of: datetime) -> ColumnElement[bool]:
    """A customer account: its type is a customer type, or it has a closed-won opportunity."""
    won_accounts = select(o_.c.account_id).where(won_cond(o_), existed(o_, as_of))
    conds: list[ColumnElement[bool]] = [a.c.id.in_(won_accounts)]
    types = sorted({t.strip().lower() for t in customer_types if t.strip()})
    if types:
        conds.append(func.lower(func.trim(func.coalesce(a.c.type, ""))).in_(types))
    return or_(*conds)


def icp_failures(a: FromClause, icp: IcpCriteria) -> dict[str, ColumnElement[bool]]:
    """Per defined criterion, the (never NULL) condition under which an account fails it."""
    out: dict[str, ColumnElement[bool]] = {}
    for name, col, allowed in (
        ("industry", a.c.industry, icp.industries),
        ("country", a.c.country, icp.countries),
        ("segment", a.c.segment, icp.segments),
    ):
        if allowed:
            out[name] = or_(col.is_(None), func.lower(func.trim(col)).not_in(list(allowed)))
    if "employees" in icp.active_criteria:
        conds: list[ColumnElement[bool]] = [a.c.employees.is_(None)]
        if icp.min_employees is not None:
            conds.append(a.c.employees < icp.min_employees)
        if icp.max_employees is not None:
            conds.append(a.c.employees > icp.max_employees)
        out["employees"] = or_(*conds)
    return out


def icp_match(a: FromClause, icp: IcpCriteria) -> ColumnElement[bool]:
    """Matches every defined ICP criterion (false when the ICP is undefined)."""
    fails = icp_failures(a, icp)
    return not_(or_(*fails.values())) if fails else literal(False)


def target_or_icp(a: FromClause, icp: IcpCriteria) -> ColumnElement[bool]:
    """Flagged target, or matching the ICP."""
    return or_(a.c.is_target.is_(True), icp_match(a, icp))


# --- 1, 2, 3: contacts on opportunities ------------------------------------------------------


def _role_contacts(as_of: datetime, only_won: bool = False) -> Select[Any]:
    c = contacts
    q = select(r_.c.contact_id, opp_kind(o_).label("kind")).select_from(
        r_.join(o_, o_.c.id == r_.c.opportunity_id).join(c, c.c.id == r_.c.contact_id)
    )
    q = q.where(existed(o_, as_of))
    if only_won:
        q = select(r_.c.contact_id).select_from(
            r_.join(o_, o_.c.id == r_.c.opportunity_id).join(c, c.c.id == r_.c.contact_id)
        )
        q = q.where(existed(o_, as_of), won_cond(o_))
    return q.distinct()


def tracked_or_marked(tracked: Select[Any]) -> Select[Any]:
    """``tracked`` plus the contacts jobshift itself marked No Longer At Company (an applied
    ``update_contact``): they were tracked until jobshift saw them leave, so they are not "untracked"."""
    marked = select(outbox.c.target_id.label("contact_id")).where(
        outbox.c.kind == "update_contact", outbox.c.status == "applied", outbox.c.target_id.is_not(None)
    )
    u = union(tracked, marked).subquery("tm")
    return select(u.c.contact_id)


def tracked_at(conn: Connection, tracked: Select[Any], end: datetime) -> int:
    """The size of the tracked set as it was at ``end`` (a month's end): today's tracked contacts plus
    those jobshift marked departed since ``end`` (they were tracked then), of the contacts that existed by
    ``end`` (created before it, or of unknown creation)."""
    since = select(outbox.c.target_id.label("contact_id")).where(
        outbox.c.kind == "update_contact", outbox.c.status == "applied", outbox.c.applied_at >= end
    )
    u = union(tracked, since).subquery("ta")
    q = (
        select(func.count())
        .select_from(u.join(contacts, contacts.c.id == u.c.contact_id))
        .where(or_(contacts.c.created_at.is_(None), contacts.c.created_at < end))
    )
    return int(conn.execute(q).scalar_one())


def opp_contact_cohorts(
    conn: Connection, tracked: Select[Any], as_of: datetime
) -> dict[str, tuple[int, int]]:
    """Per opportunity kind: (contacts on such opportunities, of them tracked — or marked departed by
    jobshift). A contact on two kinds counts in both."""
    ck = _role_contacts(as_of).subquery("ck")
    t = tracked_or_marked(tracked).subquery("t")
    q = (
        select(ck.c.kind, func.count().label("available"), func.count(t.c.contact_id).label("tracked"))
        .select_from(ck.outerjoin(t, t.c.contact_id == ck.c.contact_id))
        .group_by(ck.c.kind)
    )
    out = {"closed_won": (0, 0), "open": (0, 0), "closed_lost": (0, 0)}
    for kind, available, n_tracked in conn.execute(q):
        out[kind] = (int(available), int(n_tracked))
    return out


def _untracked_reason(c: TableClause) -> ColumnElement[str]:
    return case(
        (c.c.account_id.is_(None), "no account"),
        (
            and_(func.coalesce(c.c.email, "") == "", func.coalesce(c.c.linkedin_url, "") == ""),
            "no email or LinkedIn",
        ),
        (c.c.email_opt_out.is_(True), "opted out"),
        (c.c.no_longer_at_company.is_(True), "no longer at company"),
        else_="not in the tracked set (cohort filter or cap)",
    )


def closed_won_untracked(
    conn: Connection, tracked: Select[Any], as_of: datetime, limit: int
) -> dict[str, Any]:
    """Closed-won opp contacts that are not tracked (nor marked departed by jobshift): counts by reason
    and the first ``limit``."""
    wc = _role_contacts(as_of, only_won=True).subquery("wc")
    t = tracked_or_marked(tracked).subquery("t")
    c, a = contacts, accounts
    reason = _untracked_reason(c).label("reason")
    src = (
        wc.join(c, c.c.id == wc.c.contact_id)
        .outerjoin(t, t.c.contact_id == wc.c.contact_id)
        .outerjoin(a, a.c.id == c.c.account_id)
    )
    by_reason = conn.execute(
        select(reason, func.count()).select_from(src).where(t.c.contact_id.is_(None)).group_by(reason)
    ).all()
    rows = conn.execute(
        select(
            c.c.id,
            c.c.first_name,
            c.c.last_name,
            c.c.title,
            c.c.account_id,
            a.c.name.label("account"),
            reason,
        )
        .select_from(src)
        .where(t.c.contact_id.is_(None))
        .order_by(c.c.id)
        .limit(limit)
    ).mappings()
    return {
        "by_reason": dict(sorted(((r, int(n)) for r, n in by_reason), key=lambda x: (-x[1], x[0]))),
        "records": [dict(r) for r in rows],
    }


def closed_won_titles(conn: Connection, as_of: datetime) -> list[tuple[str | None, int]]:
    """Distinct titles of closed-won opp contacts with how many contacts hold each."""
    wc = _role_contacts(as_of, only_won=True).subquery("wc")
    c = contacts
    q = select(c.c.title, func.count()).select_from(wc.join(c, c.c.id == wc.c.contact_id)).group_by(c.c.title)
    return [(t, int(n)) for t, n in conn.execute(q)]


# --- 4, 5: accounts ------------------------------------------------------------------------


def account_kinds(
    conn: Connection, icp: IcpCriteria, customer_types: Sequence[str], as_of: datetime
) -> dict[str, int]:
    """Accounts of each kind: target (flag), ICP-matching, target-or-ICP, open-opp, customer."""
    a = accounts.alias("a")
    q = select(
        func.count().label("accounts"),
        func.coalesce(func.sum(_flag(a.c.is_target.is_(True))), 0).label("target_flagged"),
        func.coalesce(func.sum(_flag(icp_match(a, icp))), 0).label("icp_matching"),
        func.coalesce(func.sum(_flag(target_or_icp(a, icp))), 0).label("target_or_icp"),
        func.coalesce(func.sum(_flag(a.c.id.in_(open_opp_accounts(as_of)))), 0).label("open_opportunity"),
        func.coalesce(func.sum(_flag(customer_cond(a, customer_types, as_of))), 0).label("customer"),
    ).where(existed(a, as_of))
    row = conn.execute(q).mappings().one()
    return {k: int(v or 0) for k, v in row.items()}


def customer_icp(
    conn: Connection, icp: IcpCriteria, customer_types: Sequence[str], as_of: datetime, limit: int
) -> dict[str, Any]:
    """Customer accounts vs the ICP: totals, failures per criterion, the accounts outside, and per
    criterion the values that would bring in most customers failing only that criterion."""
    a = accounts.alias("a")
    fails = icp_failures(a, icp)
    cols = [_flag(cond).label(f"fail_{k}") for k, cond in fails.items()]
    cust = (
        select(a.c.id, a.c.name, a.c.industry, a.c.country, a.c.segment, a.c.employees, *cols)
        .where(customer_cond(a, customer_types, as_of), existed(a, as_of))
        .subquery("cust")
    )
    any_fail = or_(*[cust.c[f"fail_{k}"] == 1 for k in fails]) if fails else literal(False)
    totals = (
        conn.execute(
            select(
                func.count().label("customers"),
                *[func.coalesce(func.sum(cust.c[f"fail_{k}"]), 0).label(k) for k in fails],
            ).select_from(cust)
        )
        .mappings()
        .one()
    )
    n_customers = int(totals["customers"])
    outside = conn.execute(select(func.count()).select_from(cust).where(any_fail)).scalar_one()
    records = [
        {
            "id": r.id,
            "name": r.name,
            "industry": r.industry,
            "country": r.country,
            "segment": r.segment,
            "employees": r.employees,
            "excluded_by": [k for k in fails if r._mapping[f"fail_{k}"] == 1],
        }
        for r in conn.execute(select(cust).where(any_fail).order_by(cust.c.name, cust.c.id).limit(limit))
    ]
    suggestions: dict[str, Any] = {}
    for k in fails:
        only_k = and_(cust.c[f"fail_{k}"] == 1, *[cust.c[f"fail_{o}"] == 0 for o in fails if o != k])
        if k == "employees":
            lo, hi, n = conn.execute(
                select(func.min(cust.c.employees), func.max(cust.c.employees), func.count()).where(
                    only_k, cust.c.employees.is_not(None)
                )
            ).one()
            if n:
                suggestions[k] = {"min_employees": lo, "max_employees": hi, "would_add": int(n)}
            continue
        val = func.lower(func.trim(cust.c[k]))
        top = conn.execute(
            select(val.label("value"), func.count().label("n"))
            .where(only_k, cust.c[k].is_not(None))
            .group_by(val)
            .order_by(func.count().desc(), val)
            .limit(5)
        ).all()
        if top:
            suggestions[k] = [{"value": v, "would_add": int(n)} for v, n in top]
    return {
        "customers": n_customers,
        "outside": int(outside),
        "matching": n_customers - int(outside) if fails else 0,
        "by_criterion": {k: int(totals[k]) for k in fails},
        "records": records,
        "suggestions": suggestions,
    }


# --- 6: signals ----------------------------------------------------------------------------


def signal_filtering(
    conn: Connection, start: datetime, end: datetime, limit: int, types: Sequence[str]
) -> dict[str, Any]:
    """Signals of ``types`` detected in [start, end): totals by status, filtered ones by reason, the first
    ``limit``."""
    s = signals
    in_period = and_(s.c.detected_at >= start, s.c.detected_at < end, s.c.type.in_(list(types)))
    by_status: dict[str, int] = {
        str(st): int(n)
        for st, n in conn.execute(select(s.c.status, func.count()).where(in_period).group_by(s.c.status))
    }
    detected = sum(int(n) for n in by_status.values())
    by_reason = {
        st.split(":", 1)[1] or "unspecified": int(n)
        for st, n in by_status.items()
        if st.startswith("suppressed:")
    }
    rows = conn.execute(
        select(
            s.c.signal_id,
            s.c.type,
            s.c.full_name,
            s.c.new_company,
            s.c.new_title,
            s.c.status,
            s.c.detected_at,
        )
        .where(in_period, s.c.status.like("suppressed:%"))
        .order_by(s.c.detected_at, s.c.signal_id)
        .limit(limit)
    ).mappings()
    return {
        "detected": detected,
        "filtered": sum(by_reason.values()),
        "by_status": {k: int(v) for k, v in sorted(by_status.items())},
        "by_reason": dict(sorted(by_reason.items(), key=lambda x: (-x[1], x[0]))),
        "records": [
            {**dict(r), "reason": r["status"].split(":", 1)[1], "detected_at": r["detected_at"].isoformat()}
            for r in rows
        ],
    }
