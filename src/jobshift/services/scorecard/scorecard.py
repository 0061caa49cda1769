"""The monthly scorecard use case: compute, snapshot, trend, funnel, attribution, spend.

``get_scorecard`` is what the CLI (and later the web page, the HTML email and the scheduler)
calls. A month that has ended is stored in ``scorecard_snapshots`` the first time it is computed
and read back afterwards, so its grades and trend do not move when the CRM changes later;
``recompute=True`` replaces the stored snapshot explicitly. The running month is computed live,
marked ``provisional`` and never stored; a month after it is refused (``InvalidValueError``), and a month
before the workspace's first data (``first_data_at``) is computed but not stored either, so looking
at ``1900-01`` leaves no permanent row behind. The payload is JSON-ready and versioned
(``schema_version``); see docs/scorecard.md for every field.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from jobshift.config import Config
from jobshift.domain.outreach.rates import compare as compare_drafts
from jobshift.domain.outreach.rates import lead_flags
from jobshift.domain.scorecard.attribution import ATTRIBUTIONS, summarize
from jobshift.domain.scorecard.funnel import build_funnel
from jobshift.domain.scorecard.grades import GRADES, format_value, grade
from jobshift.domain.scorecard.metrics import cost_per_opportunity, pipeline_to_spend
from jobshift.errors import InvalidValueError
from jobshift.services.scorecard.scorecard_categories import MonthContext, TitleMatcher, build_categories
from jobshift.services.specs import icp_criteria, persona_matcher
from jobshift.store import Store
from jobshift.store.scorecard import leads as sl
from jobshift.store.scorecard import queries as sq
from jobshift.store.scorecard.drafts import draft_outcomes
from jobshift.store.scorecard.snapshots import (
    first_data_at,
    get_snapshot,
    month_fingerprint,
    save_snapshot,
    snapshots_between,
)
from jobshift.store.tracking import tracked_contacts_query
from jobshift.utils.timeutil import utcnow

SCHEMA_VERSION = 1
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_month(text: str) -> str:
    """Validate ``YYYY-MM`` from 1900-01 on (raises :class:`~jobshift.errors.InvalidValueError`)."""
    m = _MONTH.match(text.strip())
    if not m:
        raise InvalidValueError(f"--month must be YYYY-MM, got {text!r}")
    if int(m.group(1)) < 1900:
        raise InvalidValueError(f"--month must be 1900-01 or later, got {text!r}")
    return text.strip()


def month_start(month: str) -> datetime:
    """Midnight (naive UTC) of the first day of ``month``."""
    y, m = (int(p) for p in month.split("-"))
    return datetime(y, m, 1)


def shift_month(month: str, n: int) -> str:
    """``month`` moved by ``n`` months (negative: back)."""
    y, m = (int(p) for p in month.split("-"))
    idx = y * 12 + (m - 1) + n
    return f"{idx // 12:04d}-{idx % 12 + 1:02d}"


def month_of(ts: datetime) -> str:
    """The ``YYYY-MM`` a timestamp falls in."""
    return f"{ts.year:04d}-{ts.month:02d}"


def default_month(now: datetime | None = None) -> str:
    """The last complete month (the one a monthly scorecard reports on)."""
    return shift_month(month_of(now or utcnow()), -1)


def compute_scorecard(
    store: Store,
    config: Config,
    month: str,
    *,
    now: datetime | None = None,
    title_matcher: TitleMatcher | None = None,
) -> dict[str, Any]:
    """Compute the scorecard of ``month`` from the store (no snapshot read or written, no trend).

    ``title_matcher`` replaces the ``[persona]`` matcher (e.g. to preview a draft persona).
    """
    now = now or utcnow()
    sc = config.scorecard
    start, end = month_start(month), month_start(shift_month(month, 1))
    window_start = month_start(shift_month(month, -(sc.engagement_window_months - 1)))
    with store.connect() as conn:
        sq.prepare_for_large_reads(conn)
        tracked = tracked_contacts_query(conn)
        matcher = title_matcher or persona_matcher(config)
        ctx = MonthContext(conn, config, tracked, start, end, window_start, icp_criteria(config), matcher)
        categories = build_categories(ctx)
        month_leads = sl.lead_activity_totals(conn, ctx.sources, start, end, sc.meeting_activity_types)
        evidence = sl.attribution_evidence(conn, ctx.sources, start, end, sc.suspected_min_activities)
        n_tracked = sq.tracked_at(conn, tracked, end)  # the tracked set at the month's end
        outcomes = draft_outcomes(
            conn, ctx.sources, start, end, config.outreach.reply_activity_types, sc.meeting_activity_types
        )
    totals, by_opp = summarize(evidence)
    filtering = next(c for c in categories if c["key"] == "filtering")["drilldown"]
    funnel = build_funnel(
        {
            "tracked": n_tracked,
            "signals_detected": filtering["detected"],
            "filtered": filtering["filtered"],
            "leads_pushed": month_leads["leads"],
            "contacted": month_leads["contacted"],
            "meeting_held": month_leads["meeting_held"],
            "opportunities": totals.credited_opportunities,
            "pipeline_amount": totals.credited_pipeline,
            "closed_won_amount": totals.credited_won_amount,
        }
    )
    records = [
        {
            "opportunity_id": e.opportunity_id,
            "name": e.name,
            "amount": e.amount,
            "attribution": by_opp[e.opportunity_id],
            "created_in_month": e.created_in_period,
            "won_in_month": e.won_in_period,
            "leads": list(getattr(e, f"{by_opp[e.opportunity_id]}_by")),
        }
        for e in evidence
        if e.opportunity_id in by_opp
    ]
    return {
        "schema_version": SCHEMA_VERSION,
        "month": month,
        "period": {
            "start": start.isoformat(),
            "end": end.isoformat(),
            "engagement_window_start": window_start.isoformat(),
        },
        "computed_at": now.isoformat(),
        "provisional": end > now,
        "categories": categories,
        "funnel": [vars(s) for s in funnel],
        "attribution": {
            **{
                k: {
                    "opportunities": totals.opportunities[k],
                    "pipeline": totals.pipeline[k],
                    "won_deals": totals.won_deals[k],
                    "won_amount": totals.won_amount[k],
                }
                for k in ATTRIBUTIONS
            },
            "records": records[: sc.drilldown_limit],
        },
        "spend": _spend(config, totals.credited_pipeline, totals.credited_opportunities),
        "drafts": compare_drafts(
            [lead_flags(o) for o in outcomes], config.outreach.scorecard_min_sample
        ),  # informational: not graded
    }


def _spend(config: Config, pipeline: float, opportunities: int) -> dict[str, Any] | None:
    sc = config.scorecard
    if sc.program_yearly_cost is None:
        return None
    ratio = pipeline_to_spend(pipeline, sc.program_yearly_cost)
    g = grade(ratio, sc.pipeline_to_spend_benchmark, "higher", cutoffs=sc.grade_cutoffs)
    return {
        "yearly_cost": sc.program_yearly_cost,
        "monthly_cost": sc.program_yearly_cost / 12,
        "pipeline": pipeline,
        "opportunities": opportunities,
        "pipeline_to_spend": ratio,
        "benchmark": sc.pipeline_to_spend_benchmark,
        "grade": g.grade,
        "cost_per_opportunity": cost_per_opportunity(opportunities, sc.program_yearly_cost),
    }


def _add_trend(store: Store, config: Config, payload: dict[str, Any]) -> None:
    n = config.scorecard.trend_months
    month = payload["month"]
    if n <= 0:
        return
    with store.connect() as conn:
        past = snapshots_between(conn, shift_month(month, -n), shift_month(month, -1))
    for cat in payload["categories"]:
        cat["trend"] = [
            {"month": m, "grade": c["grade"], "value": c["value"]}
            for m in sorted(past)
            for c in past[m].get("categories", [])
            if c.get("key") == cat["key"]
        ]


def grade_history(store: Store, payload: dict[str, Any], months: int = 12) -> dict[str, list[dict[str, Any]]]:
    """Per category key, the grade and value of up to ``months`` stored months before the payload's
    month, then the payload's own (oldest first): what the page's grade history charts draw."""
    month = payload["month"]
    with store.connect() as conn:
        past = snapshots_between(conn, shift_month(month, -months), shift_month(month, -1))
    out: dict[str, list[dict[str, Any]]] = {}
    for cat in payload["categories"]:
        points = [
            {"month": m, "grade": c.get("grade"), "value": c.get("value")}
            for m in sorted(past)
            for c in past[m].get("categories", [])
            if c.get("key") == cat["key"]
        ]
        out[cat["key"]] = [*points, {"month": month, "grade": cat.get("grade"), "value": cat.get("value")}]
    return out


def _closed_month_with_data(store: Store, month: str, now: datetime) -> bool:
    """Whether ``month`` has ended and the workspace holds data from that month or before."""
    if month >= month_of(now):
        return False
    with store.connect() as conn:
        first = first_data_at(conn)
    return first is not None and month >= month_of(first)


def get_scorecard(
    store: Store,
    config: Config,
    month: str | None = None,
    *,
    recompute: bool = False,
    now: datetime | None = None,
    title_matcher: TitleMatcher | None = None,
) -> dict[str, Any]:
    """The scorecard of ``month`` (default: the last complete month), with its trend.

    Only a month that has ended (and after the workspace's first data) is stored, with a fingerprint
    of the data it was computed from; a stored snapshot is returned as is unless ``recompute`` or that
    data changed since (late activities, a re-import), then it is computed and stored again.
    ``source`` in the result says which happened (``snapshot``, ``computed``, ``recomputed``).
    """
    now = now or utcnow()
    month = parse_month(month) if month else default_month(now)
    if month > month_of(now):
        raise InvalidValueError(f"--month {month} is in the future (the running month is {month_of(now)})")
    payload: dict[str, Any] | None = None
    source = "snapshot"
    end = month_start(shift_month(month, 1))
    with store.connect() as conn:
        fingerprint = month_fingerprint(conn, end)
        if not recompute:
            payload = get_snapshot(conn, month)
            if payload is not None and payload.get("data_fingerprint") != fingerprint:
                payload, recompute = None, True  # its data changed since it was stored
    if payload is None:
        payload = compute_scorecard(store, config, month, now=now, title_matcher=title_matcher)
        source = "recomputed" if recompute else "computed"
        if _closed_month_with_data(store, month, now) and not payload["provisional"]:
            payload["data_fingerprint"] = fingerprint
            with store.begin() as conn:
                save_snapshot(conn, month, now, payload)
    payload["source"] = source
    _add_trend(store, config, payload)
    return payload


__all__ = ["GRADES", "format_value", "get_scorecard", "grade_history"]
