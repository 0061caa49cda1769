"""What a user does on a lead page: mark it contacted, or dismiss it as wrong. Both are audited.

``mark_contacted`` records an activity (so the funnel's *contacted* stage counts it) and moves a lead
that is still new to ``Contacted``. ``dismiss_lead`` sets the lead's status to ``Dismissed`` and its
signal's status to ``dismissed:<reason>``; the accuracy report counts those (wrong person, wrong
company, stale). Nothing is written for a lead the user may not see (``None``: the caller answers 404).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection, insert, select, update

from jobshift.errors import InvalidValueError
from jobshift.store.audit import audit
from jobshift.store.browse.scope import Viewer, lead_scope
from jobshift.store.schema import activities, leads, signals
from jobshift.utils.timeutil import utcnow

ACTIVITY_TYPES = ("Call", "Email", "LinkedIn", "Meeting", "Other")
DISMISS_REASONS = ("wrong_person", "wrong_company", "stale", "not_relevant")
OPEN_STATUSES = (None, "", "New", "Open")


def mark_contacted(
    conn: Connection, viewer: Viewer, actor: str, lead_id: str, activity_type: str = "Call", note: str = ""
) -> dict[str, Any] | None:
    """Record that the viewer contacted the lead; returns the new activity, or ``None`` if not visible."""
    if activity_type not in ACTIVITY_TYPES:
        raise InvalidValueError(f"activity type must be one of {', '.join(ACTIVITY_TYPES)}")
    note = note.replace("\x00", "").strip()[:500]  # PostgreSQL text cannot hold NUL
    now = utcnow()
    lead = conn.execute(
        select(leads.c.id, leads.c.status).where(leads.c.id == lead_id, lead_scope(viewer))
    ).first()
    if lead is None:
        return None
    activity_id = f"js-{uuid.uuid4().hex[:20]}"
    activity: dict[str, Any] = {
        "id": activity_id,
        "who_id": lead_id,
        "type": activity_type,
        "occurred_at": now,
        "owner_id": viewer.crm_user_id,
        "subject": f"Contacted: {note}" if note else "Contacted",
    }
    conn.execute(insert(activities).values(**activity))
    audit(
        conn,
        actor=actor,
        action="create",
        object="activities",
        record_id=activity_id,
        after={k: str(v) if v is not None else None for k, v in activity.items()},
    )
    if lead.status in OPEN_STATUSES:
        conn.execute(update(leads).where(leads.c.id == lead_id).values(status="Contacted"))
        audit(
            conn,
            actor=actor,
            action="update",
            object="leads",
            record_id=lead_id,
            before={"status": lead.status},
            after={"status": "Contacted"},
        )
    return activity


def dismiss_lead(
    conn: Connection, viewer: Viewer, actor: str, lead_id: str, reason: str = "wrong_person"
) -> bool | None:
    """Dismiss a lead as wrong; ``None`` if not visible, ``False`` if it was already dismissed."""
    if reason not in DISMISS_REASONS:
        raise InvalidValueError(f"reason must be one of {', '.join(DISMISS_REASONS)}")
    lead = conn.execute(
        select(leads.c.id, leads.c.status, leads.c.signal_id).where(leads.c.id == lead_id, lead_scope(viewer))
    ).first()
    if lead is None:
        return None
    if lead.status == "Dismissed":
        return False
    conn.execute(update(leads).where(leads.c.id == lead_id).values(status="Dismissed"))
    audit(
        conn,
        actor=actor,
        action="dismiss",
        object="leads",
        record_id=lead_id,
        before={"status": lead.status},
        after={"status": "Dismissed", "reason": reason},
    )
    sig_filter = signals.c.signal_id == lead.signal_id if lead.signal_id else signals.c.lead_id == lead_id
    for sig in conn.execute(select(signals.c.signal_id, signals.c.status).where(sig_filter)).all():
        new_status = f"dismissed:{reason}"
        conn.execute(update(signals).where(signals.c.signal_id == sig.signal_id).values(status=new_status))
        audit(
            conn,
            actor=actor,
            action="dismiss",
            object="signals",
            record_id=sig.signal_id,
            before={"status": sig.status},
            after={"status": new_status},
        )
    return True
