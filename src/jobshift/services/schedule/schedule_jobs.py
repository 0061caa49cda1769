"""What each scheduled job does (docs/scheduler.md); the loop and the ledger are in ``scheduler``.

- **tier check** (one per tier): [pull CRM changes when ``[push] crm`` is a remote CRM] → [rebuild the tracked
  set] → [enrich due contacts when ``JOBSHIFT_PDL_API_KEY`` is set] → detect that tier → push → [draft the
  new leads, and write the drafts to the CRM with ``[outreach] crm_write``] → [enrol them in sequences
  with ``[[outreach.enrol]]`` rules]. A failing pull or enrichment is recorded and the check goes on with
  the data already there; a failing or paused draft / enrol step is recorded after the push (the job then
  ends ``failed`` with the step named); a failing detection stops before the push. Drafting after the
  push means the next day's notifications carry the drafts.
- **notify**: ``run_notify`` for the send day = the period's day (the day after a push), any weekday,
  with the weekly digests when ``[schedule] notify_digest``.
- **scorecard**: the previous month's scorecard, computed and snapshotted (``get_scorecard``), then
  e-mailed to admins and managers when ``[schedule] scorecard_email``.
- **weekly** (job ``weekly_emails``, Mondays): the weekly pipeline summary and per-rep e-mails.
- **backfill** (``[backfill] cadence``, when enabled): the next batch of the historical backlog.

Each runner returns JSON-ready counts; :class:`StepFailed` carries the counts gathered before a failure.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from jobshift.connectors.crm.protocol import CrmConnector
from jobshift.domain.schedule import Job, Period
from jobshift.services.workspace import Workspace
from jobshift.utils.timeutil import utcnow

Clock = Callable[[], datetime]
PDL_KEY_ENV = "JOBSHIFT_PDL_API_KEY"


@dataclass
class JobContext:
    """What a runner may need besides the workspace: the tick's time and test hooks."""

    now: datetime
    """The tick's "now", naive UTC."""
    clock: Clock = utcnow
    connector: CrmConnector | None = None
    """The CRM to push to (default: ``pushing.default_connector``)."""


class StepFailed(Exception):
    """A job failed in ``step``; ``counts`` is what the steps before it did."""

    def __init__(self, step: str, error: str, counts: dict[str, Any]) -> None:
        super().__init__(f"{step}: {error}")
        self.step, self.error, self.counts = step, error, counts


Runner = Callable[[Workspace, Job, Period, JobContext], dict[str, Any]]


def jsonable(value: Any) -> Any:
    """``value`` with datetimes and other objects turned into JSON types (for ``runs.counts``)."""
    return json.loads(json.dumps(value, default=str))


