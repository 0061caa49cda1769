"""The scorecard's drafts section: per jobshift lead of a month, when it was first drafted, its first
activity, replies and meetings (the comparison itself is :mod:`jobshift.domain.outreach.rates`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, select

from jobshift.store.schema import leads, outreach_drafts
from jobshift.store.scorecard.leads import jobshift_lead, lead_activity


def draft_outcomes(
    conn: Connection,
    sources: Sequence[str],
    start: datetime,
    end: datetime,
    reply_types: Sequence[str],
    meeting_types: Sequence[str],
) -> list[dict[str, Any]]:
    """One row per jobshift lead created in [start, end): ``first_draft_at``, ``first_activity_at``,
    ``replies`` (activities of ``reply_types``) and ``meetings`` (of ``meeting_types``) — the lead's
    activities as the scorecard counts them (before ``end``, drafts written to the CRM excluded)."""
    wl = (
        select(leads.c.id, leads.c.created_at, leads.c.converted_contact_id)
        .where(jobshift_lead(sources), and_(leads.c.created_at >= start, leads.c.created_at < end))
        .subquery("wl")
    )
    act = lead_activity(wl, meeting_types, end, reply_types)
    fd = (
        select(outreach_drafts.c.lead_id, func.min(outreach_drafts.c.created_at).label("at"))
        .where(outreach_drafts.c.lead_id.in_(select(wl.c.id)))
        .group_by(outreach_drafts.c.lead_id)
        .subquery("fd")
    )
    q = (
        select(
            wl.c.id.label("lead_id"),
            fd.c.at.label("first_draft_at"),
            act.c.first_at.label("first_activity_at"),
            func.coalesce(act.c.replies, 0).label("replies"),
            func.coalesce(act.c.meetings, 0).label("meetings"),
        )
        .select_from(wl.outerjoin(act, act.c.lead_id == wl.c.id).outerjoin(fd, fd.c.lead_id == wl.c.id))
        .order_by(wl.c.id)
    )
    return [dict(r) for r in conn.execute(q).mappings()]
