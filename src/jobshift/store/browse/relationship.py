"""What the lead page needs to answer "why should I call?": the person's past deals (with their role), the
last activity with them, the current account's open opportunities and ICP fields, and the timeline of
their observations in the people feed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, or_, select

from jobshift.store.schema import (
    accounts,
    activities,
    opportunities,
    opportunity_contact_roles,
    people_observations,
    users,
)

MAX_DEALS = 20
MAX_OBSERVATIONS = 50


def past_deals(conn: Connection, contact_id: str | None) -> list[dict[str, Any]]:
    """The won and open opportunities the contact had a role on: name, stage, role, amount, close date,
    ``is_won``/``is_closed``; won first, then the newest close date."""
    if not contact_id:
        return []
    o, r = opportunities, opportunity_contact_roles
    q = (
        select(
            o.c.id,
            o.c.name,
            o.c.stage,
            o.c.stage_number,
            o.c.type,
            o.c.amount,
            o.c.close_date,
            o.c.is_won,
            o.c.is_closed,
            o.c.account_id,
            r.c.role,
            r.c.is_primary,
        )
        .select_from(r.join(o, o.c.id == r.c.opportunity_id))
        .where(r.c.contact_id == contact_id, or_(o.c.is_won.is_(True), o.c.is_closed.isnot(True)))
        .order_by(o.c.is_won.desc(), o.c.close_date.desc(), o.c.id)
        .limit(MAX_DEALS)
    )
    return [dict(row) for row in conn.execute(q).mappings()]


def last_activity(conn: Connection, *who_ids: str | None) -> dict[str, Any] | None:
    """The newest activity on any of ``who_ids`` (a contact, a lead), with its owner's name."""
    ids = [w for w in who_ids if w]
    if not ids:
        return None
    owner = users.alias("owner")
    q = (
        select(
            activities.c.id,
            activities.c.type,
            activities.c.subject,
            activities.c.occurred_at,
            activities.c.who_id,
            owner.c.name.label("owner_name"),
        )
        .select_from(activities.outerjoin(owner, owner.c.id == activities.c.owner_id))
        .where(activities.c.who_id.in_(ids))
        .order_by(activities.c.occurred_at.desc(), activities.c.id.desc())
        .limit(1)
    )
    row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def account_fit(conn: Connection, account_id: str | None) -> dict[str, Any] | None:
    """The fields the ICP is judged on (industry, country, segment, employees) and the account's type."""
    if not account_id:
        return None
    a = accounts
    q = select(a.c.id, a.c.name, a.c.type, a.c.industry, a.c.country, a.c.segment, a.c.employees).where(
        a.c.id == account_id
    )
    row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def observations(conn: Connection, person_key: str | None) -> list[dict[str, Any]]:
    """The person's observations in the people feed, newest first: when, title, company, domain, start."""
    if not person_key:
        return []
    p = people_observations
    q = (
        select(
            p.c.observed_at,
            p.c.job_title,
            p.c.job_company_name,
            p.c.job_company_domain,
            p.c.job_start_date,
            p.c.linkedin_url,
            p.c.source_file,
        )
        .where(p.c.person_key == person_key)
        .order_by(p.c.observed_at.desc())
        .limit(MAX_OBSERVATIONS)
    )
    return [dict(row) for row in conn.execute(q).mappings()]
