"""The program configuration: ``jobshift.toml`` read into pydantic models, ``JOBSHIFT_*`` overrides.

Environment variables win over the file; nested keys use ``__``:
``JOBSHIFT_DETECTION__NEW_HIRE_WINDOW_DAYS=60``.
An invalid configuration raises :class:`~jobshift.errors.ConfigError` naming the key path.
Later features add their own sections here (cohorts, tiers, routing, notifications, scorecard).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict

from jobshift.domain.signal_types import PRIORITY_REASONS
from jobshift.errors import ConfigError

CONFIG_FILE = "jobshift.toml"
DEFAULT_DB_FILE = "jobshift.db"


class Section(BaseModel):
    """Base of every config section: unknown keys are errors (typos are caught, not ignored)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class WorkspaceSection(Section):
    """Identity of the workspace."""

    name: str = "My company"
    timezone: str = "UTC"


LeadSignalType = Literal["job_change", "new_hire", "promotion"]


class ProgramSection(Section):
    """Lead sources and the tracking cap (see spec/program.md)."""

    contact_tracking_lead_source: str = "jobshift Contact Tracking"
    target_tracking_lead_source: str = "New Hires & Promotions"
    tracking_cap: int = Field(50_000, ge=0)
    lead_status: str = Field("New", min_length=1, description="status of every lead jobshift creates")
    priority: str = Field("High", description="priority / rating written on leads")
    priority_reasons: dict[LeadSignalType, str] = Field(
        default_factory=lambda: dict(PRIORITY_REASONS),  # type: ignore[arg-type]
        description="priority reason per lead-creating signal type",
    )
    contact_status: str = Field(
        "Disqualified", min_length=1, description="status of a contact that left the company"
    )
    disqualified_reason: str = Field(
        "No Longer at Company", min_length=1, description="disqualified reason of a contact that left"
    )
    promotion_action: Literal["update_contact", "lead"] = Field(
        "update_contact",
        description="a tracked contact promoted in place: update the contact's title, or create a lead",
    )


class StoreSection(Section):
    """The database connection."""

    busy_timeout_seconds: float = Field(
        30.0,
        ge=0.0,
        le=3600.0,
        description="SQLite: how long a write waits for another jobshift process's write lock",
    )


class ImportSection(Section):
    """CSV import behaviour."""

    batch_size: int = Field(20_000, ge=100, le=1_000_000)
    max_quarantine_share: float = Field(
        1.0, ge=0.0, le=1.0, description="fail the file when more than this share of rows is bad"
    )
    parallel: bool = Field(
        True, description="read and check large files in a second process while the first one writes"
    )
    encoding: str = Field(
        "auto",
        description="text encoding of CSV files without a byte-order mark: auto (UTF-8, else Windows-1252, "
        "with a warning) or a codec name such as utf-8, cp1252, latin-1",
    )

    invalid_email: Literal["keep", "blank", "quarantine"] = Field(
        "keep",
        description="a malformed e-mail address: keep it (counted, with a warning), blank it, or "
        "quarantine its row",
    )

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        import codecs

        if value.strip().lower() == "auto":
            return "auto"
        try:
            return codecs.lookup(value.strip()).name
        except LookupError:
            raise ValueError(f"unknown encoding {value!r} (e.g. auto, utf-8, cp1252, latin-1)") from None


class DetectionSection(Section):
    """Detection thresholds."""

    new_hire_window_days: int = Field(90, ge=1, le=3650)
    max_job_change_age_months: int = Field(12, ge=1, le=240)
    max_evidence_age_days: int = Field(180, ge=1, le=36500)
    watch_icp_accounts: bool = Field(
        True,
        description="new hires and promotions are watched at target accounts and accounts matching [icp]",
    )
    name_match_threshold: float = Field(90.0, ge=50.0, le=100.0)
    email_name_threshold: float = Field(85.0, ge=0.0, le=100.0)
    company_match_threshold: float = Field(92.0, ge=50.0, le=100.0)


class PersonaSection(Section):
    """Who matters: title keywords/regexes, seniorities and functions."""

    title_keywords: list[str] = Field(default_factory=list)
    title_regexes: list[str] = Field(default_factory=list)
    seniorities: list[str] = Field(default_factory=lambda: ["c_suite", "vp", "director"])
    functions: list[str] = Field(
        default_factory=lambda: ["engineering", "it", "security", "data", "executive"]
    )


class IcpSection(Section):
    """Ideal customer profile: account criteria. Empty lists mean "any"."""

    industries: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    segments: list[str] = Field(default_factory=list)
    min_employees: int | None = Field(None, ge=0)
    max_employees: int | None = Field(None, ge=0)


class FiltersSection(Section):
    """Signals that never reach the CRM (see spec/program.md, Filters)."""

    skip_advisors: bool = True
    skip_board_members: bool = True
    skip_investors: bool = True
    skip_interns: bool = True
    skip_students: bool = True
    skip_self_employed: bool = True
    skip_moves_to_customers: bool = False
    skip_free_mail_only: bool = True
    skip_opted_out: bool = True
    competitor_domains: list[str] = Field(default_factory=list)
    competitor_names: list[str] = Field(default_factory=list)


def _category_model(name: str, doc: str, kind: type[float] | type[int]) -> type[Section]:
    """A section with one field per scorecard category, defaults from the category registry."""
    from pydantic import create_model

    from jobshift.domain.scorecard.categories import CATEGORIES

    fields: dict[str, Any] = {}
    for c in CATEGORIES:
        if kind is float:
            note = "lower is better" if c.direction == "lower" else None
            fields[c.key] = (float, Field(c.benchmark, gt=0, description=note))
        else:
            fields[c.key] = (int, Field(c.min_sample, ge=0, description=c.sample_noun))
    model = create_model(name, __base__=Section, __module__=__name__, **fields)
    model.__doc__ = doc
    return model


if TYPE_CHECKING:
    ScorecardBenchmarks = Section
    ScorecardMinSamples = Section
else:
    ScorecardBenchmarks = _category_model(
        "ScorecardBenchmarks", "The benchmark of each scorecard category (see docs/scorecard.md).", float
    )
    ScorecardMinSamples = _category_model(
        "ScorecardMinSamples",
        'Below this many records a category shows "n/a" (too little data to judge).',
        int,
    )


class CohortWeights(Section):
    """Weights of the valuable cohorts in Contacts Provided."""

    closed_won: float = Field(3.0, ge=0)
    open: float = Field(2.0, ge=0)
    closed_lost: float = Field(1.0, ge=0)


def _default_cutoffs() -> dict[str, float]:
    return {"A+": 1.5, "A": 1.3, "A-": 1.15, "B+": 1.07, "B": 1.0, "C+": 0.9, "C": 0.8, "C-": 0.7, "D": 0.5}


