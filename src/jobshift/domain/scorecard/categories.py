"""The 11 graded categories of the scorecard, in priority (funnel) order, with the advice for each.

1–5 grade the inputs (who and which accounts you track), 6–8 the output quality (the signals you
receive), 9–11 adoption (what reps do with them). Keys are stable: JSON consumers and the
``[scorecard.benchmarks]`` / ``[scorecard.min_samples]`` config sections use them.

This is the one place a category is described: its order, name, direction, unit, default benchmark
and minimum sample (the config sections are generated from these), what it measures and the fix. Its
formula — the store aggregates it reads and the value, sample and drill-down it computes — is the
function registered under its key in ``services/scorecard/formulas.py``. Adding a category = one entry
here + its formula; ``tests/domain/test_scorecard_registry.py`` fails when either is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal

from jobshift.domain.scorecard.grades import Direction

Group = Literal["input", "output", "adoption"]
Unit = Literal["share", "days", "count"]


@dataclass(frozen=True, kw_only=True)
class CategoryDef:
    """What a category measures, which way is better, its defaults, and the fix that raises its grade."""

    number: int
    """Position in the scorecard (funnel order), from 1."""
    key: str
    name: str
    summary: str
    """One line for the configuration reference (``[scorecard.benchmarks] <key>``)."""
    group: Group
    direction: Direction
    unit: Unit
    benchmark: float
    """Default benchmark (``[scorecard.benchmarks] <key>`` overrides it)."""
    min_sample: int
    """Default minimum sample: below it the category is "n/a" (``[scorecard.min_samples] <key>``)."""
    sample_noun: str
    """What the sample counts, for the "too little data" reason (``leads sent in the month``)."""
    measures: str
    fix: str


CATEGORIES: tuple[CategoryDef, ...] = (
    CategoryDef(
        number=1,
        key="contacts_provided",
        name="Contacts Provided",
        summary="Weighted share of the valuable cohorts' opportunity contacts tracked",
        group="input",
        direction="higher",
        unit="share",
        benchmark=0.8,
        min_sample=10,
        sample_noun="contacts on opportunities",
        measures=(
            "weighted share of valuable cohorts tracked: closed-won opp contacts (weight 3), open opp "
            "contacts (2), closed-lost opp contacts (1); each term = tracked / available in the CRM"
        ),
        fix="Add the under-filled cohorts to the tracked set (closed-won first), or raise the tracking cap.",
    ),
    CategoryDef(
        number=2,
        key="closed_won_contacts_tracked",
        name="Closed Won Opp Contacts Tracked",
        summary="Share of the contacts on closed-won opportunities tracked",
        group="input",
        direction="higher",
        unit="share",
        benchmark=0.9,
        min_sample=10,
        sample_noun="closed-won opp contacts",
        measures="tracked closed-won opp contacts / all contacts on closed-won opps (all time)",
        fix=(
            "Track every contact on a closed-won opportunity: add the cohort first in priority, fill in "
            "missing emails/LinkedIn URLs, and raise the cap if it cuts them off."
        ),
    ),
    CategoryDef(
        number=3,
        key="persona_definition",
        name="Persona Definition",
        summary="Share of closed-won opportunity contacts whose title matches [persona]",
        group="input",
        direction="higher",
        unit="share",
        benchmark=0.6,
        min_sample=10,
        sample_noun="closed-won opp contacts",
        measures="share of closed-won opp contacts whose titles match a defined persona",
        fix=(
            "Widen [persona] so it covers your real buyers: add the most common unmatched buyer titles as "
            "keywords, or their seniority/function."
        ),
    ),
    CategoryDef(
        number=4,
        key="accounts_provided",
        name="Accounts Provided",
        summary="Kinds of accounts present (target or ICP, open opportunity, customer) / 3",
        group="input",
        direction="higher",
        unit="share",
        benchmark=1.0,
        min_sample=1,
        sample_noun="accounts",
        measures=(
            "share of the three account kinds present: target/ICP accounts, open-opp accounts, customer "
            "accounts"
        ),
        fix=(
            "Provide the missing kind: flag target accounts (is_target) or define [icp], import open "
            "opportunities, mark customer accounts (type Customer)."
        ),
    ),
    CategoryDef(
        number=5,
        key="icp_definition",
        name="ICP Definition",
        summary="Share of the customer accounts matching [icp]",
        group="input",
        direction="higher",
        unit="share",
        benchmark=0.5,
        min_sample=5,
        sample_noun="customer accounts",
        measures="share of customer accounts that match the ICP",
        fix=(
            "Widen [icp] so the majority of your customers match it: see the criterion that excludes most "
            "customers and the suggested values."
        ),
    ),
    CategoryDef(
        number=6,
        key="filtering",
        name="Filtering",
        summary="Share of the month's detected job changes filtered out",
        group="output",
        direction="lower",
        unit="share",
        benchmark=0.2,
        min_sample=20,
        sample_noun="job changes detected in the month",
        measures="share of detected job changes filtered out before reaching the CRM (lower is better)",
        fix=(
            "Review the filters that remove most signals; loosen the ones that drop people you would call, "
            "and fix the tracked set if it feeds many non-buyers."
        ),
    ),
    CategoryDef(
        number=7,
        key="new_title_relevance",
        name="New Title Relevance",
        summary="Share of the month's leads whose title matches [persona]",
        group="output",
        direction="higher",
        unit="share",
        benchmark=0.5,
        min_sample=10,
        sample_noun="leads sent in the month",
        measures="share of job-change leads sent whose new title matches a persona",
        fix=(
            "Track contacts closer to your persona (cohorts filtered by persona) so their next titles are "
            "relevant."
        ),
    ),
    CategoryDef(
        number=8,
        key="new_account_relevance",
        name="New Account Relevance",
        summary="Share of the month's leads at a relevant (target or ICP) account",
        group="output",
        direction="higher",
        unit="share",
        benchmark=0.3,
        min_sample=10,
        sample_noun="leads sent in the month",
        measures=(
            "share of job-change leads sent that land at a target or ICP-matching account that is not a "
            "customer and has no open opp"
        ),
        fix="Flag more target accounts or widen the ICP; consider filtering moves to existing customers.",
    ),
    CategoryDef(
        number=9,
        key="engagement_rate",
        name="Engagement Rate",
        summary="Share of the window's leads with at least one activity",
        group="adoption",
        direction="higher",
        unit="share",
        benchmark=0.5,
        min_sample=10,
        sample_noun="leads sent in the window",
        measures="share of leads sent in the last months with at least one activity",
        fix="Make sure every lead owner works the leads: follow up the uncontacted leads by owner.",
    ),
    CategoryDef(
        number=10,
        key="days_until_first_activity",
        name="Days Until First Activity",
        summary="Median days from lead creation to its first activity",
        group="adoption",
        direction="lower",
        unit="days",
        benchmark=7.0,
        min_sample=5,
        sample_noun="contacted leads in the window",
        measures=(
            "median days from lead creation to first activity, leads of the last months (lower is better)"
        ),
        fix=(
            "Notify owners the day a lead arrives and review the slowest owners and the oldest untouched "
            "leads."
        ),
    ),
    CategoryDef(
        number=11,
        key="number_of_activities",
        name="Number of Activities",
        summary="Activities per lead of the window",
        group="adoption",
        direction="higher",
        unit="count",
        benchmark=3.0,
        min_sample=10,
        sample_noun="leads sent in the window",
        measures="mean activities per lead sent in the last months",
        fix="Put job-change leads into a multi-touch sequence; review leads touched once and dropped.",
    ),
)

CATEGORY_BY_KEY: dict[str, CategoryDef] = {c.key: c for c in CATEGORIES}
CATEGORY_KEYS: tuple[str, ...] = tuple(c.key for c in CATEGORIES)


def incomplete_fields(cat: CategoryDef) -> list[str]:
    """The fields of an entry that are empty (text) or not positive (benchmark); [] for a complete one."""
    bad = [
        f.name
        for f in fields(cat)
        if isinstance(getattr(cat, f.name), str) and not getattr(cat, f.name).strip()
    ]
    if not cat.benchmark > 0:
        bad.append("benchmark")
    if cat.min_sample < 0:
        bad.append("min_sample")
    return bad
