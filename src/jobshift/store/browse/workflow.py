"""A rep's daily workflow in SQL: the worklist (their new, not yet contacted leads, oldest first),
reassigning a lead with a reason (its pending notifications follow it), and undoing a dismissal.

Every change is audited in the caller's transaction; leads outside the viewer's scope are left alone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, false, func, or_, select, update

from jobshift.store.audit import audit
from jobshift.store.browse.scope import Viewer, in_team, lead_scope, team_ids
from jobshift.store.notifications import idempotency_key
from jobshift.store.schema import audit_log, leads, notifications, signals, users

OPEN_STATUSES = ("New", "Open")
"""Statuses of a lead nobody has contacted yet (an empty status counts too)."""


def _open() -> Any:
    return or_(leads.c.status.in_(OPEN_STATUSES), leads.c.status.is_(None), leads.c.status == "")


def worklist(
    conn: Connection, viewer: Viewer, owner_id: str | None, *, limit: int = 50, offset: int = 0
) -> tuple[list[dict[str, Any]], bool]:
    """``owner_id``'s open leads the viewer may see, oldest first (one page, and whether more follow).
    Walks the ``(owner_id, created_at)`` index."""
    if not owner_id:
        return [], False
    owner = users.alias("owner")
    q = (
        select(
            leads.c.id,
            leads.c.first_name,
            leads.c.last_name,
            leads.c.title,
            leads.c.company,
            leads.c.status,
            leads.c.created_at,
            leads.c.owner_id,
            leads.c.past_title,
            leads.c.job_started_date,
            leads.c.priority,
            owner.c.name.label("owner_name"),
            signals.c.type.label("signal_type"),
            signals.c.past_company,
        )
        .select_from(
            leads.outerjoin(owner, owner.c.id == leads.c.owner_id).outerjoin(
                signals, signals.c.signal_id == leads.c.signal_id
            )
        )
        .where(leads.c.owner_id == owner_id, _open(), lead_scope(viewer))
        .order_by(leads.c.created_at, leads.c.id)
        .limit(limit + 1)
        .offset(offset)
    )
    rows = [dict(r) for r in conn.execute(q).mappings()]
    return rows[:limit], len(rows) > limit


def owners_for(conn: Connection, viewer: Viewer) -> list[tuple[str, str]]:
    """Active CRM users a viewer may hand leads to: anyone for an admin or a rep (a hand-off), the team
    for a manager; ``(id, name)`` by name."""
    q = select(users.c.id, users.c.name).where(or_(users.c.active.is_(True), users.c.active.is_(None)))
    if viewer.role == "manager":
        team = team_ids(viewer)
        q = q.where(in_team(users.c.id, team) if team is not None else false())
    return [(str(r.id), str(r.name or r.id)) for r in conn.execute(q.order_by(users.c.name).limit(1000))]


def _visible(conn: Connection, viewer: Viewer, lead_id: str) -> Any:
    return conn.execute(
        select(leads.c.id, leads.c.status, leads.c.owner_id, leads.c.signal_id, leads.c.routing_reason).where(
            leads.c.id == lead_id, lead_scope(viewer)
        )
    ).first()


def reassign(
    conn: Connection, viewer: Viewer, actor: str, lead_id: str, new_owner: str, reason: str, now: datetime
) -> bool | None:
    """Give the lead to ``new_owner`` (audited, the reason kept as its routing reason); its pending
    notifications go to the new owner. ``None``: not visible; ``False``: already theirs."""
    lead = _visible(conn, viewer, lead_id)
    if lead is None:
        return None
    if lead.owner_id == new_owner:
        return False
    routing = f"Reassigned by {actor.removeprefix('web:')} on {now:%Y-%m-%d}: {reason}"
    conn.execute(
        update(leads).where(leads.c.id == lead_id).values(owner_id=new_owner, routing_reason=routing)
    )
    audit(
        conn,
        actor=actor,
        action="reassign",
        object="leads",
        record_id=lead_id,
        before={"owner_id": lead.owner_id, "routing_reason": lead.routing_reason},
        after={"owner_id": new_owner, "routing_reason": routing, "reason": reason},
    )
    _reroute_notifications(conn, actor, lead_id, lead.owner_id, new_owner)
    return True


def _reroute_notifications(conn: Connection, actor: str, lead_id: str, old: str | None, new: str) -> None:
    n = notifications
    pending = conn.execute(
        select(n.c.id, n.c.rule, n.c.channel, n.c.recipient_user_id).where(
            n.c.item_type == "lead",
            n.c.item_id == lead_id,
            n.c.status == "pending",
            n.c.recipient_user_id == old,
        )
    ).all()
    for row in pending:
        key = idempotency_key(row.rule, "lead", lead_id, new, row.channel)
        taken = conn.execute(select(n.c.id).where(n.c.idempotency_key == key)).first()
        values: dict[str, Any] = (
            {"status": "suppressed", "last_error": f"reassigned to {new}, who has this message already"}
            if taken
            else {"recipient_user_id": new, "idempotency_key": key}
        )
        conn.execute(update(n).where(n.c.id == row.id).values(**values))
        audit(
            conn,
            actor=actor,
            action="reroute",
            object="notifications",
            record_id=str(row.id),
            before={"recipient_user_id": old},
            after={k: str(v) for k, v in values.items()},
        )


def _before_dismissal(conn: Connection, object_: str, record_id: str) -> str | None:
    """The status a record had before its newest dismissal, from the audit log."""
    q = (
        select(audit_log.c.before)
        .where(
            audit_log.c.object == object_, audit_log.c.record_id == record_id, audit_log.c.action == "dismiss"
        )
        .order_by(audit_log.c.id.desc())
        .limit(1)
    )
    before = conn.execute(q).scalar()
    return before.get("status") if isinstance(before, dict) else None


def undo_dismissal(conn: Connection, viewer: Viewer, actor: str, lead_id: str) -> bool | None:
    """Give a dismissed lead (and its signal) back the status it had (audited). ``None``: not visible;
    ``False``: not dismissed."""
    lead = _visible(conn, viewer, lead_id)
    if lead is None:
        return None
    if lead.status != "Dismissed":
        return False
    status = _before_dismissal(conn, "leads", lead_id) or "New"
    conn.execute(update(leads).where(leads.c.id == lead_id).values(status=status))
    audit(
        conn,
        actor=actor,
        action="undo_dismiss",
        object="leads",
        record_id=lead_id,
        before={"status": "Dismissed"},
        after={"status": status},
    )
    sig_filter = signals.c.signal_id == lead.signal_id if lead.signal_id else signals.c.lead_id == lead_id
    dismissed = conn.execute(
        select(signals.c.signal_id, signals.c.status).where(sig_filter, signals.c.status.like("dismissed:%"))
    ).all()
    for sig in dismissed:
        back = _before_dismissal(conn, "signals", sig.signal_id) or "pushed"
        conn.execute(update(signals).where(signals.c.signal_id == sig.signal_id).values(status=back))
        audit(
            conn,
            actor=actor,
            action="undo_dismiss",
            object="signals",
            record_id=sig.signal_id,
            before={"status": sig.status},
            after={"status": back},
        )
    return True


def is_user(conn: Connection, user_id: str) -> bool:
    """Whether ``user_id`` is a CRM user."""
    return conn.execute(select(func.count()).where(users.c.id == user_id)).scalar_one() > 0
