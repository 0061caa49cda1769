"""The monthly scorecard: ``[scorecard]`` and its ``weights``, ``benchmarks`` and ``min_samples`` tables."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field, create_model, field_validator

from jobshift.config.base import Section
from jobshift.domain.scorecard.categories import CATEGORIES


def _category_section(name: str, doc: str, kind: type[float] | type[int]) -> type[Section]:
    """A section with one field per scorecard category (registry order), defaults and descriptions from
    the category registry (``domain/scorecard/categories.py``): adding a category adds its keys here."""
    fields: dict[str, Any] = {}
    for c in CATEGORIES:
        if kind is float:
            lower = "; lower is better" if c.direction == "lower" else ""
            fields[c.key] = (float, Field(c.benchmark, gt=0, description=f"{c.number}. {c.summary}{lower}."))
        else:
            noun = c.sample_noun[:1].upper() + c.sample_noun[1:]
            fields[c.key] = (int, Field(c.min_sample, ge=0, description=f"{noun}."))
    model = create_model(name, __base__=Section, __module__=__name__, **fields)
    model.__doc__ = doc
    return model


if TYPE_CHECKING:
    ScorecardBenchmarks = Section
    ScorecardMinSamples = Section
else:
    ScorecardBenchmarks = _category_section(
        "ScorecardBenchmarks", "The benchmark of each scorecard category (see docs/scorecard.md).", float
    )
    ScorecardMinSamples = _category_section(
        "ScorecardMinSamples",
        'Below this many records a category shows "n/a" (too little data to judge).',
        int,
    )


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