class ScorecardSection(Section):
    """The monthly scorecard: benchmarks, grade cut-offs, windows, sample sizes, program cost."""

    engagement_window_months: int = Field(3, ge=1, le=24)
    suspected_min_activities: int = Field(5, ge=1)
    program_yearly_cost: float | None = Field(None, gt=0)
    pipeline_to_spend_benchmark: float = Field(10.0, gt=0)
    customer_account_types: list[str] = Field(default_factory=lambda: ["Customer"])
    meeting_activity_types: list[str] = Field(default_factory=lambda: ["Meeting"])
    trend_months: int = Field(3, ge=0, le=24)
    drilldown_limit: int = Field(50, ge=1, le=100_000)
    email_roles: list[str] = Field(
        default_factory=lambda: ["Admin", "Manager"], description="CRM user roles that get the monthly email"
    )
    email_to: list[str] = Field(default_factory=list, description="extra recipients of the monthly email")
    weekly_lookback_days: int = Field(
        365, ge=7, le=3650, description="weekly summary: opportunities created this far back are followed"
    )
    grade_cutoffs: dict[str, float] = Field(default_factory=_default_cutoffs)
    weights: CohortWeights = Field(default_factory=CohortWeights)
    benchmarks: ScorecardBenchmarks = Field(default_factory=ScorecardBenchmarks)
    min_samples: ScorecardMinSamples = Field(default_factory=ScorecardMinSamples)

    @field_validator("grade_cutoffs")
    @classmethod
    def _check_cutoffs(cls, v: dict[str, float]) -> dict[str, float]:
        from jobshift.domain.scorecard.grades import validate_cutoffs

        validate_cutoffs(v)
        return v


class SalesforceSection(Section):
    """The Salesforce connector (docs/salesforce.md). Secrets come only from the environment:
    ``JOBSHIFT_SF_PASSWORD``, ``JOBSHIFT_SF_TOKEN`` (security token), ``JOBSHIFT_SF_CLIENT_SECRET``."""

    login_url: str = "https://login.salesforce.com"
    instance_url: str | None = Field(None, description="set to skip discovery from the token response")
    api_version: str = Field("59.0", pattern=r"^\d+\.\d$")
    username: str | None = None
    client_id: str | None = Field(None, description="consumer key of the connected app")
    ca_bundle: str | None = Field(None, description="CA file to verify TLS (private CA / test servers)")
    timeout_seconds: float = Field(60.0, gt=0, description="read timeout of one API call")
    connect_timeout_seconds: float = Field(5.0, gt=0, le=120, description="TCP/TLS connect timeout")
    login_attempts: int = Field(
        2, ge=1, le=10, description="tries to reach the login URL before giving up (network errors)"
    )
    lead_external_id_field: str = "Jobshift_Key__c"
    lead_record_type_id: str | None = Field(None, description="RecordTypeId of the leads jobshift creates")
    dedupe_in_org: bool = Field(
        True, description="before planning leads, also query the org for existing leads/contacts"
    )
    contact_external_id_field: str | None = None
    bulk_threshold: int = Field(2_000, ge=1, description="writes of this many records or more use Bulk 2.0")
    rest_batch_size: int = Field(200, ge=1, le=200)
    api_usage_pause_share: float = Field(0.9, gt=0, le=1.0)
    retry_attempts: int = Field(6, ge=1, le=50)
    retry_backoff_seconds: float = Field(1.0, ge=0)
    retry_backoff_max_seconds: float = Field(60.0, ge=0)
    bulk_poll_seconds: float = Field(2.0, ge=0)
    bulk_timeout_seconds: float = Field(3600.0, gt=0)
    fields: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description='per CRM object: canonical column -> Salesforce field API name ("" = not mapped)',
    )


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


class HubSpotSection(Section):
    """The HubSpot connector (docs/hubspot.md). The private-app token comes only from the environment:
    ``JOBSHIFT_HUBSPOT_TOKEN``."""

    base_url: str = Field("https://api.hubapi.com", description="API host (a test server in tests)")
    timeout_seconds: float = Field(30.0, gt=0, description="read timeout of one API call")
    connect_timeout_seconds: float = Field(5.0, gt=0, le=120, description="TCP/TLS connect timeout")
    lead_mode: Literal["contact", "leads_object"] = Field(
        "contact", description="a lead is a contact with a lead status, or also a record of the Leads object"
    )
    lead_lifecycle_stage: str = Field("lead", description="lifecyclestage of the contacts jobshift creates")
    lead_status: str = Field("NEW", description="hs_lead_status of the contacts jobshift creates")
    departed_lead_status: str = Field("UNQUALIFIED", description="hs_lead_status of a departed contact")
    departed_lifecycle_stage: str = Field("", description="lifecyclestage of a departed contact ('' = keep)")
    property_group: str = "jobshift"
    batch_size: int = Field(100, ge=1, le=100, description="records per batch create / update call")
    daily_limit: int = Field(
        250_000, ge=1, description="daily API calls of the account, when the daily headers are absent"
    )
    api_usage_pause_share: float = Field(0.9, gt=0, le=1.0)
    retry_attempts: int = Field(6, ge=1, le=50)
    retry_backoff_seconds: float = Field(1.0, ge=0)
    retry_backoff_max_seconds: float = Field(60.0, ge=0)
    search_page_size: int = Field(100, ge=1, le=200)
    record_url_template: str = Field(
        "https://app.hubspot.com/contacts/{portal_id}/record/0-1/{id}",
        description="link to a record in HubSpot (web UI)",
    )
    portal_id: str | None = None
    deal_stages: dict[str, str] = Field(
        default_factory=_default_deal_stages,
        description='deal stage id -> jobshift stage "N-Label" (closed won 7, closed lost 8 by default)',
    )
    closed_won_stages: list[str] = Field(default_factory=lambda: ["closedwon"])
    closed_lost_stages: list[str] = Field(default_factory=lambda: ["closedlost"])
    fields: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description='per CRM object: canonical column -> HubSpot property name ("" = not mapped)',
    )


class PdlSection(Section):
    """The People Data Labs Person Enrichment client (docs/people-data-api.md). The API key comes only
    from ``JOBSHIFT_PDL_API_KEY``."""

    base_url: str = "https://api.peopledatalabs.com"
    min_likelihood: int = Field(6, ge=1, le=10)
    tier1_cadence_days: int = Field(7, ge=1)
    tier2_cadence_days: int = Field(30, ge=1)
    default_cadence_days: int = Field(30, ge=1, description="contacts without a tier")
    rate_per_minute: int = Field(100, ge=1)
    max_per_run: int | None = Field(None, ge=1)
    retry_attempts: int = Field(5, ge=1, le=50)
    retry_backoff_seconds: float = Field(1.0, ge=0)
    retry_backoff_max_seconds: float = Field(60.0, ge=0)
    timeout_seconds: float = Field(30.0, gt=0)


