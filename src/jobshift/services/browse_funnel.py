"""The funnel (tracked → detected → pushed → contacted → meeting → pipeline → won) and the runs ledger.

Each stage is counted with set-based SQL from what exists, scoped to what the viewer may see:

- tracked: the tracked set (contacts with an account until the tracking table exists)
- detected: signals
- pushed: leads jobshift created (with a signal, or with one of the program's lead sources)
- contacted / meeting: pushed leads with an activity / a Meeting activity (on the lead or its
  converted contact)
- pipeline / won: pushed leads converted to an opportunity / a won one, with the amounts
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select

from jobshift.services.auth import AppUser
from jobshift.services.browse import contact_scope, lead_scope, signal_scope
from jobshift.services.workspace import Workspace
from jobshift.store.quarantine import list_quarantined
from jobshift.store.runs import get_run
from jobshift.store.schema import (
    activities,
    contacts,
    leads,
    metadata,
    opportunities,
    quarantine,
    runs,
    signals,
)

STAGES = ("tracked", "detected", "pushed", "contacted", "meeting", "pipeline", "won")


def funnel(ws: Workspace, viewer: AppUser) -> list[dict[str, Any]]:
    """One entry per stage: ``stage``, ``count`` and ``amount`` (money; ``None`` before pipeline)."""
    program = ws.config.program
    sources = [program.contact_tracking_lead_source, program.target_tracking_lead_source]
    tracked_table = metadata.tables.get("tracked_contacts")
    with ws.store.connect() as conn:
        if tracked_table is not None and "contact_id" in tracked_table.c:
            tracked_q = (
                select(func.count())
                .select_from(tracked_table.join(contacts, contacts.c.id == tracked_table.c.contact_id))
                .where(contact_scope(viewer))
            )
        else:
            tracked_q = (
                select(func.count())
                .select_from(contacts)
                .where(contacts.c.account_id.isnot(None), contact_scope(viewer))
            )
        tracked = int(conn.execute(tracked_q).scalar_one())
        detected = int(
            conn.execute(select(func.count()).select_from(signals).where(signal_scope(viewer))).scalar_one()
        )

        def touched(*extra: Any) -> Any:
            return exists().where(
                or_(activities.c.who_id == leads.c.id, activities.c.who_id == leads.c.converted_contact_id),
                *extra,
            )

        opp = opportunities
        row = conn.execute(
            select(
                func.count().label("pushed"),
                func.sum(case((touched(), 1), else_=0)).label("contacted"),
                func.sum(case((touched(activities.c.type == "Meeting"), 1), else_=0)).label("meeting"),
                func.count(opp.c.id).label("pipeline"),
                func.sum(opp.c.amount).label("pipeline_amount"),
                func.sum(case((opp.c.is_won.is_(True), 1), else_=0)).label("won"),
                func.sum(case((opp.c.is_won.is_(True), opp.c.amount), else_=0)).label("won_amount"),
            )
            .select_from(leads.outerjoin(opp, opp.c.id == leads.c.converted_opportunity_id))
            .where(
                and_(
                    or_(leads.c.signal_id.isnot(None), leads.c.lead_source.in_(sources)),
                    lead_scope(viewer),
                )
            )
        ).one()
    m = row._mapping
    counts = {
        "tracked": (tracked, None),
        "detected": (detected, None),
        "pushed": (int(m["pushed"] or 0), None),
        "contacted": (int(m["contacted"] or 0), None),
        "meeting": (int(m["meeting"] or 0), None),
        "pipeline": (int(m["pipeline"] or 0), float(m["pipeline_amount"] or 0)),
        "won": (int(m["won"] or 0), float(m["won_amount"] or 0)),
    }
    return [{"stage": s, "count": counts[s][0], "amount": counts[s][1]} for s in STAGES]


def runs_with_counts(ws: Workspace, *, kind: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """Newest runs first, each with how many rows it quarantined."""
    qcount = (
        select(quarantine.c.run_id, func.count().label("n"))
        .where(quarantine.c.run_id.isnot(None))
        .group_by(quarantine.c.run_id)
        .subquery()
    )
    q = (
        select(runs, func.coalesce(qcount.c.n, 0).label("quarantined"))
        .select_from(runs.outerjoin(qcount, qcount.c.run_id == runs.c.id))
        .order_by(runs.c.id.desc())
        .limit(limit)
    )
    if kind:
        q = q.where(runs.c.kind == kind)
    with ws.store.connect() as conn:
        return [dict(r) for r in conn.execute(q).mappings()]


def run_detail(ws: Workspace, run_id: int) -> dict[str, Any] | None:
    """One run with its quarantine count, or ``None``."""
    with ws.store.connect() as conn:
        run = get_run(conn, run_id)
        if run is not None:
            run["quarantined"] = int(
                conn.execute(select(func.count()).where(quarantine.c.run_id == run_id)).scalar_one()
            )
    return run


QUARANTINE_COLUMNS = ("id", "run_id", "object", "source", "line", "column", "reason", "raw", "created_at")


def iter_quarantine_csv(ws: Workspace, run_id: int) -> Iterator[str]:
    """The quarantined rows of one run as CSV (header first)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(QUARANTINE_COLUMNS)
    with ws.store.connect() as conn:
        rows = list_quarantined(conn, run_id=run_id)
    for i, r in enumerate(rows, 1):
        writer.writerow(["" if r[c] is None else str(r[c]) for c in QUARANTINE_COLUMNS])
        if i % 2000 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()
