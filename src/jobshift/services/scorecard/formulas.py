"""The formula of each scorecard category: the store aggregates it reads → value, sample, drill-down.

One function per category, registered under the category's key with :func:`formula`; the category's
definition (name, order, defaults, texts) is its entry in ``domain/scorecard/categories.py``. A formula
returns :data:`Computed`: the value (None when it cannot be computed), the sample size that decides
"n/a", the drill-down, and — when the input itself is missing — why that is an F.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jobshift.domain.scorecard.metrics import (
    CohortTerm,
    kinds_present_share,
    mean,
    median_from_histogram,
    share,
    weighted_cohort_share,
)
from jobshift.domain.signal_types import types_where
from jobshift.services.scorecard.month_context import Computed, MonthContext, TitleMatcher
from jobshift.store.scorecard import leads as sl
from jobshift.store.scorecard import queries as sq

Formula = Callable[[MonthContext], Computed]
FORMULAS: dict[str, Formula] = {}
"""Category key → its formula (filled by :func:`formula`)."""

JOB_CHANGE_TYPES = types_where(lead_source="contact_tracking")
"""The signal types that are job changes of tracked contacts (Filtering divides by these only)."""


def formula(key: str) -> Callable[[Formula], Formula]:
    """Register the decorated function as the formula of category ``key`` (once per key)."""

    def register(fn: Formula) -> Formula:
        if key in FORMULAS:
            raise ValueError(f"category {key!r} already has a formula")
        FORMULAS[key] = fn
        return fn

    return register


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


@formula("contacts_provided")
def contacts_provided(ctx: MonthContext) -> Computed:
    """Weighted share of the valuable cohorts tracked."""
    cohorts = ctx.cohorts()
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


@formula("closed_won_contacts_tracked")
def closed_won_contacts_tracked(ctx: MonthContext) -> Computed:
    """Tracked share of the contacts on closed-won opportunities."""
    won, tracked = ctx.cohorts()["closed_won"]
    drill = {"closed_won_contacts": won, "tracked": tracked, "not_tracked": won - tracked}
    drill |= sq.closed_won_untracked(ctx.conn, ctx.tracked, ctx.end, ctx.limit)
    return share(tracked, won), won, drill, "no contacts on closed-won opportunities"


@formula("persona_definition")
def persona_definition(ctx: MonthContext) -> Computed:
    """Share of closed-won opp contacts whose title matches the persona."""
    titles = sq.closed_won_titles(ctx.conn, ctx.end)
    total = sum(n for _, n in titles)
    if ctx.persona is None:
        return None, total, {"closed_won_contacts": total}, "no persona defined in [persona]"
    matched, total, misses = _title_split(ctx.persona, titles)
    drill = {"closed_won_contacts": total, "matching": matched, "unmatched_titles": misses[: ctx.limit]}
    return share(matched, total), total, drill, None


@formula("accounts_provided")
def accounts_provided(ctx: MonthContext) -> Computed:
    """Share of the three account kinds present."""
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


@formula("icp_definition")
def icp_definition(ctx: MonthContext) -> Computed:
    """Share of customer accounts that match the ICP."""
    res = sq.customer_icp(ctx.conn, ctx.icp, ctx.config.scorecard.customer_account_types, ctx.end, ctx.limit)
    if not ctx.icp.defined:
        return None, res["customers"], {"customers": res["customers"]}, "no ICP defined in [icp]"
    return share(res["matching"], res["customers"]), res["customers"], res, None


@formula("filtering")
def filtering(ctx: MonthContext) -> Computed:
    """Share of the month's detected job changes filtered out (other signal types are not counted)."""
    res = sq.signal_filtering(ctx.conn, ctx.start, ctx.end, ctx.limit, JOB_CHANGE_TYPES)
    return share(res["filtered"], res["detected"]), res["detected"], res, None


@formula("new_title_relevance")
def new_title_relevance(ctx: MonthContext) -> Computed:
    """Share of the month's leads whose title matches the persona."""
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


@formula("new_account_relevance")
def new_account_relevance(ctx: MonthContext) -> Computed:
    """Share of the month's leads landing at a relevant account."""
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


@formula("engagement_rate")
def engagement_rate(ctx: MonthContext) -> Computed:
    """Share of the window's leads with an activity."""
    totals, drill = ctx.adoption()
    return (
        share(totals["contacted"], totals["leads"]),
        totals["leads"],
        ctx.window() | {"uncontacted_by_owner": drill["uncontacted_by_owner"]},
        None,
    )


@formula("days_until_first_activity")
def days_until_first_activity(ctx: MonthContext) -> Computed:
    """Median days from lead creation to its first activity."""
    totals, drill = ctx.adoption()
    return (
        median_from_histogram(totals["days_histogram"]),
        totals["contacted"],
        ctx.window()
        | {
            "days_histogram": totals["days_histogram"],
            "slowest_owners": drill["slowest_owners"],
            "oldest_untouched": drill["oldest_untouched"],
        },
        None,
    )


@formula("number_of_activities")
def number_of_activities(ctx: MonthContext) -> Computed:
    """Mean activities per lead of the window."""
    totals, drill = ctx.adoption()
    return (
        mean(totals["activities"], totals["leads"]),
        totals["leads"],
        ctx.window() | {"touched_once": totals["touched_once"], "touched_once_leads": drill["touched_once"]},
        None,
    )
