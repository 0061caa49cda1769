"""What notification planning reads: the items of a window and their context.

Items are job-change leads created in the window and contacts marked No Longer At Company in it; their
context is the accounts' open opportunities, where each departed contact went (its newest job-change /
left-company signal) and which signals and contacts backfill batches wrote (no notifications for them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from jobshift.domain.signal_types import SignalType, types_notifying
from jobshift.store.lookups import CHUNK
from jobshift.store.schema import contacts, leads, opportunities, opportunity_contact_roles, outbox, signals


def leads_created(conn: Connection, start: datetime, end: datetime, lead_source: str) -> list[dict[str, Any]]:
    """Leads of ``lead_source`` created in ``[start, end)``, by id."""
    q = select(leads).where(
        leads.c.created_at >= start, leads.c.created_at < end, leads.c.lead_source == lead_source
    )
    return [dict(r) for r in conn.execute(q.order_by(leads.c.id)).mappings()]


def contacts_departed(conn: Connection, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Contacts marked No Longer At Company in ``[start, end)``, by id."""
    q = select(contacts).where(
        contacts.c.no_longer_at_company.is_(True),
        contacts.c.no_longer_at_company_at >= start,
        contacts.c.no_longer_at_company_at < end,
    )
    return [dict(r) for r in conn.execute(q.order_by(contacts.c.id)).mappings()]


def open_opportunities(conn: Connection, account_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """The open opportunities of each account (``id``, ``account_id``, ``name``, ``stage``,
    ``stage_number``, ``type``, ``is_closed``)."""
    ids = sorted({a for a in account_ids if a})
    out: dict[str, list[dict[str, Any]]] = {}
    o = opportunities
    for i in range(0, len(ids), CHUNK):
        q = select(
            o.c.id, o.c.account_id, o.c.name, o.c.stage, o.c.stage_number, o.c.type, o.c.is_closed
        ).where(o.c.account_id.in_(ids[i : i + CHUNK]))
        for r in conn.execute(q).mappings():
            if r["is_closed"]:
                continue
            out.setdefault(r["account_id"], []).append(dict(r))
    return out


def backfill_refs(conn: Connection) -> tuple[set[str], set[str]]:
    """Signal ids and contact ids written by backfill batches."""
    q = select(outbox.c.kind, outbox.c.signal_id, outbox.c.target_id).where(outbox.c.is_backfill.is_(True))
    sigs: set[str] = set()
    cons: set[str] = set()
    for kind, sid, target in conn.execute(q):
        if sid:
            sigs.add(sid)
        if kind == "update_contact" and target:
            cons.add(target)
    return sigs, cons


def moves(conn: Connection, contact_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Where each contact went: its newest job-change / left-company signal (``new_company``,
    ``new_title``, ``job_started_date``, ``lead_id``)."""
    out: dict[str, dict[str, Any]] = {}
    s = signals
    for i in range(0, len(contact_ids), CHUNK):
        q = (
            select(s.c.contact_id, s.c.new_company, s.c.new_title, s.c.job_started_date, s.c.lead_id)
            .where(s.c.contact_id.in_(contact_ids[i : i + CHUNK]), s.c.type.in_(types_notifying("contact")))
            .order_by(s.c.detected_at)
        )
        for r in conn.execute(q).mappings():
            out[r["contact_id"]] = dict(r)
    return out


def deal_roles(conn: Connection, contact_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """Each contact's opportunities with its role on them (``id``, ``name``, ``stage``,
    ``stage_number``, ``amount``, ``is_won``, ``is_closed``, ``close_date``, ``account_id``, ``role``)."""
    ids = sorted({c for c in contact_ids if c})
    out: dict[str, list[dict[str, Any]]] = {}
    o, r = opportunities, opportunity_contact_roles
    cols = (o.c.id, o.c.name, o.c.stage, o.c.stage_number, o.c.amount, o.c.is_won, o.c.is_closed)
    for i in range(0, len(ids), CHUNK):
        q = (
            select(r.c.contact_id, r.c.role, *cols, o.c.close_date, o.c.account_id)
            .join(o, o.c.id == r.c.opportunity_id)
            .where(r.c.contact_id.in_(ids[i : i + CHUNK]))
            .order_by(r.c.contact_id, o.c.id)
        )
        for row in conn.execute(q).mappings():
            out.setdefault(row["contact_id"], []).append(dict(row))
    return out


def new_hire_leads(
    conn: Connection, start: datetime, end: datetime, lead_source: str
) -> list[dict[str, Any]]:
    """Leads of ``lead_source`` created in ``[start, end)`` for a new hire at a target account, by id."""
    q = (
        select(leads)
        .join(signals, signals.c.signal_id == leads.c.signal_id)
        .where(
            leads.c.created_at >= start,
            leads.c.created_at < end,
            leads.c.lead_source == lead_source,
            leads.c.is_target_company.is_(True),
            signals.c.type == SignalType.NEW_HIRE.value,
        )
    )
    return [dict(r) for r in conn.execute(q.order_by(leads.c.id)).mappings()]
