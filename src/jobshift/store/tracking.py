"""The tracked set in the store: the ``tracked_contacts`` table, the facts cohorts are computed from, and
the tracked set as the rest of the program reads it (a SELECT of contact ids or of contact columns).

``tracked_contacts`` is created by the first ``jobshift track`` (not by the initial migration): its
existence is what switches the program from the default tracked set (every contact with an account) to
the cohort selection, for detection, enrichment, the scorecard, the funnel and the web.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    Text,
    column,
    delete,
    func,
    insert,
    inspect,
    select,
    table,
)

from jobshift.domain.cohorts import Assignment, ContactFacts, OppFacts
from jobshift.store.schema import NAMING, accounts, contacts, opportunities, opportunity_contact_roles

tracking_metadata = MetaData(naming_convention=NAMING)

tracked_contacts = Table(
    "tracked_contacts",
    tracking_metadata,
    Column("contact_id", String(64), primary_key=True),
    Column("cohort", Text, nullable=False, comment="the cohort that put the contact in the tracked set"),
    Column("cohort_rank", Integer, nullable=False, comment="1 = top cohort"),
    Column("tier", Integer, nullable=False, comment="1-based, in [tiers] order"),
    Column("position", Integer, nullable=False, comment="1-based place in the priority order"),
    Column("reason", Text, nullable=False),
    Column("tracked_at", DateTime, nullable=False),
)

_CHUNK = 5000
TRACKED_TABLE = tracked_contacts.name


def has_tracked_table(conn: Connection) -> bool:
    """Whether ``jobshift track`` has created the table."""
    return bool(inspect(conn).has_table(tracked_contacts.name))


def ensure_tracked_table(conn: Connection) -> None:
    """Create ``tracked_contacts`` (and its index) if missing, in the caller's transaction."""
    tracked_contacts.create(conn, checkfirst=True)


def _as_date(v: Any) -> date | None:
    if v is None:
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    try:
        return date.fromisoformat(str(v)[:10])
    except ValueError:
        return None


def _status(is_won: bool | None, is_closed: bool | None, stage: str | None) -> str:
    s = (stage or "").strip().lower()
    if is_won or s.startswith("closed won"):
        return "won"
    if is_closed or s.startswith("closed lost"):
        return "lost"
    return "open"


def _opportunities_by_contact(conn: Connection, only: str | None = None) -> dict[str, list[OppFacts]]:
    r, o, a = opportunity_contact_roles, opportunities, accounts
    q = (
        select(
            r.c.contact_id,
            r.c.role,
            o.c.id,
            o.c.is_won,
            o.c.is_closed,
            o.c.stage,
            o.c.type,
            o.c.stage_number,
            o.c.close_date,
            o.c.created_at,
            a.c.segment,
        )
        .join_from(r, o, o.c.id == r.c.opportunity_id)
        .join(a, a.c.id == o.c.account_id, isouter=True)
    )
    if only is not None:
        q = q.where(r.c.contact_id == only)
    out: dict[str, list[OppFacts]] = defaultdict(list)
    for cid, role, oid, won, closed, stage, typ, num, close, created, seg in conn.execute(q):
        out[cid].append(
            OppFacts(
                oid, _status(won, closed, stage), typ, num, _as_date(close), _as_date(created), seg, role
            )
        )
    return out


def iter_contact_facts(conn: Connection, only: str | None = None) -> Iterator[ContactFacts]:
    """Every contact (or just ``only``) with its account and opportunity roles, ordered by id."""
    opps = _opportunities_by_contact(conn, only)
    c, a = contacts, accounts
    q = (
        select(
            c.c.id,
            c.c.account_id,
            c.c.title,
            c.c.no_longer_at_company,
            a.c.type,
            a.c.segment,
            a.c.industry,
            a.c.country,
            a.c.is_target,
        )
        .join_from(c, a, a.c.id == c.c.account_id, isouter=True)
        .order_by(c.c.id)
    )
    if only is not None:
        q = q.where(c.c.id == only)
    for cid, acc, title, gone, typ, seg, ind, country, target in conn.execute(q):
        yield ContactFacts(
            cid,
            acc,
            title,
            typ,
            seg,
            ind,
            country,
            bool(target),
            bool(gone),
            tuple(sorted(opps.get(cid, ()), key=lambda f: f.opportunity_id)),
        )


