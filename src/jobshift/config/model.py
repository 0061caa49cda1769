"""``Config``: the whole configuration of one workspace, one field per ``jobshift.toml`` section.

The order of the fields is the order of the sections in the generated template and reference; each
field's description is the text shown above its section.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import Field
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict

from jobshift.config.base import CADENCE_FORMS
from jobshift.config.core import ImportSection, ProgramSection, StoreSection, WorkspaceSection
from jobshift.config.detection import DetectionSection, FiltersSection, IcpSection, PersonaSection
from jobshift.config.hubspot import HubSpotSection
from jobshift.config.notifications import NotificationsSection
from jobshift.config.pdl import PdlSection
from jobshift.config.program import (
    COHORT_NOTES,
    TIER_NOTES,
    BackfillSection,
    CohortSection,
    PushSection,
    TierSection,
    default_cohorts,
    default_tiers,
)
from jobshift.config.routing import RoutingSection
from jobshift.config.salesforce import SalesforceSection
from jobshift.config.scorecard import ScorecardSection
from jobshift.config.service import ScheduleSection, WebSection


class Config(BaseSettings):
    """The whole configuration of one workspace."""

    model_config = SettingsConfigDict(
        env_prefix="JOBSHIFT_",
        env_nested_delimiter="__",
        extra="forbid",
        populate_by_name=True,
    )

    database_url: str | None = Field(
        None,
        examples=["postgresql+psycopg://postgres@127.0.0.1:5432/test"],
        description="The database; unset = the SQLite file jobshift.db beside this file. "
        "JOBSHIFT_DATABASE_URL wins; keep a URL with a password in the environment.",
    )
    workspace: WorkspaceSection = Field(default_factory=WorkspaceSection, description="The workspace.")
    store: StoreSection = Field(default_factory=StoreSection, description="The database.")
    program: ProgramSection = Field(
        default_factory=ProgramSection,
        description="Lead sources, the tracking cap and the org's vocabulary: values written on leads and "
        "on contacts that left (docs/program.md).",
    )
    mapping: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        examples=[{"contacts": {"E-Mail Address": "email", "Company Id": "account_id"}}],
        description="Column mapping per CRM object for files whose headers are neither canonical nor "
        'Salesforce API names: "source column header" = "canonical column" (docs/import-formats.md).',
    )
    import_: ImportSection = Field(
        default_factory=ImportSection,
        alias="import",
        description="CSV import (jobshift import; docs/import-formats.md).",
    )
    detection: DetectionSection = Field(
        default_factory=DetectionSection, description="Detection thresholds (docs/detection.md)."
    )
    persona: PersonaSection = Field(
        default_factory=PersonaSection,
        description="Who matters to you. A title matches when a keyword or regular expression matches it, "
        "or when both its seniority and its function are in the lists.",
    )
    icp: IcpSection = Field(
        default_factory=IcpSection,
        description='The ideal customer profile: account criteria; an empty list means "any".',
    )
    filters: FiltersSection = Field(
        default_factory=FiltersSection,
        description="Signals that never reach the CRM; they are kept with status suppressed:<reason> so "
        "they can be reviewed (docs/detection.md).",
    )
    scorecard: ScorecardSection = Field(
        default_factory=ScorecardSection,
        description="The monthly scorecard: benchmarks, grade cut-offs, windows, minimum samples, program "
        "cost (docs/scorecard.md).",
    )
    cohorts: list[CohortSection] = Field(
        default_factory=default_cohorts,
        json_schema_extra={"entry_notes": COHORT_NOTES},
        description="Cohorts: which contacts are tracked, in priority order, filling [program] tracking_cap. "
        "Each contact belongs to the first cohort that takes it; the opportunity tests apply to the same "
        "opportunity (docs/program.md).",
    )
    tiers: dict[str, TierSection] = Field(
        default_factory=default_tiers,
        json_schema_extra={"entry_notes": TIER_NOTES},
        description=f"Tiers split the tracked set, in order; each has a cadence: {CADENCE_FORMS}. The last "
        "tier takes the rest (no size, cohorts or top_cohort); tier names must not be scheduler job names.",
    )
    push: PushSection = Field(
        default_factory=PushSection, description="Writing to the CRM through the outbox (docs/program.md)."
    )
    backfill: BackfillSection = Field(
        default_factory=BackfillSection,
        description="The retro-active push of the historical backlog (jobshift backfill; docs/program.md).",
    )
    salesforce: SalesforceSection = Field(
        default_factory=SalesforceSection,
        description="Salesforce connector (jobshift crm check / crm pull; docs/salesforce.md). Secrets only "
        "from the environment: JOBSHIFT_SF_PASSWORD, JOBSHIFT_SF_TOKEN (security token), "
        "JOBSHIFT_SF_CLIENT_SECRET.",
    )
    hubspot: HubSpotSection = Field(
        default_factory=HubSpotSection,
        description="HubSpot connector (jobshift crm check / crm pull / crm setup; docs/hubspot.md). The "
        "private-app token only from the environment: JOBSHIFT_HUBSPOT_TOKEN.",
    )
    pdl: PdlSection = Field(
        default_factory=PdlSection,
        description="People Data Labs Person Enrichment (jobshift enrich; docs/people-data-api.md). The API "
        "key only from the environment: JOBSHIFT_PDL_API_KEY.",
    )
    routing: RoutingSection = Field(
        default_factory=RoutingSection,
        description="Owner of a new lead: the matched account's BDR (when active); SMB accounts without "
        "one: round-robin over active users of smb_roles; everything else: the first matching "
        "[[routing.pools]] (round-robin). Every decision is stored with its reason (jobshift route "
        "--explain LEAD_ID; docs/notifications.md).",
    )
    notifications: NotificationsSection = Field(
        default_factory=NotificationsSection,
        description="Notifications (docs/notifications.md): the push runs on Tuesday, notifications go out "
        'on Wednesday for leads created / contacts marked "yesterday". Secrets only from the environment: '
        "JOBSHIFT_SLACK_TOKEN, JOBSHIFT_SMTP_PASSWORD.",
    )
    schedule: ScheduleSection = Field(
        default_factory=ScheduleSection,
        description="jobshift schedule run (docs/scheduler.md): tier checks on their cadences ([tiers.*]), "
        "notifications the day after each push, the scorecard on the 1st for the previous month. Times "
        "are local to [workspace] timezone. Each period runs once (runs ledger).",
    )
    web: WebSection = Field(
        default_factory=WebSection,
        description="jobshift serve: the web UI and REST API (docs/security.md). Web sessions are signed "
        "with JOBSHIFT_SECRET_KEY, else a generated .jobshift-secret file (mode 0600).",
    )

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
