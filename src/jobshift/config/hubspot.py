"""The HubSpot connector: ``[hubspot]``, ``[hubspot.deal_stages]`` and ``[hubspot.fields.<object>]``."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from jobshift.config.retry import RetrySettings


def _default_deal_stages() -> dict[str, str]:
    return {
        "appointmentscheduled": "1-Appointment Scheduled",
        "qualifiedtobuy": "2-Qualified To Buy",
        "presentationscheduled": "3-Presentation Scheduled",
        "decisionmakerboughtin": "4-Decision Maker Bought-In",
        "contractsent": "5-Contract Sent",
        "closedwon": "7-Closed Won",
        "closedlost": "8-Closed Lost",
    }


class HubSpotSection(RetrySettings):
    """The HubSpot connector (docs/hubspot.md). The private-app token comes only from the environment:
    ``JOBSHIFT_HUBSPOT_TOKEN``."""

    section: ClassVar[str] = "hubspot"

    base_url: str = Field("https://api.hubapi.com", description="API host (a test server in tests).")
    timeout_seconds: float = Field(30.0, gt=0, description="Read timeout of one API call.")
    connect_timeout_seconds: float = Field(
        5.0, gt=0, le=120, description="TCP/TLS connect timeout of one call."
    )
    lead_mode: Literal["contact", "leads_object"] = Field(
        "contact",
        description='"contact": a lead is a contact with the hs_lead_status and lifecyclestage below; '
        '"leads_object": also a record of HubSpot\'s Leads object (when `jobshift crm check` finds it '
        "in the portal).",
    )
    lead_lifecycle_stage: str = Field("lead", description="lifecyclestage of the contacts jobshift creates.")
    lead_status: str = Field("NEW", description="hs_lead_status of the contacts jobshift creates.")
    departed_lead_status: str = Field(
        "UNQUALIFIED",
        description="A contact who left gets jobshift_no_longer_at_company = true and this hs_lead_status "
        '("" = keep).',
    )
    departed_lifecycle_stage: str = Field("", description='lifecyclestage of a contact who left ("" = keep).')
    property_group: str = Field(
        "jobshift", description="The property group `jobshift crm setup` creates for jobshift's properties."
    )
    batch_size: int = Field(
        100, ge=1, le=100, description="Records per batch create / update call (HubSpot allows 100)."
    )
    daily_limit: int = Field(
        250_000,
        ge=1,
        description="Daily API calls of the account, used when it does not send the "
        "X-HubSpot-RateLimit-Daily(-Remaining) headers.",
    )
    api_usage_pause_share: float = Field(
        0.9, gt=0, le=1.0, description="Pause writes at this share of the daily API calls."
    )
    max_attempts: int = Field(
        6,
        ge=1,
        le=100,
        description="Tries of one API call in all: 429 (Retry-After honoured), 5xx and network errors are "
        "retried with exponential backoff and jitter.",
    )
    backoff_base_seconds: float = Field(
        1.0,
        ge=0,
        description="Wait before retry n: backoff_base_seconds * 2^(n-1), at most "
        "backoff_max_seconds, 50-100% of it (jitter).",
    )
    backoff_max_seconds: float = Field(
        60.0,
        ge=0,
        description="Longest wait between two tries (a 429's Retry-After may wait up to 10 times this).",
    )
    search_page_size: int = Field(100, ge=1, le=200, description="Records per page of a search (read) call.")
    record_url_template: str = Field(
        "https://app.hubspot.com/contacts/{portal_id}/record/0-1/{id}",
        description="Link to a record in HubSpot's web UI; reserved, not read by jobshift yet.",
    )
    portal_id: str | None = Field(
        None,
        examples=["12345678"],
        description="The HubSpot account (portal) id of record_url_template; reserved, not read by "
        "jobshift yet.",
    )
    deal_stages: dict[str, str] = Field(
        default_factory=_default_deal_stages,
        description='Deal stage id -> jobshift\'s "N-Label" stage (the number drives cohorts and rules '
        "1A-3B); a stage id not listed keeps the pipeline's label (open, no stage number).",
    )
    closed_won_stages: list[str] = Field(
        default_factory=lambda: ["closedwon"], description="Deal stage ids that are closed won."
    )
    closed_lost_stages: list[str] = Field(
        default_factory=lambda: ["closedlost"], description="Deal stage ids that are closed lost."
    )
    fields: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        examples=[
            {"contacts": {"linkedin_url": "hs_linkedin_url"}, "users": {"slack_user_id": "slack_user_id"}}
        ],
        description='Property mapping per object: canonical column = "hubspot_property" ("" = do not read '
        "or write it); users maps properties of HubSpot's Users object (joined with the owners by e-mail).",
    )
