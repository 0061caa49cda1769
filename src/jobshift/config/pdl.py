"""People Data Labs enrichment: ``[pdl]``."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from jobshift.config.retry import RetrySettings


class PdlSection(RetrySettings):
    """The People Data Labs Person Enrichment client (docs/people-data-api.md). The API key comes only
    from ``JOBSHIFT_PDL_API_KEY``."""

    section: ClassVar[str] = "pdl"

    base_url: str = Field("https://api.peopledatalabs.com", description="API host (a test server in tests).")
    min_likelihood: int = Field(
        6, ge=1, le=10, description="Matches below this likelihood (1-10) are not returned (and not billed)."
    )
    tier1_cadence_days: int = Field(
        7,
        ge=1,
        description="A tier-1 contact is enriched again only after this many days; a profile is never "
        "bought twice within its tier's cadence.",
    )
    tier2_cadence_days: int = Field(30, ge=1, description="The same for tier-2 contacts.")
    default_cadence_days: int = Field(30, ge=1, description="The same for contacts without a tier.")
    rate_per_minute: int = Field(100, ge=1, description="At most this many API calls per minute.")
    max_per_run: int | None = Field(
        None,
        ge=1,
        examples=[1000],
        description="At most this many lookups per `jobshift enrich` run (unset = every due contact).",
    )
    max_attempts: int = Field(
        5,
        ge=1,
        le=100,
        description="Tries of one lookup in all: 429 (Retry-After honoured), 5xx and network errors are "
        "retried with exponential backoff and jitter; then the run stops as retryable.",
    )
    backoff_base_seconds: float = Field(
        1.0,
        ge=0,
        description="Wait before retry n: backoff_base_seconds * 2^(n-1), at most "
        "backoff_max_seconds, 50-100% of it (jitter).",
    )
    backoff_max_seconds: float = Field(60.0, ge=0, description="Longest wait between two tries.")
    timeout_seconds: float = Field(30.0, gt=0, description="Timeout of one API call.")
