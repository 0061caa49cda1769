"""The funnel, in total and month by month, from three set-based GROUP BY statements.

Stages (scoped to what the viewer may see):

- tracked: the tracked set (``store.tracking``); per month, the tracked contacts created up to
  the end of that month (contacts without ``created_at`` count from the start)
- detected: signals, by the month they were detected
- pushed: leads jobshift created (with a signal or one of the program's lead sources), by the month
  they were created; contacted / meeting / pipeline / won are those same leads (a cohort by creation
  month): with an activity / a meeting on the lead or its converted contact since the lead was created
  — the scorecard's definitions (``store.scorecard.leads.lead_activity``, ``[scorecard]
  meeting_activity_types``) — converted to an opportunity / a won one, with the opportunity amounts

Each statement (``store/scorecard/funnel.py``) groups by month once; the totals are the sums of the
groups (the row without a date included), so the all-time funnel and the monthly view cost the same
three scans.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from jobshift.services.admin.auth import AppUser
from jobshift.services.browse.browse import contact_scope, lead_scope, signal_scope
from jobshift.services.specs import lead_sources
from jobshift.services.workspace import Workspace
from jobshift.store.scorecard import funnel as fq
from jobshift.store.tracking import TRACKED_TABLE, tracked_contacts_query
from jobshift.utils.timeutil import utcnow

STAGES = ("tracked", "detected", "pushed", "contacted", "meeting", "pipeline", "won")
MONEY_STAGES = ("pipeline", "won")
_SUMS = ("pushed", "contacted", "meeting", "pipeline", "pipeline_amount", "won", "won_amount")


@dataclass
class FunnelReport:
    """The funnel in total and for each of ``months`` (oldest first)."""

    total: list[dict[str, Any]]
    months: list[str]
    monthly: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """stage → one ``{"month", "count", "amount"}`` per month of ``months``."""


def last_months(n: int, now: datetime | None = None) -> list[str]:
    """The ``n`` months up to and including the current one, oldest first, as ``YYYY-MM``."""
    now = now or utcnow()
    idx = now.year * 12 + now.month - 1
    return [f"{(i // 12):04d}-{(i % 12) + 1:02d}" for i in range(idx - n + 1, idx + 1)]


def funnel_report(
    ws: Workspace, viewer: AppUser, *, months: int = 12, now: datetime | None = None
) -> FunnelReport:
    """The funnel scoped to ``viewer``: all-time totals and the last ``months`` months."""
    window = last_months(months, now)
    with ws.store.connect() as conn:
        tracked = fq.tracked_by_month(
            conn, TRACKED_TABLE, tracked_contacts_query(conn), contact_scope(viewer)
        )
        detected = fq.detected_by_month(conn, signal_scope(viewer))
        pushed = fq.leads_by_month(
            conn, lead_sources(ws.config), ws.config.scorecard.meeting_activity_types, lead_scope(viewer)
        )

    def total(groups: dict[str | None, dict[str, Any]], key: str) -> float:
        return sum(float(g[key] or 0) for g in groups.values())

    sums = {k: total(pushed, k) for k in _SUMS}
    counts: dict[str, tuple[float, float | None]] = {
        "tracked": (total(tracked, "n"), None),
        "detected": (total(detected, "n"), None),
        **{
            s: (sums[s], sums.get(f"{s}_amount"))
            for s in ("pushed", "contacted", "meeting", "pipeline", "won")
        },
    }
    report = FunnelReport(
        total=[
            {"stage": s, "count": int(counts[s][0]), "amount": counts[s][1] if s in MONEY_STAGES else None}
            for s in STAGES
        ],
        months=window,
    )
    # tracked is a stock: everything created up to the month's end (undated contacts always count)
    running = sum(int(g["n"]) for m, g in tracked.items() if m is None or m < window[0])
    tracked_by_month = []
    for month in window:
        running += int(tracked.get(month, {}).get("n") or 0)
        tracked_by_month.append(running)
    report.monthly["tracked"] = [
        {"month": m, "count": n, "amount": None} for m, n in zip(window, tracked_by_month, strict=True)
    ]
    report.monthly["detected"] = [
        {"month": m, "count": int(detected.get(m, {}).get("n") or 0), "amount": None} for m in window
    ]
    for s in ("pushed", "contacted", "meeting", "pipeline", "won"):
        report.monthly[s] = [
            {
                "month": m,
                "count": int(pushed.get(m, {}).get(s) or 0),
                "amount": float(pushed.get(m, {}).get(f"{s}_amount") or 0) if s in MONEY_STAGES else None,
            }
            for m in window
        ]
    return report
