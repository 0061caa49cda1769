"""The 11 scorecard categories of one month: store aggregates → domain metrics → grades + drill-downs.

Each ``_cat_*`` function runs the set-based queries of one category and returns the value, the
sample size that decides "n/a", the drill-down, and (when the input is missing) why it is an F.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select

from jobshift.config import Config
from jobshift.domain.normalize.persona import PersonaSpec, persona_matches
from jobshift.domain.scorecard import CATEGORIES, grade
from jobshift.domain.scorecard.icp import IcpCriteria
from jobshift.domain.scorecard.metrics import (
    CohortTerm,
    kinds_present_share,
    mean,
    median_from_histogram,
    share,
    weighted_cohort_share,
)
from jobshift.store.scorecard import leads as sl
from jobshift.store.scorecard import queries as sq

TitleMatcher = Callable[[str], bool]


@dataclass(frozen=True)
class MonthContext:
    """Everything one month's categories need: the period, the windows and the settings."""

    conn: Connection
    config: Config
    tracked: Select[Any]
    start: datetime
    end: datetime
    window_start: datetime
    icp: IcpCriteria
    persona: TitleMatcher | None

    @property
    def sources(self) -> list[str]:
        """Lead sources of the leads jobshift creates."""
        p = self.config.program
        return [p.contact_tracking_lead_source, p.target_tracking_lead_source]

    @property
    def limit(self) -> int:
        """Records per drill-down list."""
        return self.config.scorecard.drilldown_limit


Computed = tuple[float | None, int, dict[str, Any], str | None]  # value, sample, drill-down, missing reason


def persona_matcher(config: Config) -> TitleMatcher | None:
    """A title → matches-the-persona function from ``[persona]``; None when no persona is defined."""
    p = config.persona
    if not (p.title_keywords or p.title_regexes or p.seniorities or p.functions):
        return None
    spec = PersonaSpec(
        title_keywords=tuple(p.title_keywords),
        title_regexes=tuple(p.title_regexes),
        seniorities=tuple(p.seniorities),
        functions=tuple(p.functions),
    )
    return lambda title: bool(persona_matches(title, spec))


def _title_split(
    matcher: TitleMatcher, titles: list[tuple[str | None, int]]
) -> tuple[int, int, list[dict[str, Any]]]:
    """(matching, total, unmatched titles most frequent first) — the matcher runs once per distinct title."""
    matched = total = 0
    misses: dict[str, int] = {}
    for title, n in titles:
        total += n
        clean = (title or "").strip()
        if clean and matcher(clean):
            matched += n
        else:
            key = clean or "(no title)"
            misses[key] = misses.get(key, 0) + n
    top = sorted(misses.items(), key=lambda x: (-x[1], x[0]))
    return matched, total, [{"title": t, "contacts": n} for t, n in top]


def _cat_contacts_provided(ctx: MonthContext, cohorts: dict[str, tuple[int, int]]) -> Computed:
    w = ctx.config.scorecard.weights
    weights = {"closed_won": w.closed_won, "open": w.open, "closed_lost": w.closed_lost}
    terms = [CohortTerm(k, weights[k], *cohorts[k]) for k in ("closed_won", "open", "closed_lost")]
    drill = {
        "cohorts": [
            {
                "cohort": t.name,
                "weight": t.weight,
                "available": t.available,
                "tracked": t.tracked,
                "share": t.share,
                "would_add": t.missing,
            }
            for t in sorted(terms, key=lambda t: (-t.weight * t.missing, t.name))
        ]
    }
    return (
        weighted_cohort_share(terms),
        sum(t.available for t in terms),
        drill,
        "no contacts on opportunities",
    )


def _cat_closed_won_tracked(ctx: MonthContext, cohorts: dict[str, tuple[int, int]]) -> Computed:
    won, tracked = cohorts["closed_won"]
    drill = {"closed_won_contacts": won, "tracked": tracked, "not_tracked": won - tracked}
    drill |= sq.closed_won_untracked(ctx.conn, ctx.tracked, ctx.end, ctx.limit)
    return share(tracked, won), won, drill, "no contacts on closed-won opportunities"


def _cat_persona(ctx: MonthContext) -> Computed:
    titles = sq.closed_won_titles(ctx.conn, ctx.end)
    total = sum(n for _, n in titles)
    if ctx.persona is None:
        return None, total, {"closed_won_contacts": total}, "no persona defined in [persona]"
    matched, total, misses = _title_split(ctx.persona, titles)
    drill = {"closed_won_contacts": total, "matching": matched, "unmatched_titles": misses[: ctx.limit]}
    return share(matched, total), total, drill, None


def _cat_accounts(ctx: MonthContext) -> Computed:
    kinds = sq.account_kinds(ctx.conn, ctx.icp, ctx.config.scorecard.customer_account_types, ctx.end)
    present = {
        "target_or_icp": kinds["target_or_icp"],
        "open_opportunity": kinds["open_opportunity"],
        "customer": kinds["customer"],
    }
    drill = {
        "kinds": present,
        "missing": [k for k, n in present.items() if n == 0],
        "target_flagged": kinds["target_flagged"],
        "icp_matching": kinds["icp_matching"],
        "icp_defined": ctx.icp.defined,
        "accounts": kinds["accounts"],
    }
    return kinds_present_share(present), kinds["accounts"], drill, None


def _cat_icp(ctx: MonthContext) -> Computed:
    res = sq.customer_icp(ctx.conn, ctx.icp, ctx.config.scorecard.customer_account_types, ctx.end, ctx.limit)
    if not ctx.icp.defined:
        return None, res["customers"], {"customers": res["customers"]}, "no ICP defined in [icp]"
    return share(res["matching"], res["customers"]), res["customers"], res, None


