"""Role-scoped detail views: a lead with the "dynamic layout" (was → is now), a contact, an account, a signal.

A lead page answers at a glance: who this person was to us (past contact, past account, past title),
who they are now (current account and its type — customer, target, open-opportunity stage — title,
email, job started), the evidence and confidence of the signal, the routing reason once routing sets
one, and the activity timeline. Out-of-scope or unknown ids give ``None`` (the caller answers 404).
"""

from __future__ import annotations

import time
import weakref
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, Table, and_, func, inspect, select

from jobshift.store.browse.scope import Viewer, account_scope, contact_scope, lead_scope, signal_scope
from jobshift.store.schema import accounts, activities, contacts, leads, opportunities, signals, users


def _one(conn: Connection, stmt: Any) -> dict[str, Any] | None:
    row = conn.execute(stmt).mappings().first()
    return dict(row) if row else None


def _user_name(conn: Connection, user_id: str | None) -> str | None:
    if not user_id:
        return None
    return conn.execute(select(users.c.name).where(users.c.id == user_id)).scalar()


def account_summary(conn: Connection, account_id: str | None) -> dict[str, Any] | None:
    """Name, type, target flag and the most advanced open opportunity of an account."""
    if not account_id:
        return None
    acct = _one(
        conn,
        select(
            accounts.c.id,
            accounts.c.name,
            accounts.c.type,
            accounts.c.is_target,
            accounts.c.segment,
            accounts.c.domain,
            accounts.c.owner_id,
            accounts.c.bdr_id,
            accounts.c.renewal_manager_id,
        ).where(accounts.c.id == account_id),
    )
    if acct is None:
        return None
    opp = _one(
        conn,
        select(opportunities.c.id, opportunities.c.name, opportunities.c.stage, opportunities.c.amount)
        .where(opportunities.c.account_id == account_id, opportunities.c.is_closed.isnot(True))
        .order_by(opportunities.c.stage_number.desc(), opportunities.c.id)
        .limit(1),
    )
    acct["open_opportunity"] = opp
    if (acct.get("type") or "").lower() == "customer":
        acct["kind"] = "customer"
    elif opp:
        acct["kind"] = f"open opp: {opp['stage']}"
    elif acct.get("is_target"):
        acct["kind"] = "target"
    else:
        acct["kind"] = (acct.get("type") or "account").lower()
    acct["owner_name"] = _user_name(conn, acct["owner_id"])
    acct["bdr_name"] = _user_name(conn, acct["bdr_id"])
    return acct


def _timeline(conn: Connection, *who_ids: str | None) -> list[dict[str, Any]]:
    ids = [w for w in who_ids if w]
    if not ids:
        return []
    owner = users.alias("owner")
    return [
        dict(r)
        for r in conn.execute(
            select(activities, owner.c.name.label("owner_name"))
            .select_from(activities.outerjoin(owner, owner.c.id == activities.c.owner_id))
            .where(activities.c.who_id.in_(ids))
            .order_by(activities.c.occurred_at.desc(), activities.c.id.desc())
            .limit(200)
        ).mappings()
    ]


def _signal_for_lead(conn: Connection, lead: dict[str, Any]) -> dict[str, Any] | None:
    if lead.get("signal_id"):
        found = _one(conn, select(signals).where(signals.c.signal_id == lead["signal_id"]))
        if found:
            return found
    return _one(conn, select(signals).where(signals.c.lead_id == lead["id"]).limit(1))


def routing_reason(lead: dict[str, Any]) -> str | None:
    """The routing reason, once routing records one (a ``routing_reason`` column or custom field)."""
    if lead.get("routing_reason"):
        return str(lead["routing_reason"])
    custom = lead.get("custom")
    if isinstance(custom, dict) and custom.get("routing_reason"):
        return str(custom["routing_reason"])
    return None


NOTIFICATIONS_TABLE = "notifications"
_NOTIFICATION_TIME_COLUMNS = ("sent_at", "created_at")


_REFLECTED: weakref.WeakKeyDictionary[Engine, tuple[float, Table | None]] = weakref.WeakKeyDictionary()
_REFLECT_TTL = 60.0


def _notifications_table(conn: Connection) -> Table | None:
    """The reflected ``notifications`` table, or ``None``; looked up at most once a minute per
    engine (reflection costs several catalog queries on PostgreSQL)."""
    hit = _REFLECTED.get(conn.engine)
    if hit is not None and time.monotonic() - hit[0] < _REFLECT_TTL:
        return hit[1]
    table = None
    if inspect(conn).has_table(NOTIFICATIONS_TABLE):
        table = Table(NOTIFICATIONS_TABLE, MetaData(), autoload_with=conn)
    _REFLECTED[conn.engine] = (time.monotonic(), table)
    return table


def forget_reflected_tables() -> None:
    """Drop the cached reflection (after creating or dropping the notifications table)."""
    _REFLECTED.clear()