def _err(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _pull(ws: Workspace) -> dict[str, Any]:
    from jobshift.services.program.crm_registry import workspace_crm

    pull = workspace_crm(ws).pull
    assert pull is not None
    rep = pull(ws)
    return {"objects": rep.objects, "seconds": rep.seconds}


def _remote(ws: Workspace) -> bool:
    from jobshift.services.program.crm_registry import workspace_crm

    return workspace_crm(ws).remote


def _track(ws: Workspace, ctx: JobContext) -> dict[str, Any]:
    from jobshift.services.detect.tracking import track

    s = track(ws, as_of=ctx.now.date())
    return {"run_id": s.run_id, "tracked": s.tracked, "over_cap": s.over_cap}


def _ensure_tracked(ws: Workspace, ctx: JobContext) -> dict[str, Any] | None:
    """Build the tracked set once when it does not exist yet (``detect --tier`` needs it)."""
    from jobshift.store.tracking import has_tracked_table

    with ws.store.connect() as conn:
        if has_tracked_table(conn):
            return None
    return _track(ws, ctx)


def _enrich(ws: Workspace, ctx: JobContext) -> dict[str, Any]:
    from jobshift.connectors.people.pdl import PdlClient
    from jobshift.services.ingest.enriching import enrich_due

    with PdlClient(ws.config.pdl) as client:
        rep = enrich_due(ws, client=client, now=ctx.now)
    return {"run_id": rep.run_id, **rep.counts(), "stopped": rep.stopped}


def _detect(ws: Workspace, job: Job) -> dict[str, Any]:
    from jobshift.services.detect.detecting import detect
    from jobshift.services.detect.tracking import CohortTrackedSet

    s = detect(ws, tier=job.tier, tracked=CohortTrackedSet())
    return {"run_id": s.run_id, "tracked": s.tracked_contacts, "by_type": s.by_type, "write": s.write}


def _push(ws: Workspace, ctx: JobContext) -> dict[str, Any]:
    from jobshift.services.program.pushing import push

    s = push(ws, connector=ctx.connector, clock=ctx.clock)
    return {"run_id": s.run_id, "planned": asdict(s.planned), "applied": asdict(s.applied)}


def _draft(ws: Workspace, ctx: JobContext) -> dict[str, Any]:
    from jobshift.services.outreach.draft_crm import write_drafts
    from jobshift.services.outreach.drafting import draft_all

    d = draft_all(ws, clock=ctx.clock)
    out: dict[str, Any] = {"leads": d.leads, "written": d.written, "by_source": d.by_source}
    if ws.config.outreach.crm_write != "none":
        w = write_drafts(ws, clock=ctx.clock)
        out["crm_write"] = {"planned": w.planned, **{k: v for k, v in w.applied.items() if k != "failures"}}
        if w.applied.get("paused"):
            raise RuntimeError(f"draft writes paused: {w.applied['paused']}")
    return out


def _enrol(ws: Workspace, ctx: JobContext) -> dict[str, Any]:
    from jobshift.services.outreach.enrolling import enrol

    s = enrol(ws, clock=ctx.clock)
    applied = {t: {k: v for k, v in a.items() if k != "failures"} for t, a in s.applied.items()}
    paused = [f"{t}: {a['paused']}" for t, a in s.applied.items() if a.get("paused")]
    if paused:
        raise RuntimeError("enrolment paused: " + "; ".join(paused))
    return {"run_id": s.run_id, "planned": s.plan.planned, "applied": applied}


def _outreach_steps(ws: Workspace, ctx: JobContext) -> list[tuple[str, bool, Callable[[], dict[str, Any]]]]:
    """The optional steps after the push (``[schedule] draft_after_push`` / ``enrol_after_push``)."""
    s, o = ws.config.schedule, ws.config.outreach
    return [
        ("draft", s.draft_after_push and o.drafts, lambda: _draft(ws, ctx)),
        ("enrol", s.enrol_after_push and any(r.enabled for r in o.enrol), lambda: _enrol(ws, ctx)),
    ]


def run_tier_check(ws: Workspace, job: Job, period: Period, ctx: JobContext) -> dict[str, Any]:
    """Pull / track / enrich (optional steps) → detect the job's tier → push (see the module docstring)."""
    s = ws.config.schedule
    counts: dict[str, Any] = {"tier": job.tier}
    soft_errors: list[str] = []
    optional: list[tuple[str, bool, Callable[[], dict[str, Any] | None]]] = [
        ("pull", _remote(ws) and s.pull_before_check, lambda: _pull(ws)),
        ("track", s.track_before_check, lambda: _track(ws, ctx)),
        ("track", not s.track_before_check, lambda: _ensure_tracked(ws, ctx)),
        ("enrich", s.enrich_before_check and bool(os.environ.get(PDL_KEY_ENV)), lambda: _enrich(ws, ctx)),
    ]
    for step, wanted, fn in optional:
        if not wanted:
            continue
        try:
            out = fn()
        except Exception as exc:  # recorded; detection goes on with the data already stored
            soft_errors.append(f"{step}: {_err(exc)}")
            counts[step] = {"error": _err(exc)}
            continue
        if out is not None:
            counts[step] = out
    for step, fn2 in (("detect", lambda: _detect(ws, job)), ("push", lambda: _push(ws, ctx))):
        try:
            counts[step] = fn2()
        except Exception as exc:
            raise StepFailed(step, _err(exc), jsonable(counts)) from exc
    for step, wanted, fn in _outreach_steps(ws, ctx):  # after the push; a failure is recorded
        if not wanted:
            continue
        try:
            counts[step] = fn()
        except Exception as exc:
            soft_errors.append(f"{step}: {_err(exc)}")
            counts[step] = {"error": _err(exc)}
    if soft_errors:
        raise StepFailed(soft_errors[0].split(":", 1)[0], "; ".join(soft_errors), jsonable(counts))
    return jsonable(counts)


def run_notify_job(ws: Workspace, job: Job, period: Period, ctx: JobContext) -> dict[str, Any]:
    """Plan and send the notifications of the period's day (the day after a push)."""
    try:
        from jobshift.services.notify import notifying
    except ImportError as exc:  # notifications are an optional part of the program
        raise StepFailed("notify", f"notifications are not available: {exc}", {}) from exc
    from jobshift.services.crm.crm_links import crm_links

    res = notifying.run_notify(
        ws.store,
        ws.config,
        send_date=period.at.date(),
        digest=ws.config.schedule.notify_digest,
        any_day=True,
        record_url=crm_links(ws).url,
    )
    planned = res.planned
    return jsonable(
        {
            "send_date": res.send_date,
            "planned": None
            if planned is None
            else {
                "window": list(planned.window),
                "leads": planned.leads,
                "contacts": planned.contacts,
                "backfill_skipped": planned.backfill_skipped,
                "fired": planned.fired,
                "inserted": planned.inserted,
            },
            "planned_skipped": res.planned_skipped,
            "digests": res.digests,
            "send": None if res.send is None else asdict(res.send),
            "status_counts": res.status_counts,
        }
    )


def run_scorecard_job(ws: Workspace, job: Job, period: Period, ctx: JobContext) -> dict[str, Any]:
    """Compute and snapshot the scorecard of the period's month (the month before the 1st it fires on)."""
    from jobshift.services.scorecard.scorecard import get_scorecard

    payload = get_scorecard(ws.store, ws.config, period.label, now=ctx.now)
    grades = {str(c.get("name")): c.get("grade") for c in payload.get("categories", [])}
    counts: dict[str, Any] = {
        "month": payload.get("month"),
        "source": payload.get("source"),
        "provisional": payload.get("provisional"),
        "grades": grades,
    }
    if ws.config.schedule.scorecard_email:
        from jobshift.services.scorecard.scorecard_email import send_scorecard_email

        report = send_scorecard_email(ws.store, ws.config, payload)
        counts["email"] = report.as_dict()
        if report.failed:
            raise StepFailed("email", f"{len(report.failed)} e-mails failed", jsonable(counts))
    return jsonable(counts)


def run_weekly_job(ws: Workspace, job: Job, period: Period, ctx: JobContext) -> dict[str, Any]:
    """The Monday e-mails: the pipeline summary to admins and managers, each rep's weekly summary."""
    from jobshift.services.scorecard.scorecard_weekly import send_weekly_emails

    # the week before the period's Monday (00:00), also when a missed Monday is caught up later
    counts = send_weekly_emails(ws.store, ws.config, now=datetime.fromisoformat(period.label))
    failed = len(counts["pipeline_email"]["failed"]) + len(counts["rep_emails"]["failed"])
    if failed:
        raise StepFailed("email", f"{failed} e-mails failed", jsonable(counts))
    return jsonable(counts)


def run_backfill_job(ws: Workspace, job: Job, period: Period, ctx: JobContext) -> dict[str, Any]:
    """Push the next backfill batch (notifications suppressed; resumes a batch a crash left behind)."""
    from jobshift.services.program.backfill import backfill

    s = backfill(ws, connector=ctx.connector, clock=ctx.clock)
    counts = jsonable(s.to_dict())
    if s.paused:
        raise StepFailed("backfill", f"paused: {s.paused}", counts)
    return counts


RUNNERS: dict[str, Runner] = {
    "backfill": run_backfill_job,
    "tier_check": run_tier_check,
    "notify": run_notify_job,
    "scorecard": run_scorecard_job,
    "weekly": run_weekly_job,
}