class CohortSection(Section):
    """One cohort of contacts to track (``[[cohorts]]``, in priority order; see docs/program.md)."""

    name: str = Field(min_length=1)
    opportunity_status: list[Literal["won", "open", "lost"]] = Field(
        default_factory=list, description="the contact has a role on such an opportunity"
    )
    opportunity_types: list[str] = Field(default_factory=list)
    stage_min: int | None = Field(None, ge=0, le=99)
    stage_max: int | None = Field(None, ge=0, le=99)
    closed_within_months: int | None = Field(None, ge=0, le=600)
    segments: list[str] = Field(default_factory=list, description="segment of the opportunity's account")
    account_types: list[str] = Field(default_factory=list)
    industries: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    roles: list[str] = Field(default_factory=list, description="contact role on the opportunity")
    target_accounts_only: bool = False
    persona_only: bool = Field(False, description="only contacts whose title matches [persona]")

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

    cadence: str = Field(description="weekly:tue | monthly:first-tue | daily | a 5-field cron")
    size: int | None = Field(None, ge=1, description="at most this many contacts; none = the rest")
    cohorts: list[str] = Field(default_factory=list, description="only these cohorts (empty = any)")
    top_cohort: bool = Field(False, description="only the top (first) cohort")

    @field_validator("cadence")
    @classmethod
    def _cadence(cls, v: str) -> str:
        from jobshift.domain.cadence import parse_cadence

        parse_cadence(v)
        return v


class PushSection(Section):
    """Writing actions to the CRM through the outbox."""

    batch_size: int = Field(500, ge=1, le=10_000, description="outbox rows per CRM call")
    api_usage_threshold: float = Field(0.9, gt=0, le=1.0, description="pause at this share of the API limit")
    retry_base_seconds: float = Field(60.0, ge=0)
    retry_max_seconds: float = Field(21_600.0, ge=0)
    max_attempts: int = Field(8, ge=1, le=100, description="retryable failures before a row is failed")
    crm: Literal["store", "salesforce", "hubspot"] = Field(
        "store",
        description="where push, backfill and the scheduler write: the built-in store, Salesforce or HubSpot",
    )


class BackfillSection(Section):
    """The retro-active push of the historical backlog."""

    batch_size: int = Field(9000, ge=1, description="signals per batch")
    period: Literal["none", "daily", "weekly", "monthly"] = Field(
        "weekly", description="one batch per period; none = every batch now"
    )
    order: Literal["oldest", "priority"] = "oldest"
    cadence: str = Field(
        "weekly:sun",
        description="when the scheduler's backfill job (enable it in [schedule] jobs) pushes the next batch",
    )

    @field_validator("cadence")
    @classmethod
    def _cadence(cls, v: str) -> str:
        from jobshift.domain.cadence import parse_cadence

        parse_cadence(v)
        return v


_HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"
SCHEDULE_JOB_NAMES = ("tiers", "notify", "scorecard", "weekly_emails", "backfill")


class WebSection(Section):
    """The web UI and REST API (``jobshift serve``; docs/security.md): cookies behind TLS, sign-in
    throttling, sessions, API tokens."""

    secure_cookies: bool = Field(
        False, description="always mark cookies Secure and send HSTS (serve behind TLS only)"
    )
    hsts_max_age: int = Field(31_536_000, ge=0, description="HSTS max-age in seconds with secure_cookies")
    login_max_failures: int = Field(5, ge=1, le=1000, description="failed sign-ins per user name")
    login_ip_max_failures: int = Field(20, ge=1, le=100_000, description="failed sign-ins per client IP")
    login_window_minutes: int = Field(15, ge=1, le=1440, description="window the failures are counted in")
    login_lockout_minutes: int = Field(15, ge=1, le=1440, description="how long a lockout lasts")
    max_concurrent_hashes: int = Field(
        2, ge=1, le=64, description="argon2 password checks at once (64 MiB each); others wait"
    )
    session_hours: int = Field(12, ge=1, le=24 * 30, description="a session ends this long after sign-in")
    token_expires_days: int = Field(
        90, ge=0, le=3650, description="default lifetime of new API tokens (0 = never expire)"
    )


class ScheduleSection(Section):
    """The scheduler (``jobshift schedule run``; docs/scheduler.md). Times are local to
    ``[workspace] timezone``."""

    tick_seconds: float = Field(60.0, gt=0, le=3600, description="how often due periods are looked for")
    max_catch_up: int = Field(
        3, ge=1, le=100, description="missed periods run per job after downtime; older ones are skipped"
    )
    jobs: list[str] = Field(
        default_factory=lambda: ["tiers", "notify", "scorecard"],
        description="enabled jobs: tiers (every tier check) or tier names, notify, scorecard, weekly_emails, "
        "backfill",
    )
    notify_time: str = Field("09:00", pattern=_HHMM, description="notifications, the day after a push")
    notify_digest: bool = Field(True, description="the notify job also builds the weekly digests")
    scorecard_time: str = Field("06:00", pattern=_HHMM, description="on the 1st, for the previous month")
    scorecard_email: bool = Field(True, description="the scorecard job e-mails it to admins and managers")
    weekly_time: str = Field("07:00", pattern=_HHMM, description="weekly_emails: Mondays at this time")
    track_before_check: bool = Field(True, description="rebuild the tracked set before each tier check")
    enrich_before_check: bool = Field(True, description="enrich due contacts first (if JOBSHIFT_PDL_API_KEY)")
    pull_before_check: bool = Field(True, description="pull CRM changes first when [push] crm is remote")


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _default_regions() -> dict[str, list[str]]:
    return {
        "AMER": ["US", "United States", "CA", "Canada", "MX", "Mexico", "BR", "Brazil", "AR", "Argentina"],
        "APJ": ["JP", "Japan", "AU", "Australia", "IN", "India", "SG", "Singapore", "NZ", "New Zealand"],
    }


class RoutingPool(Section):
    """A round-robin pool for leads without a usable owner on a matched account (``[[routing.pools]]``)."""

    name: str = Field(min_length=1)
    regions: list[str] = Field(default_factory=list, description="lead regions served (empty = any)")
    segments: list[str] = Field(default_factory=list, description="lead segments served (empty = any)")
    roles: list[str] = Field(default_factory=lambda: ["BDR", "SDR"], description="member roles")
    users: list[str] = Field(default_factory=list, description="explicit member user ids (overrides roles)")
    same_region: bool = Field(True, description="members of the lead's region when there are any")


