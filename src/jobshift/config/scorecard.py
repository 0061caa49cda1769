"""The monthly scorecard: ``[scorecard]`` and its ``weights``, ``benchmarks`` and ``min_samples`` tables."""

from __future__ import annotations

from pydantic import Field, field_validator

from jobshift.config.base import Section


class ScorecardBenchmarks(Section):
    """The benchmark of each scorecard category (see docs/scorecard.md)."""

    contacts_provided: float = Field(
        0.80, gt=0, description="1. Weighted share of the valuable cohorts' opportunity contacts tracked."
    )
    closed_won_contacts_tracked: float = Field(
        0.90, gt=0, description="2. Share of the contacts on closed-won opportunities tracked."
    )
    persona_definition: float = Field(
        0.60, gt=0, description="3. Share of closed-won opportunity contacts whose title matches [persona]."
    )
    accounts_provided: float = Field(
        1.00,
        gt=0,
        description="4. Kinds of accounts present (target or ICP, open opportunity, customer) / 3.",
    )
    icp_definition: float = Field(0.50, gt=0, description="5. Share of the customer accounts matching [icp].")
    filtering: float = Field(
        0.20, gt=0, description="6. Share of the month's signals filtered out; lower is better."
    )
    new_title_relevance: float = Field(
        0.50, gt=0, description="7. Share of the month's leads whose title matches [persona]."
    )
    new_account_relevance: float = Field(
        0.30, gt=0, description="8. Share of the month's leads at a relevant (target or ICP) account."
    )
    engagement_rate: float = Field(
        0.50, gt=0, description="9. Share of the window's leads with at least one activity."
    )
    days_until_first_activity: float = Field(
        7.0, gt=0, description="10. Median days from lead creation to its first activity; lower is better."
    )
    number_of_activities: float = Field(3.0, gt=0, description="11. Activities per lead of the window.")


class ScorecardMinSamples(Section):
    """Below this many records a category shows "n/a" (too little data to judge)."""

    contacts_provided: int = Field(10, ge=0, description="Contacts on opportunities.")
    closed_won_contacts_tracked: int = Field(10, ge=0, description="Closed-won opportunity contacts.")
    persona_definition: int = Field(10, ge=0, description="Closed-won opportunity contacts.")
    accounts_provided: int = Field(1, ge=0, description="Accounts.")
    icp_definition: int = Field(5, ge=0, description="Customer accounts.")
    filtering: int = Field(20, ge=0, description="Signals detected in the month.")
    new_title_relevance: int = Field(10, ge=0, description="Leads sent in the month.")
    new_account_relevance: int = Field(10, ge=0, description="Leads sent in the month.")
    engagement_rate: int = Field(10, ge=0, description="Leads sent in the window.")
    days_until_first_activity: int = Field(5, ge=0, description="Contacted leads in the window.")
    number_of_activities: int = Field(10, ge=0, description="Leads sent in the window.")


class CohortWeights(Section):
    """Weights of the valuable cohorts in Contacts Provided."""

    closed_won: float = Field(3.0, ge=0, description="Contacts on closed-won opportunities.")
    open: float = Field(2.0, ge=0, description="Contacts on open opportunities.")
    closed_lost: float = Field(1.0, ge=0, description="Contacts on closed-lost opportunities.")


def _default_cutoffs() -> dict[str, float]:
    return {"A+": 1.5, "A": 1.3, "A-": 1.15, "B+": 1.07, "B": 1.0, "C+": 0.9, "C": 0.8, "C-": 0.7, "D": 0.5}


class ScorecardSection(Section):
    """The monthly scorecard: benchmarks, grade cut-offs, windows, sample sizes, program cost."""

    engagement_window_months: int = Field(
        3,
        ge=1,
        le=24,
        description="Adoption categories (9-11) look at leads sent in the last N months ending with the "
        "graded month.",
    )
    suspected_min_activities: int = Field(
        5,
        ge=1,
        description="Suspected attribution: at least this many activities, the first before the "
        "opportunity was created.",
    )
    program_yearly_cost: float | None = Field(
        None,
        gt=0,
        examples=[60000],
        description="Yearly program cost; when set, the scorecard shows pipeline-to-spend and cost per "
        "opportunity.",
    )
    pipeline_to_spend_benchmark: float = Field(
        10.0, gt=0, description="Benchmark of pipeline / program_yearly_cost."
    )
    customer_account_types: list[str] = Field(
        default_factory=lambda: ["Customer"],
        description="Account types that make an account a customer (besides having a closed-won "
        "opportunity); case-insensitive.",
    )
    meeting_activity_types: list[str] = Field(
        default_factory=lambda: ["Meeting"],
        description="Activity types that count as a meeting held in the funnel.",
    )
    trend_months: int = Field(
        3, ge=0, le=24, description="How many previous months' snapshots show as the trend."
    )
    drilldown_limit: int = Field(50, ge=1, le=100_000, description="Records listed per drill-down.")
    email_roles: list[str] = Field(
        default_factory=lambda: ["Admin", "Manager"],
        description="The monthly email (jobshift scorecard --email, the scheduler's scorecard job) goes to "
        "active CRM users with one of these roles and an email address, plus the addresses in email_to.",
    )
    email_to: list[str] = Field(default_factory=list, description="Extra recipients of the monthly email.")
    weekly_lookback_days: int = Field(
        365,
        ge=7,
        le=3650,
        description="The Monday pipeline summary follows credited opportunities created in the last N days.",
    )
    grade_cutoffs: dict[str, float] = Field(
        default_factory=_default_cutoffs,
        description="grade = lowest s a grade needs: s = value / benchmark (lower-is-better: benchmark / "
        "value), a grade needs s at or above its cut-off. Below D is F. B must stay 1.0 (B or better = "
        "at or above benchmark).",
    )
    weights: CohortWeights = Field(
        default_factory=CohortWeights, description="Contacts Provided: weight of each valuable cohort."
    )
    benchmarks: ScorecardBenchmarks = Field(
        default_factory=ScorecardBenchmarks,
        description="The benchmark of each category (1-11, docs/scorecard.md).",
    )
    min_samples: ScorecardMinSamples = Field(
        default_factory=ScorecardMinSamples,
        description='With fewer records than this a category shows "n/a" instead of a grade.',
    )

    @field_validator("grade_cutoffs")
    @classmethod
    def _check_cutoffs(cls, v: dict[str, float]) -> dict[str, float]:
        from jobshift.domain.scorecard.grades import validate_cutoffs

        validate_cutoffs(v)
        return v