def _cat_filtering(ctx: MonthContext) -> Computed:
    res = sq.signal_filtering(ctx.conn, ctx.start, ctx.end, ctx.limit)
    return share(res["filtered"], res["detected"]), res["detected"], res, None


def _cat_title_relevance(ctx: MonthContext) -> Computed:
    titles = sl.lead_titles(ctx.conn, ctx.sources, ctx.start, ctx.end)
    total = sum(n for _, n in titles)
    if ctx.persona is None:
        return None, total, {"leads": total}, "no persona defined in [persona]"
    matched, total, misses = _title_split(ctx.persona, titles)
    drill = {
        "leads": total,
        "matching": matched,
        "unmatched_titles": [{"title": m["title"], "leads": m["contacts"]} for m in misses[: ctx.limit]],
    }
    return share(matched, total), total, drill, None


def _cat_account_relevance(ctx: MonthContext) -> Computed:
    res = sl.lead_landing(
        ctx.conn,
        ctx.sources,
        ctx.start,
        ctx.end,
        ctx.icp,
        ctx.config.scorecard.customer_account_types,
        ctx.limit,
    )
    total = sum(res["by_class"].values())
    return share(res["by_class"].get("relevant", 0), total), total, res, None


def adoption(ctx: MonthContext) -> dict[str, Any]:
    """Activity totals of the leads of the engagement window (shared by categories 9–11)."""
    return sl.lead_activity_totals(ctx.conn, ctx.sources, ctx.window_start, ctx.end, ())


def build_categories(ctx: MonthContext) -> list[dict[str, Any]]:
    """Grade the 11 categories of one month (trend is added by the caller)."""
    sc = ctx.config.scorecard
    # the window's per-lead activity aggregate, built once and read by 9–11's totals and drill-downs
    pl = sl.per_lead_table(ctx.conn, ctx.sources, ctx.window_start, ctx.end, ())
    try:
        totals = sl.lead_activity_totals(ctx.conn, ctx.sources, ctx.window_start, ctx.end, (), pl=pl)
        drill = sl.lead_adoption_drilldown(ctx.conn, ctx.sources, ctx.window_start, ctx.end, ctx.limit, pl=pl)
    finally:
        sl.drop_per_lead_table(ctx.conn, pl)
    cohorts = sq.opp_contact_cohorts(ctx.conn, ctx.tracked, ctx.end)
    window = {
        "window_start": ctx.window_start.date().isoformat(),
        "leads": totals["leads"],
        "contacted": totals["contacted"],
        "activities": totals["activities"],
    }
    computed: dict[str, Computed] = {
        "contacts_provided": _cat_contacts_provided(ctx, cohorts),
        "closed_won_contacts_tracked": _cat_closed_won_tracked(ctx, cohorts),
        "persona_definition": _cat_persona(ctx),
        "accounts_provided": _cat_accounts(ctx),
        "icp_definition": _cat_icp(ctx),
        "filtering": _cat_filtering(ctx),
        "new_title_relevance": _cat_title_relevance(ctx),
        "new_account_relevance": _cat_account_relevance(ctx),
        "engagement_rate": (
            share(totals["contacted"], totals["leads"]),
            totals["leads"],
            window | {"uncontacted_by_owner": drill["uncontacted_by_owner"]},
            None,
        ),
        "days_until_first_activity": (
            median_from_histogram(totals["days_histogram"]),
            totals["contacted"],
            window
            | {
                "days_histogram": totals["days_histogram"],
                "slowest_owners": drill["slowest_owners"],
                "oldest_untouched": drill["oldest_untouched"],
            },
            None,
        ),
        "number_of_activities": (
            mean(totals["activities"], totals["leads"]),
            totals["leads"],
            window | {"touched_once": totals["touched_once"], "touched_once_leads": drill["touched_once"]},
            None,
        ),
    }
    out = []
    for cat in CATEGORIES:
        value, sample, drilldown, missing = computed[cat.key]
        g = grade(
            value,
            getattr(sc.benchmarks, cat.key),
            cat.direction,
            sample_size=sample,
            min_sample=getattr(sc.min_samples, cat.key),
            missing_reason=missing,
            too_thin_reason=f"too little data: {_sample_noun(cat.key)}",
            cutoffs=sc.grade_cutoffs,
        )
        out.append(
            {
                "number": cat.number,
                "key": cat.key,
                "name": cat.name,
                "group": cat.group,
                "direction": cat.direction,
                "unit": cat.unit,
                "measures": cat.measures,
                "status": g.status,
                "grade": g.grade,
                "value": g.value,
                "benchmark": g.benchmark,
                "score": None if g.score is None or g.score == float("inf") else g.score,
                "sample_size": g.sample_size,
                "reason": g.reason,
                "at_or_above_benchmark": g.at_or_above_benchmark,
                "fix": cat.fix,
                "trend": [],
                "drilldown": drilldown,
            }
        )
    return out


def _sample_noun(key: str) -> str:
    return {
        "contacts_provided": "contacts on opportunities",
        "closed_won_contacts_tracked": "closed-won opp contacts",
        "persona_definition": "closed-won opp contacts",
        "accounts_provided": "accounts",
        "icp_definition": "customer accounts",
        "filtering": "signals detected in the month",
        "new_title_relevance": "leads sent in the month",
        "new_account_relevance": "leads sent in the month",
        "engagement_rate": "leads sent in the window",
        "days_until_first_activity": "contacted leads in the window",
        "number_of_activities": "leads sent in the window",
    }[key]