class RoutingSection(Section):
    """Lead routing (docs/notifications.md, "Routing")."""

    smb_segments: list[str] = Field(default_factory=lambda: ["SMB"])
    smb_roles: list[str] = Field(default_factory=lambda: ["SDR"], description="round-robin when no BDR")
    regions: dict[str, list[str]] = Field(
        default_factory=_default_regions, description="region -> countries (ISO-2 or names)"
    )
    default_region: str | None = Field("EMEA", description="region of countries not listed")
    pools: list[RoutingPool] = Field(default_factory=lambda: [RoutingPool(name="default")])
    weights: dict[str, float] = Field(default_factory=dict, description="user id -> weight (default 1)")
    capacity: dict[str, int] = Field(default_factory=dict, description="user id -> leads per window")
    default_capacity: int | None = Field(None, ge=1, description="leads per window for every rep")
    capacity_window_days: int = Field(7, ge=1, le=366)
    fallback_owner_id: str | None = Field(None, description="owner when every pool is empty or full")

    @field_validator("weights")
    @classmethod
    def _positive(cls, v: dict[str, float]) -> dict[str, float]:
        bad = [k for k, w in v.items() if w <= 0]
        if bad:
            raise ValueError(f"weights must be above 0 ({bad[0]})")
        return v


Recipient = Literal["lead_owner", "account_bdr", "account_ae", "account_renewal_manager"]


def _lead_owner_only() -> list[Recipient]:
    return ["lead_owner"]


class NotificationRule(Section):
    """One notification rule (``[notifications.rules.<id>]``): when it fires and who is told."""

    enabled: bool = True
    title: str = ""
    item: Literal["lead", "contact"] = Field(
        "lead", description="lead: job-change lead created; contact: contact left the company"
    )
    open_opps: Literal["none", "early", "late", "any"] = Field(
        "any", description="open opportunities of the account: none | early stage | late stage | any"
    )
    or_customer_open_renewal: bool = Field(False, description="also fire for customers with an open renewal")
    started_within_months: int | None = Field(None, ge=1, le=240)
    started_within: Literal["yes", "no", "any"] = "any"
    recipients: list[Recipient] = Field(default_factory=_lead_owner_only)


def _default_rules() -> dict[str, NotificationRule]:
    team: list[Recipient] = ["account_ae", "account_renewal_manager"]
    return {
        "1A": NotificationRule(
            title="Tracked contact joined a new business, no open opps (started < 3 months)",
            open_opps="none",
            started_within_months=3,
            started_within="yes",
        ),
        "1B": NotificationRule(
            title="Tracked contact joined a new business, no open opps (started > 3 months)",
            open_opps="none",
            started_within_months=3,
            started_within="no",
        ),
        "1C": NotificationRule(
            title="Tracked contact joined a business with an open opp at stage 3 or beyond",
            open_opps="late",
            started_within_months=6,
            started_within="yes",
            recipients=team,
        ),
        "1D": NotificationRule(
            title="Tracked contact joined a business with an early-stage opp or an open renewal",
            open_opps="early",
            or_customer_open_renewal=True,
            started_within_months=6,
            started_within="yes",
            recipients=["lead_owner", "account_bdr", *team],
        ),
        "3A": NotificationRule(
            title="Contact left a company with an open opp at stage 3 or beyond",
            item="contact",
            open_opps="late",
            recipients=team,
        ),
        "3B": NotificationRule(
            title="Contact left a company with an open opp at stage 0, 1 or 2",
            item="contact",
            open_opps="early",
            recipients=["account_bdr", *team],
        ),
    }


class NotificationsSection(Section):
    """Notification rules, channels and delivery (docs/notifications.md). Secrets only from the
    environment: ``JOBSHIFT_SLACK_TOKEN`` (bot token), ``JOBSHIFT_SMTP_PASSWORD``."""

    enabled: bool = True
    send_day: Weekday = Field("wed", description="plan on this weekday only (the day after the push)")
    lookback_days: int = Field(1, ge=1, le=31, description="items created in the days before the send day")
    default_channel: Literal["slack", "email", "both", "digest", "none"] = "slack"
    digest_channel: Literal["slack", "email"] = "email"
    one_per_recipient: bool = Field(True, description="a recipient hears of an item once (first rule)")
    early_stages: list[int] = Field(default_factory=lambda: [0, 1, 2])
    renewal_types: list[str] = Field(default_factory=lambda: ["Renewal"])
    rules: dict[str, NotificationRule] = Field(default_factory=_default_rules)
    web_base_url: str = "http://localhost:8000"
    crm_record_url: str = Field(
        "", description='e.g. "https://acme.lightning.force.com/lightning/r/{object}/{id}/view"'
    )
    slack_base_url: str = "https://slack.com/api/"
    slack_channel: str | None = Field(None, description="post to this channel instead of direct messages")
    slack_timeout_seconds: float = Field(30.0, gt=0)
    max_retry_after_seconds: float = Field(60.0, ge=0, description="longer 429 waits defer to a later run")
    smtp_host: str = "localhost"
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_from: str = "jobshift <jobshift@localhost>"
    smtp_username: str | None = None
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    smtp_timeout_seconds: float = Field(30.0, gt=0)
    max_attempts: int = Field(6, ge=1, le=100)
    retry_base_seconds: float = Field(60.0, ge=0)
    retry_max_seconds: float = Field(3600.0, ge=0)
    send_lease_seconds: float = Field(
        600.0, gt=0, description="a send still unconfirmed after this is checked"
    )
    email_unknown_outcome: Literal["resend", "fail"] = Field(
        "resend", description="an e-mail whose send was cut off (crash): send again (same Message-ID) or fail"
    )

    @field_validator("rules")
    @classmethod
    def _rule_ids(cls, v: dict[str, NotificationRule]) -> dict[str, NotificationRule]:
        for k in v:
            if not k or len(k) > 20 or k == "digest":
                raise ValueError(f"invalid rule id {k!r}")
        return v


def _default_cohorts() -> list[CohortSection]:
    big = ["Large", "Mid-Market", "PubSec"]
    return [
        CohortSection(name="closed_won_large", opportunity_status=["won"], segments=big),
        CohortSection(
            name="closed_won_smb_persona", opportunity_status=["won"], segments=["SMB"], persona_only=True
        ),
        CohortSection(name="open_large", opportunity_status=["open"], segments=big),
        CohortSection(name="closed_lost", opportunity_status=["lost"]),
    ]


def _default_tiers() -> dict[str, TierSection]:
    return {
        "tier1": TierSection(cadence="weekly:tue", size=1000, top_cohort=True),
        "tier2": TierSection(cadence="monthly:first-tue"),
    }