def lead_notifications(conn: Connection, lead_id: str, *, limit: int = 50) -> list[dict[str, Any]] | None:
    """Notifications about a lead (``item_type`` 'lead', ``item_id`` the lead), newest first, each with
    ``recipient_name``; ``None`` when the database has no ``notifications`` table (the lead page then
    omits the section). The table is reflected, so this works whichever migration created it."""
    table = _notifications_table(conn)
    if table is None:
        return None
    c = table.c
    if "item_id" in c:
        cond = c.item_id == lead_id
        if "item_type" in c:
            cond = and_(cond, c.item_type == "lead")
    elif "lead_id" in c:
        cond = c.lead_id == lead_id
    else:
        return None
    stmt = select(table).where(cond).limit(limit)
    when = [c[name] for name in _NOTIFICATION_TIME_COLUMNS if name in c]
    if when:
        stmt = stmt.order_by(func.coalesce(*when).desc() if len(when) > 1 else when[0].desc())
    rows = [dict(r) for r in conn.execute(stmt).mappings()]
    for r in rows:
        r["when"] = next((r[name] for name in _NOTIFICATION_TIME_COLUMNS if r.get(name)), None)
        r["recipient_name"] = _user_name(conn, r.get("recipient_user_id")) or r.get("recipient_user_id")
    return rows


def lead_detail(conn: Connection, viewer: Viewer, lead_id: str) -> dict[str, Any] | None:
    """A lead with past contact/account, current account, signal and timeline; ``None`` if not visible."""
    lead = _one(conn, select(leads).where(leads.c.id == lead_id, lead_scope(viewer)))
    if lead is None:
        return None
    lead["owner_name"] = _user_name(conn, lead["owner_id"])
    lead["routing_reason"] = routing_reason(lead)
    lead["past_contact"] = (
        _one(
            conn,
            select(
                contacts.c.id,
                contacts.c.first_name,
                contacts.c.last_name,
                contacts.c.title,
                contacts.c.email,
                contacts.c.status,
                contacts.c.no_longer_at_company,
            ).where(contacts.c.id == lead["past_contact_id"]),
        )
        if lead["past_contact_id"]
        else None
    )
    lead["past_account"] = account_summary(conn, lead["past_account_id"])
    current_id = lead["matched_account_id"] or lead["converted_account_id"]
    lead["current_account"] = account_summary(conn, current_id)
    lead["signal"] = _signal_for_lead(conn, lead)
    lead["timeline"] = _timeline(conn, lead["id"], lead["converted_contact_id"])
    lead["notifications"] = lead_notifications(conn, lead["id"])
    return lead


def contact_detail(conn: Connection, viewer: Viewer, contact_id: str) -> dict[str, Any] | None:
    """A contact with its account, where they went (the lead whose past contact it is) and timeline."""
    contact = _one(conn, select(contacts).where(contacts.c.id == contact_id, contact_scope(viewer)))
    if contact is None:
        return None
    contact["owner_name"] = _user_name(conn, contact["owner_id"])
    contact["account"] = account_summary(conn, contact["account_id"])
    contact["moved_to"] = [
        dict(r)
        for r in conn.execute(
            select(
                leads.c.id,
                leads.c.first_name,
                leads.c.last_name,
                leads.c.company,
                leads.c.title,
                leads.c.status,
                leads.c.job_started_date,
                lead_scope(viewer).label("visible"),
            )
            .where(leads.c.past_contact_id == contact_id)
            .order_by(leads.c.created_at.desc())
        ).mappings()
    ]
    contact["signals"] = [
        dict(r)
        for r in conn.execute(
            select(
                signals.c.signal_id,
                signals.c.type,
                signals.c.new_company,
                signals.c.new_title,
                signals.c.confidence,
                signals.c.detected_at,
                signals.c.status,
            )
            .where(signals.c.contact_id == contact_id)
            .order_by(signals.c.detected_at.desc())
        ).mappings()
    ]
    contact["timeline"] = _timeline(conn, contact_id)
    return contact


def account_detail(conn: Connection, viewer: Viewer, account_id: str) -> dict[str, Any] | None:
    """An account with its open opportunities, contact counts and leads that moved in or out."""
    if not conn.execute(
        select(accounts.c.id).where(accounts.c.id == account_id, account_scope(viewer))
    ).first():
        return None
    acct = account_summary(conn, account_id)
    assert acct is not None
    acct.update(_one(conn, select(accounts).where(accounts.c.id == account_id)) or {})
    acct["contacts"] = int(
        conn.execute(select(func.count()).where(contacts.c.account_id == account_id)).scalar_one()
    )
    acct["contacts_left"] = int(
        conn.execute(
            select(func.count()).where(
                and_(contacts.c.account_id == account_id, contacts.c.no_longer_at_company.is_(True))
            )
        ).scalar_one()
    )
    acct["opportunities"] = [
        dict(r)
        for r in conn.execute(
            select(
                opportunities.c.id,
                opportunities.c.name,
                opportunities.c.stage,
                opportunities.c.amount,
                opportunities.c.is_closed,
                opportunities.c.is_won,
                opportunities.c.close_date,
            )
            .where(opportunities.c.account_id == account_id)
            .order_by(opportunities.c.is_closed, opportunities.c.close_date.desc())
            .limit(50)
        ).mappings()
    ]
    lead_cols = (leads.c.id, leads.c.first_name, leads.c.last_name, leads.c.title, leads.c.status)
    acct["leads_joined"] = [
        dict(r)
        for r in conn.execute(
            select(*lead_cols).where(leads.c.matched_account_id == account_id, lead_scope(viewer)).limit(50)
        ).mappings()
    ]
    acct["leads_left"] = [
        dict(r)
        for r in conn.execute(
            select(*lead_cols, leads.c.company)
            .where(leads.c.past_account_id == account_id, lead_scope(viewer))
            .limit(50)
        ).mappings()
    ]
    return acct


def signal_detail(conn: Connection, viewer: Viewer, signal_id: str) -> dict[str, Any] | None:
    """One signal, if visible."""
    return _one(conn, select(signals).where(signals.c.signal_id == signal_id, signal_scope(viewer)))
