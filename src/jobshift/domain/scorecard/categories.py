"""The 11 graded categories of the scorecard, in priority (funnel) order, with the advice for each.

1–5 grade the inputs (who and which accounts you track), 6–8 the output quality (the signals you
receive), 9–11 adoption (what reps do with them). Keys are stable: JSON consumers and the
``[scorecard.benchmarks]`` / ``[scorecard.min_samples]`` config sections use them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from jobshift.domain.scorecard.grades import Direction

Group = Literal["input", "output", "adoption"]
Unit = Literal["share", "days", "count"]


@dataclass(frozen=True)
class CategoryDef:
    """What a category measures, which way is better, and the fix that raises its grade."""

    number: int
    key: str
    name: str
    group: Group
    direction: Direction
    unit: Unit
    measures: str
    fix: str


CATEGORIES: tuple[CategoryDef, ...] = (
    CategoryDef(
        1,
        "contacts_provided",
        "Contacts Provided",
        "input",
        "higher",
        "share",
        "weighted share of valuable cohorts tracked: closed-won opp contacts (weight 3), open opp "
        "contacts (2), closed-lost opp contacts (1); each term = tracked / available in the CRM",
        "Add the under-filled cohorts to the tracked set (closed-won first), or raise the tracking cap.",
    ),
    CategoryDef(
        2,
        "closed_won_contacts_tracked",
        "Closed Won Opp Contacts Tracked",
        "input",
        "higher",
        "share",
        "tracked closed-won opp contacts / all contacts on closed-won opps (all time)",
        "Track every contact on a closed-won opportunity: add the cohort first in priority, fill in "
        "missing emails/LinkedIn URLs, and raise the cap if it cuts them off.",
    ),
    CategoryDef(
        3,
        "persona_definition",
        "Persona Definition",
        "input",
        "higher",
        "share",
        "share of closed-won opp contacts whose titles match a defined persona",
        "Widen [persona] so it covers your real buyers: add the most common unmatched buyer titles as "
        "keywords, or their seniority/function.",
    ),
    CategoryDef(
        4,
        "accounts_provided",
        "Accounts Provided",
        "input",
        "higher",
        "share",
        "share of the three account kinds present: target/ICP accounts, open-opp accounts, customer accounts",
        "Provide the missing kind: flag target accounts (is_target) or define [icp], import open "
        "opportunities, mark customer accounts (type Customer).",
    ),
    CategoryDef(
        5,
        "icp_definition",
        "ICP Definition",
        "input",
        "higher",
        "share",
        "share of customer accounts that match the ICP",
        "Widen [icp] so the majority of your customers match it: see the criterion that excludes most "
        "customers and the suggested values.",
    ),
    CategoryDef(
        6,
        "filtering",
        "Filtering",
        "output",
        "lower",
        "share",
        "share of detected signals filtered out before reaching the CRM (lower is better)",
        "Review the filters that remove most signals; loosen the ones that drop people you would call, "
        "and fix the tracked set if it feeds many non-buyers.",
    ),
    CategoryDef(
        7,
        "new_title_relevance",
        "New Title Relevance",
        "output",
        "higher",
        "share",
        "share of job-change leads sent whose new title matches a persona",
        "Track contacts closer to your persona (cohorts filtered by persona) so their next titles "
        "are relevant.",
    ),
    CategoryDef(
        8,
        "new_account_relevance",
        "New Account Relevance",
        "output",
        "higher",
        "share",
        "share of job-change leads sent that land at a target or ICP-matching account that is not a "
        "customer and has no open opp",
        "Flag more target accounts or widen the ICP; consider filtering moves to existing customers.",
    ),
    CategoryDef(
        9,
        "engagement_rate",
        "Engagement Rate",
        "adoption",
        "higher",
        "share",
        "share of leads sent in the last months with at least one activity",
        "Make sure every lead owner works the leads: follow up the uncontacted leads by owner.",
    ),
    CategoryDef(
        10,
        "days_until_first_activity",
        "Days Until First Activity",
        "adoption",
        "lower",
        "days",
        "median days from lead creation to first activity, leads of the last months (lower is better)",
        "Notify owners the day a lead arrives and review the slowest owners and the oldest untouched leads.",
    ),
    CategoryDef(
        11,
        "number_of_activities",
        "Number of Activities",
        "adoption",
        "higher",
        "count",
        "mean activities per lead sent in the last months",
        "Put job-change leads into a multi-touch sequence; review leads touched once and dropped.",
    ),
)

CATEGORY_BY_KEY: dict[str, CategoryDef] = {c.key: c for c in CATEGORIES}
CATEGORY_KEYS: tuple[str, ...] = tuple(c.key for c in CATEGORIES)