def replace_tracked(conn: Connection, assignments: Iterable[Assignment], tracked_at: datetime) -> int:
    """Replace the whole tracked set (in the caller's transaction); returns the rows written."""
    ensure_tracked_table(conn)
    conn.execute(delete(tracked_contacts))
    n = 0
    batch: list[dict[str, Any]] = []
    for a in assignments:
        batch.append(
            {
                "contact_id": a.contact_id,
                "cohort": a.cohort,
                "cohort_rank": a.cohort_rank,
                "tier": a.tier,
                "position": a.position,
                "reason": a.reason,
                "tracked_at": tracked_at,
            }
        )
        if len(batch) >= _CHUNK:
            conn.execute(insert(tracked_contacts), batch)
            n += len(batch)
            batch = []
    if batch:
        conn.execute(insert(tracked_contacts), batch)
        n += len(batch)
    return n


def tracked_row(conn: Connection, contact_id: str) -> dict[str, Any] | None:
    """The tracked-set row of one contact, or ``None`` (also when the table does not exist yet)."""
    if not has_tracked_table(conn):
        return None
    row = conn.execute(select(tracked_contacts).where(tracked_contacts.c.contact_id == contact_id)).mappings()
    first = row.first()
    return dict(first) if first else None


def tier_of_contacts(conn: Connection) -> dict[str, int]:
    """``{contact_id: tier}`` of the tracked set (empty before the first ``track``, or when the table has
    no ``tier`` column; a contact listed twice keeps its best tier)."""
    insp = inspect(conn)
    if not insp.has_table(TRACKED_TABLE) or "tier" not in {
        c["name"] for c in insp.get_columns(TRACKED_TABLE)
    }:
        return {}
    tc = table(TRACKED_TABLE, column("contact_id"), column("tier"))
    out: dict[str, int] = {}
    for cid, tier in conn.execute(select(tc.c.contact_id, tc.c.tier)):
        if tier is not None:
            out[str(cid)] = min(int(tier), out.get(str(cid), int(tier)))
    return out


def counts_by_tier(conn: Connection) -> dict[int, int]:
    """How many tracked contacts each tier holds."""
    if not has_tracked_table(conn):
        return {}
    q = select(tracked_contacts.c.tier, func.count()).group_by(tracked_contacts.c.tier)
    return {int(t): int(n) for t, n in conn.execute(q)}


def tracked_contacts_query(conn: Connection | None = None) -> Select[Any]:
    """SELECT ``contact_id`` of every tracked contact (distinct).

    With ``conn``, a ``tracked_contacts`` table is used if the database has one; without it (or
    without that table) the default applies: every contact with an ``account_id``.
    """
    if conn is not None and has_tracked_table(conn):
        tc = table(TRACKED_TABLE, column("contact_id"))
        return select(tc.c.contact_id).distinct()
    return select(contacts.c.id.label("contact_id")).where(contacts.c.account_id.is_not(None))


def tracked_contact_columns() -> Select[Any]:
    """The contact columns detection reads, as a SELECT over ``contacts`` (callers add the set)."""
    return select(
        contacts.c.id,
        contacts.c.account_id,
        contacts.c.first_name,
        contacts.c.last_name,
        contacts.c.email_norm,
        contacts.c.linkedin_norm,
        contacts.c.title,
        contacts.c.email_opt_out,
    )


def contacts_with_account_columns() -> Select[Any]:
    """:func:`tracked_contact_columns` of every contact with an account (the default tracked set)."""
    return tracked_contact_columns().where(contacts.c.account_id.is_not(None))


def cohort_tracked_columns(tier: int | None = None) -> Select[Any]:
    """:func:`tracked_contact_columns` of the contacts in ``tracked_contacts`` (of ``tier`` when given)."""
    q = tracked_contact_columns().join(tracked_contacts, tracked_contacts.c.contact_id == contacts.c.id)
    if tier is not None:
        q = q.where(tracked_contacts.c.tier == tier)
    return q


def shared_email_contact_columns() -> Select[Any]:
    """:func:`tracked_contact_columns` of the contacts whose e-mail address another contact has too (a
    GROUP BY over the e-mail index, then those contacts only)."""
    shared = (
        select(contacts.c.email_norm)
        .where(contacts.c.email_norm.is_not(None))
        .group_by(contacts.c.email_norm)
        .having(func.count() > 1)
    )
    return tracked_contact_columns().where(contacts.c.email_norm.in_(shared))
