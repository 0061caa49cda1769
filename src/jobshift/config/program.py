"""The program's moving parts: ``[[cohorts]]``, ``[tiers.<name>]``, ``[push]`` and ``[backfill]``."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator
from pydantic.json_schema import JsonDict

from jobshift.config.base import CADENCE_FORMS, Section, check_cadence
from jobshift.config.retry import RetrySettings


class CohortSection(Section):
    """One cohort of contacts to track (``[[cohorts]]``, in priority order; see docs/program.md)."""

    name: str = Field(min_length=1, description="Required, unique.")
    opportunity_status: list[Literal["won", "open", "lost"]] = Field(
        default_factory=list,
        description="The contact has a role on such an opportunity (one or a list).",
    )
    opportunity_types: list[str] = Field(default_factory=list, description="Types of that opportunity.")
    stage_min: int | None = Field(None, ge=0, le=99, examples=[3], description="Its stage number at least.")
    stage_max: int | None = Field(None, ge=0, le=99, examples=[5], description="Its stage number at most.")
    closed_within_months: int | None = Field(
        None, ge=0, le=600, examples=[24], description="It closed within this many months."
    )
    segments: list[str] = Field(
        default_factory=list,
        description="Segment of the opportunity's account (of the contact's account when no opportunity "
        "test).",
    )
    account_types: list[str] = Field(default_factory=list, description="Type of the contact's account.")
    industries: list[str] = Field(default_factory=list, description="Industry of the contact's account.")
    countries: list[str] = Field(default_factory=list, description="Country of the contact's account.")
    roles: list[str] = Field(default_factory=list, description="Contact role on the opportunity.")
    target_accounts_only: bool = Field(False, description="Only contacts of accounts flagged target.")
    persona_only: bool = Field(False, description="Only contacts whose title matches [persona].")

    @field_validator("opportunity_status", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @model_validator(mode="after")
    def _stage_range(self) -> CohortSection:
        if self.stage_min is not None and self.stage_max is not None and self.stage_min > self.stage_max:
            raise ValueError(f"stage_min {self.stage_min} is above stage_max {self.stage_max}")
        return self


class TierSection(Section):
    """A tier of the tracked set and how often it is checked (``[tiers.<name>]``, in order)."""

    cadence: str = Field(description=f"When the tier is checked: {CADENCE_FORMS}.")
    size: int | None = Field(
        None, ge=1, examples=[1000], description="At most this many contacts (unset = the rest)."
    )
    cohorts: list[str] = Field(default_factory=list, description="Only these cohorts (empty = any).")
    top_cohort: bool = Field(False, description="Only the top (first) cohort.")

    @field_validator("cadence")
    @classmethod
    def _cadence(cls, v: str) -> str:
        return check_cadence(v)


def default_cohorts() -> list[CohortSection]:
    """The four default cohorts: closed-won large, closed-won SMB persona, open large, closed-lost."""
    big = ["Large", "Mid-Market", "PubSec"]
    return [
        CohortSection(name="closed_won_large", opportunity_status=["won"], segments=big),
        CohortSection(
            name="closed_won_smb_persona", opportunity_status=["won"], segments=["SMB"], persona_only=True
        ),
        CohortSection(name="open_large", opportunity_status=["open"], segments=big),
        CohortSection(name="closed_lost", opportunity_status=["lost"]),
    ]


COHORT_NOTES: JsonDict = {
    "closed_won_large": "1. contacts on Closed Won opportunities, segment Large / Mid-Market / PubSec",
    "closed_won_smb_persona": "2. contacts on Closed Won opportunities, segment SMB, whose titles match the "
    "persona",
    "open_large": "3. contacts on open opportunities, Large / Mid-Market / PubSec",
    "closed_lost": "4. (lower value) contacts on Closed Lost opportunities",
}
"""What each default cohort is, shown above it in the template."""


def default_tiers() -> dict[str, TierSection]:
    """Two tiers: the first 1,000 of the top cohort weekly, the rest monthly."""
    return {
        "tier1": TierSection(cadence="weekly:tue", size=1000, top_cohort=True),
        "tier2": TierSection(cadence="monthly:first-tue"),
    }


TIER_NOTES: JsonDict = {
    "tier1": "the first 1,000 contacts of the top cohort, checked weekly on Tuesday",
    "tier2": "everyone else, checked monthly on the first Tuesday",
}
"""What each default tier is, shown above it in the template."""


class PushSection(RetrySettings):
    """Writing actions to the CRM through the outbox."""

    section: ClassVar[str] = "push"

    batch_size: int = Field(500, ge=1, le=10_000, description="Outbox rows sent per CRM call.")
    api_usage_threshold: float = Field(
        0.9,
        gt=0,
        le=1.0,
        description="Pause (the run ends paused, before writing) when the CRM's daily API usage reaches "
        "this share.",
    )
    max_attempts: int = Field(
        8, ge=1, le=100, description="After this many retryable failures the row is marked failed."
    )
    backoff_base_seconds: float = Field(
        60.0,
        ge=0,
        description="A row that failed retryably (429, 503, timeouts) waits backoff_base_seconds * "
        "2^(attempt-1), at most backoff_max_seconds (or the CRM's Retry-After), before the next push "
        "tries it.",
    )
    backoff_max_seconds: float = Field(
        21_600.0, ge=0, description="Longest wait before a row is tried again."
    )
    crm: Literal["store", "salesforce", "hubspot"] = Field(
        "store",
        description='Where push, backfill and the scheduler write: "store" (the built-in CRM tables), '
        '"salesforce" (the [salesforce] connector; docs/salesforce.md) or "hubspot" ([hubspot]; '
        "docs/hubspot.md).",
    )


class BackfillSection(Section):
    """The retro-active push of the historical backlog."""

    batch_size: int = Field(9000, ge=1, description="Signals per batch.")
    period: Literal["none", "daily", "weekly", "monthly"] = Field(
        "weekly", description="One batch per period (daily | weekly | monthly); none = every batch now."
    )
    order: Literal["oldest", "priority"] = Field(
        "oldest", description="Oldest job start first, or by priority (job changes first)."
    )
    cadence: str = Field(
        "weekly:sun",
        description='When the scheduler\'s "backfill" job (add it to [schedule] jobs) pushes the next batch; '
        "by default on Sundays, ahead of the Tuesday syncs.",
    )

    @field_validator("cadence")
    @classmethod
    def _cadence(cls, v: str) -> str:
        return check_cadence(v)
