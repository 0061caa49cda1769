"""The tracked set in the store: the ``tracked_contacts`` table and the facts cohorts are computed from.

``tracked_contacts`` is created by the first ``jobshift track`` (not by the initial migration): its
existence is what switches the program from the default tracked set (every contact with an account, see
:mod:`jobshift.services.detect.tracked_set`) to the cohort selection, for detection, the scorecard and the
web.
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
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    inspect,
    select,
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
    """``{contact_id: tier}`` of the tracked set (empty before the first ``track``)."""
    if not has_tracked_table(conn):
        return {}
    return {
        cid: int(t) for cid, t in conn.execute(select(tracked_contacts.c.contact_id, tracked_contacts.c.tier))
    }


def counts_by_tier(conn: Connection) -> dict[int, int]:
    """How many tracked contacts each tier holds."""
    if not has_tracked_table(conn):
        return {}
    q = select(tracked_contacts.c.tier, func.count()).group_by(tracked_contacts.c.tier)
    return {int(t): int(n) for t, n in conn.execute(q)}