class Config(BaseSettings):
    """The whole configuration of one workspace."""

    model_config = SettingsConfigDict(
        env_prefix="JOBSHIFT_",
        env_nested_delimiter="__",
        extra="forbid",
        populate_by_name=True,
    )

    database_url: str | None = None
    workspace: WorkspaceSection = Field(default_factory=WorkspaceSection)
    store: StoreSection = Field(default_factory=StoreSection)
    program: ProgramSection = Field(default_factory=ProgramSection)
    mapping: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="per CRM object: source column header -> canonical column",
    )
    import_: ImportSection = Field(default_factory=ImportSection, alias="import")
    detection: DetectionSection = Field(default_factory=DetectionSection)
    persona: PersonaSection = Field(default_factory=PersonaSection)
    icp: IcpSection = Field(default_factory=IcpSection)
    filters: FiltersSection = Field(default_factory=FiltersSection)
    scorecard: ScorecardSection = Field(default_factory=ScorecardSection)
    cohorts: list[CohortSection] = Field(default_factory=_default_cohorts)
    tiers: dict[str, TierSection] = Field(default_factory=_default_tiers)
    push: PushSection = Field(default_factory=PushSection)
    backfill: BackfillSection = Field(default_factory=BackfillSection)
    salesforce: SalesforceSection = Field(default_factory=SalesforceSection)
    hubspot: HubSpotSection = Field(default_factory=HubSpotSection)
    pdl: PdlSection = Field(default_factory=PdlSection)
    routing: RoutingSection = Field(default_factory=RoutingSection)
    notifications: NotificationsSection = Field(default_factory=NotificationsSection)
    schedule: ScheduleSection = Field(default_factory=ScheduleSection)
    web: WebSection = Field(default_factory=WebSection)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Environment first, then the values read from ``jobshift.toml`` (passed as init kwargs)."""
        return (_EnvSource(settings_cls), init_settings)


class _EnvSource(EnvSettingsSource):
    """``JOBSHIFT_*`` variables, except ``JOBSHIFT_WORKSPACE``: that one names the workspace directory
    (the CLI's ``--workspace``), not the ``[workspace]`` section (``JOBSHIFT_WORKSPACE__NAME`` is)."""

    def _load_env_vars(self) -> Mapping[str, str | None]:
        env = super()._load_env_vars()
        return {k: v for k, v in env.items() if k.lower() != "jobshift_workspace"}


def _format_validation_error(exc: ValidationError) -> ConfigError:
    err = exc.errors()[0]
    path = ""
    for p in err["loc"]:  # list items as [i]: cohorts[2].opportunity_status
        path += (
            f"[{p}]"
            if isinstance(p, int)
            else ("." if path else "") + ("import" if p == "import_" else str(p))
        )
    msg = err["msg"]
    if "input" in err and err["type"] not in ("missing", "extra_forbidden"):
        msg = f"{msg} (got {err['input']!r})"
    if err["type"] == "extra_forbidden":
        msg = "unknown key"
    more = len(exc.errors()) - 1
    if more:
        msg += f" (and {more} more error{'s' if more > 1 else ''})"
    return ConfigError(msg, key_path=path or "<root>")


def parse_config(data: dict[str, Any]) -> Config:
    """Validate a configuration mapping (the parsed TOML) plus ``JOBSHIFT_*`` overrides."""
    try:
        cfg = Config(**data)
    except ValidationError as exc:
        raise _format_validation_error(exc) from None
    _check_program(cfg)
    return cfg


def _check_program(cfg: Config) -> None:
    """Checks across sections: unique cohort names, tiers naming known cohorts, a last tier for the rest."""
    if not cfg.cohorts:
        raise ConfigError("at least one cohort is needed (see docs/program.md)", key_path="cohorts")
    seen: set[str] = set()
    for i, c in enumerate(cfg.cohorts):
        if c.name in seen:
            raise ConfigError(f"duplicate cohort name {c.name!r}", key_path=f"cohorts[{i}].name")
        seen.add(c.name)
    if not cfg.tiers:
        raise ConfigError("at least one tier is needed", key_path="tiers")
    for name, t in cfg.tiers.items():
        unknown = [c for c in t.cohorts if c not in seen]
        if unknown:
            raise ConfigError(
                f"unknown cohort {unknown[0]!r} (cohorts: {', '.join(sorted(seen))})",
                key_path=f"tiers.{name}.cohorts",
            )
    last_name, last = list(cfg.tiers.items())[-1]
    if last.size is not None or last.cohorts or last.top_cohort:
        raise ConfigError(
            "the last tier must take the rest (no size, cohorts or top_cohort)", key_path=f"tiers.{last_name}"
        )
    _check_schedule(cfg)


def _check_schedule(cfg: Config) -> None:
    """The time zone exists, every tier cadence fires, ``[schedule] jobs`` names known jobs."""
    from datetime import datetime
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from jobshift.domain.cadence import next_due

    try:
        ZoneInfo(cfg.workspace.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"unknown time zone {cfg.workspace.timezone!r} (an IANA name such as Europe/Berlin)",
            key_path="workspace.timezone",
        ) from None
    for name, t in cfg.tiers.items():
        if name in SCHEDULE_JOB_NAMES:
            raise ConfigError(
                f"{name!r} is reserved for a scheduler job; rename the tier", key_path=f"tiers.{name}"
            )
        try:
            next_due(t.cadence, datetime(2000, 1, 1))
        except ValueError as exc:
            raise ConfigError(str(exc), key_path=f"tiers.{name}.cadence") from None
    known = (*SCHEDULE_JOB_NAMES, *cfg.tiers)
    for i, job in enumerate(cfg.schedule.jobs):
        if job not in known:
            raise ConfigError(
                f"unknown job {job!r} (one of {', '.join(known)})", key_path=f"schedule.jobs[{i}]"
            )


def load_config(workspace: Path) -> Config:
    """Read ``workspace/jobshift.toml`` (if present) and the environment into a :class:`Config`."""
    path = workspace / CONFIG_FILE
    data: dict[str, Any] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read: {exc}") from None
    return parse_config(data)


def database_url(workspace: Path, config: Config | None = None) -> str:
    """The database URL: ``JOBSHIFT_DATABASE_URL`` / config, else the SQLite file in the workspace."""
    url = os.environ.get("JOBSHIFT_DATABASE_URL") or (config.database_url if config else None)
    if url:
        return url
    return f"sqlite:///{(workspace / DEFAULT_DB_FILE).resolve()}"


DEFAULT_CONFIG_TOML = """\
# jobshift.toml: the program configuration of this workspace.
# Every key is optional; the values shown are the defaults. Environment variables override the file:
# JOBSHIFT_<SECTION>__<KEY>, e.g. JOBSHIFT_DETECTION__NEW_HIRE_WINDOW_DAYS=60.
# The database is the SQLite file jobshift.db beside this file unless JOBSHIFT_DATABASE_URL is set,
# e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test

[workspace]
name = "My company"
timezone = "UTC"

[store]
# SQLite: seconds a write waits while another jobshift command holds the write lock; then the command
# stops with "the workspace database is busy" (exit 1) and nothing of it is written.
busy_timeout_seconds = 30.0

[program]
# Lead source of job-change leads from tracked contacts, and of new hires & promotions at target accounts.
contact_tracking_lead_source = "jobshift Contact Tracking"
target_tracking_lead_source = "New Hires & Promotions"
# How many contacts are tracked at most (filled from cohorts in priority order).
tracking_cap = 50000
# The org's vocabulary: values written on leads and on contacts that left. `jobshift crm check` reads the
# org's picklists and fails naming the field, the value and the allowed values when one is not allowed.
lead_status = "New"
priority = "High"
contact_status = "Disqualified"
disqualified_reason = "No Longer at Company"
# A tracked contact promoted in place: "update_contact" (its title) or "lead" (a new lead).
promotion_action = "update_contact"

[program.priority_reasons]
job_change = "Job change lead"
new_hire = "New hire lead"
promotion = "Promotion lead"

[import]
# Rows written per database round trip.
batch_size = 20000
# Fail a whole file when more than this share of its rows is bad (1.0 = never).
max_quarantine_share = 1.0
# Read and check large files (4 MB and more) in a second process while the first writes: two cores.
parallel = true
# Text encoding of files without a byte-order mark: "auto" reads UTF-8, else Windows-1252 (cp1252,
# Excel's "CSV" on Windows) and says so in the summary; or a codec name: "utf-8", "cp1252", "latin-1".
encoding = "auto"
# A malformed e-mail address (no @, a space, two @, a bad domain): "keep" it as it is (the summary
# counts such rows), "blank" it, or "quarantine" its row.
invalid_email = "keep"

[detection]
# A person who started at a target account within this many days is a new hire.
new_hire_window_days = 90
# Job changes that started more than this many months before the run date are filtered out (too_old).
max_job_change_age_months = 12
# An observation older than this many days at the run date raises no lead (suppressed:stale_evidence).
max_evidence_age_days = 180
# New hires and promotions are watched at accounts flagged target and, when true, at accounts matching [icp].
watch_icp_accounts = true
# Fuzzy thresholds (0-100) for name + company identity matches and company-name matches.
name_match_threshold = 90.0
company_match_threshold = 92.0
# An e-mail match counts only when the names agree at least this much (0-100): CRMs hold the same
# address on several contacts (jdoe@ for John and Jane Doe) and addresses get reused.
email_name_threshold = 85.0

[persona]
# Titles that matter: keywords (case-insensitive), regular expressions, seniorities, functions.
title_keywords = []
title_regexes = []
seniorities = ["c_suite", "vp", "director"]
functions = ["engineering", "it", "security", "data", "executive"]

[icp]
# Account criteria; an empty list means "any".
industries = []
countries = []
segments = []
# min_employees = 200
# max_employees = 100000

[filters]
skip_advisors = true
skip_board_members = true
skip_investors = true
skip_interns = true
skip_students = true
skip_self_employed = true
skip_moves_to_customers = false
skip_free_mail_only = true
skip_opted_out = true
competitor_domains = []
competitor_names = []

[scorecard]
# Adoption categories (9-11) look at leads sent in the last N months ending with the graded month.
engagement_window_months = 3
# Suspected attribution: at least this many activities, the first before the opportunity was created.
suspected_min_activities = 5
# Yearly program cost; when set, the scorecard shows pipeline-to-spend and cost per opportunity.
# program_yearly_cost = 60000
pipeline_to_spend_benchmark = 10.0
# Account types that make an account a customer (besides having a closed-won opportunity).
customer_account_types = ["Customer"]
# Activity types that count as a meeting held in the funnel.
meeting_activity_types = ["Meeting"]
# How many previous months' snapshots show as the trend; records listed per drill-down.
trend_months = 3
drilldown_limit = 50
# The monthly email (jobshift scorecard --email, the scheduler's scorecard job) goes to active CRM
# users with one of these roles and an email address, plus the addresses in email_to.
email_roles = ["Admin", "Manager"]
email_to = []
# The Monday pipeline summary follows credited opportunities created in the last N days.
weekly_lookback_days = 365

[scorecard.grade_cutoffs]
# s = value / benchmark (lower-is-better: benchmark / value); a grade needs s at or above its cut-off.
# Below D is F. B must stay 1.0 (B or better = at or above benchmark).
"A+" = 1.5
"A" = 1.3
"A-" = 1.15
"B+" = 1.07
"B" = 1.0
"C+" = 0.9
"C" = 0.8
"C-" = 0.7
"D" = 0.5

[scorecard.weights]
# Contacts Provided: weight of each valuable cohort.
closed_won = 3.0
open = 2.0
closed_lost = 1.0

[scorecard.benchmarks]
contacts_provided = 0.8
closed_won_contacts_tracked = 0.9
persona_definition = 0.6
accounts_provided = 1.0
icp_definition = 0.5
filtering = 0.2  # lower is better
new_title_relevance = 0.5
new_account_relevance = 0.3
engagement_rate = 0.5
days_until_first_activity = 7.0  # lower is better
number_of_activities = 3.0

[scorecard.min_samples]
# With fewer records than this a category shows "n/a" instead of a grade.
contacts_provided = 10
closed_won_contacts_tracked = 10
persona_definition = 10
accounts_provided = 1
icp_definition = 5
filtering = 20
new_title_relevance = 10
new_account_relevance = 10
engagement_rate = 10
days_until_first_activity = 5
number_of_activities = 10

# Salesforce connector (jobshift crm check / crm pull; docs/salesforce.md). Secrets only from the
# environment: JOBSHIFT_SF_PASSWORD, JOBSHIFT_SF_TOKEN (security token), JOBSHIFT_SF_CLIENT_SECRET.
[salesforce]
login_url = "https://login.salesforce.com"
# instance_url = "https://mycompany.my.salesforce.com"
api_version = "59.0"
# username = "integration@mycompany.com"
# client_id = "3MVG9..."  # consumer key of the connected app (OAuth)
# ca_bundle = "/etc/ssl/private-ca.pem"
# Every API call has a connect and a read timeout; an unreachable login URL fails after login_attempts.
timeout_seconds = 60.0
connect_timeout_seconds = 5.0
login_attempts = 2
# External-id field (on Lead) holding jobshift's idempotency key: creates are upserts by it.
lead_external_id_field = "Jobshift_Key__c"
# lead_record_type_id = "012..."  # RecordTypeId of the leads jobshift creates
# Before planning leads, also look for existing leads/contacts in the org (batched SOQL), besides the
# local copy that `crm pull` keeps.
dedupe_in_org = true
# Writes of this many records or more go through Bulk API 2.0; fewer through REST (200 per call).
bulk_threshold = 2000
rest_batch_size = 200
# Pause writes when the org has used this share of its daily API requests (/limits DailyApiRequests).
api_usage_pause_share = 0.9
# Transient failures (503, REQUEST_LIMIT_EXCEEDED) are retried with exponential backoff and jitter.
retry_attempts = 6
retry_backoff_seconds = 1.0
retry_backoff_max_seconds = 60.0
bulk_poll_seconds = 2.0
bulk_timeout_seconds = 3600.0

# Field mapping per object: canonical column = "Salesforce API name" ("" = do not read or write it).
# [salesforce.fields.contacts]
# no_longer_at_company = "UG_No_Longer_At_Company__c"
# linkedin_url = "LinkedIn_URL__c"
# [salesforce.fields.accounts]
# segment = "Segment__c"

# HubSpot connector (jobshift crm check / crm pull / crm setup; docs/hubspot.md). The private-app token
# only from the environment: JOBSHIFT_HUBSPOT_TOKEN.
[hubspot]
base_url = "https://api.hubapi.com"
# Every API call has a connect and a read timeout.
timeout_seconds = 30.0
connect_timeout_seconds = 5.0
# "contact": a lead is a contact with hs_lead_status and lifecyclestage below; "leads_object": also a
# record of HubSpot's Leads object (when `jobshift crm check` finds it in the portal).
lead_mode = "contact"
lead_lifecycle_stage = "lead"
lead_status = "NEW"
# A contact who left: jobshift_no_longer_at_company = true, this lead status ("" = keep) and stage.
departed_lead_status = "UNQUALIFIED"
departed_lifecycle_stage = ""
# The property group `jobshift crm setup` creates for jobshift's properties.
property_group = "jobshift"
# Records per batch create / update call (HubSpot allows 100).
batch_size = 100
# Pause writes at this share of the daily API calls (X-HubSpot-RateLimit-Daily(-Remaining) headers, or
# daily_limit when the account does not send them).
daily_limit = 250000
api_usage_pause_share = 0.9
# 429 (Retry-After) and 5xx are retried with exponential backoff and jitter.
retry_attempts = 6
retry_backoff_seconds = 1.0
retry_backoff_max_seconds = 60.0
search_page_size = 100
record_url_template = "https://app.hubspot.com/contacts/{portal_id}/record/0-1/{id}"
# portal_id = "12345678"
closed_won_stages = ["closedwon"]
closed_lost_stages = ["closedlost"]

# Deal stage id -> jobshift's "N-Label" stage (the number drives cohorts and rules 1A-3B).
[hubspot.deal_stages]
appointmentscheduled = "1-Appointment Scheduled"
qualifiedtobuy = "2-Qualified To Buy"
presentationscheduled = "3-Presentation Scheduled"
decisionmakerboughtin = "4-Decision Maker Bought-In"
contractsent = "5-Contract Sent"
closedwon = "7-Closed Won"
closedlost = "8-Closed Lost"

# Property mapping per object: canonical column = "hubspot_property" ("" = do not read or write it).
# [hubspot.fields.contacts]
# linkedin_url = "hs_linkedin_url"

# People Data Labs Person Enrichment (jobshift enrich; docs/people-data-api.md).
# The API key only from the environment: JOBSHIFT_PDL_API_KEY.
[pdl]
base_url = "https://api.peopledatalabs.com"
# Matches below this likelihood (1-10) are not returned (and not billed).
min_likelihood = 6
# A contact is enriched again only after its tier's cadence; a profile is never bought twice within it.
tier1_cadence_days = 7
tier2_cadence_days = 30
default_cadence_days = 30
rate_per_minute = 100
# max_per_run = 1000
retry_attempts = 5
retry_backoff_seconds = 1.0
retry_backoff_max_seconds = 60.0
timeout_seconds = 30.0

# Cohorts: which contacts are tracked, in priority order, filling [program] tracking_cap.
# Each contact belongs to the first cohort that takes it (docs/program.md). Filter keys:
# opportunity_status (won | open | lost), opportunity_types, stage_min, stage_max,
# closed_within_months, segments (of the opportunity's account), roles, account_types, industries,
# countries, target_accounts_only, persona_only (title matches [persona]).
# 1. contacts on Closed Won opportunities, segment Large / Mid-Market / PubSec
[[cohorts]]
name = "closed_won_large"
opportunity_status = ["won"]
segments = ["Large", "Mid-Market", "PubSec"]

# 2. contacts on Closed Won opportunities, segment SMB, whose titles match the persona
[[cohorts]]
name = "closed_won_smb_persona"
opportunity_status = ["won"]
segments = ["SMB"]
persona_only = true

# 3. contacts on open opportunities, Large / Mid-Market / PubSec
[[cohorts]]
name = "open_large"
opportunity_status = ["open"]
segments = ["Large", "Mid-Market", "PubSec"]

# 4. (lower value) contacts on Closed Lost opportunities
[[cohorts]]
name = "closed_lost"
opportunity_status = ["lost"]

# Tiers split the tracked set, in order; each has a cadence: daily, weekly:<day>,
# monthly:<first|second|third|fourth|last>-<day>, monthly:<1-28> or a 5-field cron ("0 6 * * 2").
# The last tier takes the rest (no size, cohorts or top_cohort).
[tiers.tier1]
# the first 1,000 contacts of the top cohort, checked weekly on Tuesday
cadence = "weekly:tue"
size = 1000
top_cohort = true
cohorts = []

[tiers.tier2]
# everyone else, checked monthly on the first Tuesday
cadence = "monthly:first-tue"
cohorts = []
top_cohort = false

[push]
# Outbox rows sent per CRM call; pause when the CRM's daily API usage reaches this share.
batch_size = 500
api_usage_threshold = 0.9
# Retryable failures (429, 503, timeouts) wait retry_base_seconds * 2^(attempt-1), at most
# retry_max_seconds; after max_attempts the row is marked failed.
retry_base_seconds = 60.0
retry_max_seconds = 21600.0
max_attempts = 8
# Where push, backfill and the scheduler write: "store" (the built-in CRM tables), "salesforce"
# (the [salesforce] connector; docs/salesforce.md) or "hubspot" ([hubspot]; docs/hubspot.md).
crm = "store"

[backfill]
# The retro-active push of the historical backlog: signals per batch, one batch per period
# (none | daily | weekly | monthly), oldest job start first or by priority (job changes first).
batch_size = 9000
period = "weekly"
order = "oldest"
# When the scheduler's "backfill" job pushes the next batch (add "backfill" to [schedule] jobs);
# the seed pushed its backlog on Sundays, ahead of the Tuesday syncs.
cadence = "weekly:sun"

[routing]
# Owner of a new lead: the matched account's BDR (when active); SMB accounts without one: round-robin
# over active users of smb_roles; everything else: the first matching [[routing.pools]] (round-robin).
# Every decision is stored with its reason (jobshift route --explain LEAD_ID).
smb_segments = ["SMB"]
smb_roles = ["SDR"]
# Region of countries not listed under [routing.regions].
default_region = "EMEA"
# Capacity: at most this many leads per rep per window (per-user values in [routing.capacity]).
# default_capacity = 50
capacity_window_days = 7
# Owner when every candidate is inactive or full (else the lead stays unassigned).
# fallback_owner_id = "005..."

[routing.regions]
# region = [countries as ISO-2 codes or names]: the lead's region comes from its company country.
AMER = ["US", "United States", "CA", "Canada", "MX", "Mexico", "BR", "Brazil", "AR", "Argentina"]
APJ = ["JP", "Japan", "AU", "Australia", "IN", "India", "SG", "Singapore", "NZ", "New Zealand"]

[routing.weights]
# user id = weight (default 1): a rep with weight 2 gets twice the round-robin share.

[routing.capacity]
# user id = leads per window (overrides default_capacity).

# Pools for leads whose account has no usable BDR (or no matched account), first match wins.
# regions / segments: lead regions and segments served (empty = any); members are active users with
# one of roles (or the explicit users list), of the lead's region when same_region and any exist.
[[routing.pools]]
name = "default"
regions = []
segments = []
roles = ["BDR", "SDR"]
users = []
same_region = true

[notifications]
# Rules are planned on send_day for items of the lookback_days before it (the push runs on Tuesday,
# notifications go out on Wednesday for leads created / contacts marked "yesterday").
# Backfilled leads and contacts are never notified. Each (rule, item, recipient, channel) is sent once.
enabled = true
send_day = "wed"
lookback_days = 1
# Channel of users without a preference (jobshift notify --set-pref): slack | email | both | digest | none
default_channel = "slack"
# The weekly digest (jobshift notify --digest) goes out by email or slack.
digest_channel = "email"
# A recipient hears about an item once, from the first rule that names them.
one_per_recipient = true
# Open opportunity stages that count as early (0-Pending Acceptance, 1-Discovery, 2-Scoping);
# other open stages are late ("stage 3 or beyond"). Opportunity types that are renewals.
early_stages = [0, 1, 2]
renewal_types = ["Renewal"]
# Links in messages: the web app and the CRM record ({object} = Lead | Contact | Account, {id}).
web_base_url = "http://localhost:8000"
crm_record_url = ""
# Slack: the bot token only from JOBSHIFT_SLACK_TOKEN. Direct messages unless slack_channel is set.
slack_base_url = "https://slack.com/api/"
# slack_channel = "C0123456789"
slack_timeout_seconds = 30.0
# A 429 is honoured (Retry-After); waits longer than this defer the rest of the run's sends.
max_retry_after_seconds = 60.0
# E-mail over SMTP; the password only from JOBSHIFT_SMTP_PASSWORD.
smtp_host = "localhost"
smtp_port = 25
smtp_from = "jobshift <jobshift@localhost>"
# smtp_username = "jobshift"
smtp_starttls = false
smtp_ssl = false
smtp_timeout_seconds = 30.0
# Failed sends are retried later: retry_base_seconds * 2^(attempt-1), at most retry_max_seconds.
max_attempts = 6
retry_base_seconds = 60.0
retry_max_seconds = 3600.0
# A send still unconfirmed after this (a crash) is checked in Slack's history before sending again;
# an e-mail is sent again with the same Message-ID ("resend") or marked failed ("fail").
send_lease_seconds = 600.0
email_unknown_outcome = "resend"

# The rules (spec/program.md). open_opps: none | early | late | any (of the new company for leads,
# of the company left for contacts); started_within: yes | no | any (job start vs started_within_months);
# recipients: lead_owner, account_bdr, account_ae (account owner), account_renewal_manager.
[notifications.rules.1A]
title = "Tracked contact joined a new business, no open opps (started < 3 months)"
item = "lead"
open_opps = "none"
started_within_months = 3
started_within = "yes"
recipients = ["lead_owner"]

[notifications.rules.1B]
title = "Tracked contact joined a new business, no open opps (started > 3 months)"
item = "lead"
open_opps = "none"
started_within_months = 3
started_within = "no"
recipients = ["lead_owner"]

[notifications.rules.1C]
title = "Tracked contact joined a business with an open opp at stage 3 or beyond"
item = "lead"
open_opps = "late"
started_within_months = 6
started_within = "yes"
recipients = ["account_ae", "account_renewal_manager"]

[notifications.rules.1D]
title = "Tracked contact joined a business with an early-stage opp or an open renewal"
item = "lead"
open_opps = "early"
or_customer_open_renewal = true
started_within_months = 6
started_within = "yes"
recipients = ["lead_owner", "account_bdr", "account_ae", "account_renewal_manager"]

[notifications.rules.3A]
title = "Contact left a company with an open opp at stage 3 or beyond"
item = "contact"
open_opps = "late"
recipients = ["account_ae", "account_renewal_manager"]

[notifications.rules.3B]
title = "Contact left a company with an open opp at stage 0, 1 or 2"
item = "contact"
open_opps = "early"
recipients = ["account_bdr", "account_ae", "account_renewal_manager"]

[schedule]
# jobshift schedule run (docs/scheduler.md): tier checks on their cadences ([tiers.*]), notifications
# the day after each push, the scorecard on the 1st for the previous month. Times are local to
# [workspace] timezone. Each period runs once (runs ledger); after downtime at most max_catch_up missed
# periods run per job, older ones are recorded as skipped.
tick_seconds = 60.0
max_catch_up = 3
# Enabled jobs: "tiers" (every tier check) or tier names such as "tier1", "notify", "scorecard",
# "weekly_emails", "backfill" (one backfill batch per [backfill] cadence).
jobs = ["tiers", "notify", "scorecard"]
notify_time = "09:00"
# The notify job also builds the weekly digests (users whose channel is "digest").
notify_digest = true
scorecard_time = "06:00"
# E-mail the monthly scorecard to [scorecard] email_roles users and email_to.
scorecard_email = true
# Add "weekly_emails" to jobs for the Monday pipeline summary and per-rep weekly e-mails.
weekly_time = "07:00"
# A tier check: [pull CRM changes] + [rebuild the tracked set] + [enrich due contacts] + detect + push.
track_before_check = true
# Only when JOBSHIFT_PDL_API_KEY is set.
enrich_before_check = true
# Only when [push] crm is a remote CRM (salesforce, hubspot).
pull_before_check = true

[web]
# jobshift serve (docs/security.md). Behind a TLS proxy: mark cookies Secure and send
# Strict-Transport-Security (max-age in seconds); same as `jobshift serve --secure-cookies`.
secure_cookies = false
hsts_max_age = 31536000
# Sign-in throttling: this many failures per user name (or per client IP) within the window lock
# that name (or IP) out for the lockout time. Every attempt is recorded in login_attempts.
login_max_failures = 5
login_ip_max_failures = 20
login_window_minutes = 15
login_lockout_minutes = 15
# argon2 checks use 64 MiB each: at most this many run at once, other sign-ins wait.
max_concurrent_hashes = 2
# Sessions end after this many hours (and at sign-out, password change or deactivation).
session_hours = 12
# Default lifetime of API tokens from `jobshift user token` (0 = never expire).
token_expires_days = 90

# Column mapping for CRM files whose headers are neither canonical nor Salesforce API names:
# [mapping.contacts]
# "E-Mail Address" = "email"
# "Company Id" = "account_id"
"""
