"""The Monday e-mails: the weekly pipeline summary (admins, managers) and the per-rep weekly e-mail.

**Pipeline summary**: among the opportunities credited to jobshift (sourced / assisted / suspected, as in
the scorecard's attribution, over opportunities created in the last ``weekly_lookback_days`` or won in
the week), the ones that moved to closed-won in the last 7 days (``close_date`` in the week) and the
ones whose stage changed. The CRM keeps no stage history, so each summary that is *recorded* (e-mailed
or run by the scheduler) stores the stages it saw in a ``runs`` row (kind ``weekly_summary``); the next
summary lists the opportunities whose stage differs from that record. The first one has no baseline.

**Per-rep**: for each active owner of jobshift leads of the engagement window
(``[scorecard] engagement_window_months``): the leads created in the last 7 days, the leads not
contacted yet (the new ones marked, the older ones listed apart), and the activity rate (contacted
leads / leads of the window).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from jobshift.config import Config
from jobshift.domain.scorecard.attribution import summarize
from jobshift.notify.email import EmailSender
from jobshift.notify.weekly_render import render_pipeline_summary, render_rep_weekly
from jobshift.services.scorecard.scorecard import month_of, month_start, shift_month
from jobshift.services.scorecard.scorecard_email import EmailReport, scorecard_recipients, send_rendered
from jobshift.services.specs import lead_sources
from jobshift.store import Store
from jobshift.store.runs import finish_run, start_run
from jobshift.store.scorecard import leads as sl
from jobshift.store.scorecard import weekly as sw
from jobshift.utils.timeutil import utcnow

REP_LIST_LIMIT = 10
"""Leads listed per section of a rep's e-mail (the counts are complete)."""


def pipeline_summary(store: Store, cfg: Config, *, now: datetime | None = None) -> dict[str, Any]:
    """The weekly pipeline summary as of ``now`` (naive UTC; default: now). JSON-ready."""
    end = now or utcnow()
    start = end - timedelta(days=7)
    sc = cfg.scorecard
    with store.connect() as conn:
        evidence = sl.attribution_evidence(
            conn,
            lead_sources(cfg),
            end - timedelta(days=sc.weekly_lookback_days),
            end,
            sc.suspected_min_activities,
        )
        _, by_opp = summarize(evidence)
        states = sw.opportunity_states(conn, list(by_opp))
        baseline_at, before = sw.last_recorded_stages(conn)
    won, changed = [], []
    for opp_id, kind in sorted(by_opp.items()):
        st = states.get(opp_id)
        if st is None:
            continue
        row = {
            "id": opp_id,
            "name": st["name"],
            "attribution": kind,
            "stage": st["stage"],
            "amount": st["amount"],
            "close_date": st["close_date"].isoformat() if st["close_date"] else None,
        }
        cd = st["close_date"]
        if st["won"] and cd is not None and start.date() <= cd < end.date():
            won.append(row)
        if opp_id in before and before[opp_id] != st["stage"]:
            changed.append({**row, "previous_stage": before[opp_id]})
    by_kind = {k: sum(1 for v in by_opp.values() if v == k) for k in ("sourced", "assisted", "suspected")}
    return {
        "week_start": start.isoformat(timespec="minutes"),
        "week_end": end.isoformat(timespec="minutes"),
        "baseline_at": baseline_at.isoformat(timespec="minutes") if baseline_at else None,
        "attributed": by_kind,
        "won": won,
        "won_amount": sum(float(r["amount"] or 0) for r in won),
        "stage_changes": changed,
        "stages": {k: states[k]["stage"] for k in sorted(states)},
    }


def rep_summaries(store: Store, cfg: Config, *, now: datetime | None = None) -> list[dict[str, Any]]:
    """One weekly summary per active owner of jobshift leads of the engagement window (JSON-ready)."""
    end = now or utcnow()
    week_start = end - timedelta(days=7)
    window_start = month_start(shift_month(month_of(end), 1 - cfg.scorecard.engagement_window_months))
    with store.connect() as conn:
        reps = sw.rep_adoption(
            conn,
            lead_sources(cfg),
            window_start,
            week_start,
            end,
            min(cfg.scorecard.drilldown_limit, REP_LIST_LIMIT),
        )
    for r in reps:
        r["activity_rate"] = r["contacted"] / r["leads"] if r["leads"] else None
        r["uncontacted_count"] = r["leads"] - r["contacted"]
        r["window_start"] = window_start.date().isoformat()
        r["more_new"] = r["new_leads"] - len(r["new"])
        r["more_uncontacted"] = r["uncontacted_count"] - r["new_uncontacted"] - len(r["uncontacted"])
    return reps


def record_stages(store: Store, summary: dict[str, Any]) -> None:
    """Store the stages of ``summary`` as the baseline of the next summary's stage changes."""
    with store.begin() as conn:
        run_id = start_run(conn, sw.STAGE_RUN_KIND, object="pipeline", source=summary["week_end"])
        counts = {
            "as_of": summary["week_end"],
            "won": len(summary["won"]),
            "stage_changes": len(summary["stage_changes"]),
            "stages": summary["stages"],
        }
        finish_run(conn, run_id, status="ok", counts=counts)


def send_weekly_emails(
    store: Store, cfg: Config, *, now: datetime | None = None, sender: EmailSender | None = None
) -> dict[str, Any]:
    """E-mail the pipeline summary to the scorecard recipients and each rep their weekly summary, then
    record the stages. Returns what was sent (failures listed, not raised)."""
    now = now or utcnow()
    summary = pipeline_summary(store, cfg, now=now)
    base = cfg.notifications.web_base_url
    week = summary["week_end"][:10]
    rendered = render_pipeline_summary(summary, base)
    pipe = send_rendered(cfg, rendered, scorecard_recipients(store, cfg), f"weekly-pipeline:{week}", sender)
    reps = EmailReport()
    for rep in rep_summaries(store, cfg, now=now):
        if not rep["email"]:
            continue
        one = send_rendered(cfg, render_rep_weekly(rep, base), [rep["email"]], f"weekly-rep:{week}", sender)
        reps.recipients += one.recipients
        reps.sent += one.sent
        reps.failed += one.failed
    record_stages(store, summary)
    return {
        "week_end": summary["week_end"],
        "won": len(summary["won"]),
        "stage_changes": len(summary["stage_changes"]),
        "pipeline_email": pipe.as_dict(),
        "rep_emails": reps.as_dict(),
    }
