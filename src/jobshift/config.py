"""The program configuration: ``jobshift.toml`` read into pydantic models, ``JOBSHIFT_*`` overrides.

Environment variables win over the file; nested keys use ``__``:
``JOBSHIFT_DETECTION__NEW_HIRE_WINDOW_DAYS=60``.
An invalid configuration raises :class:`~jobshift.errors.ConfigError` naming the key path.
Later features add their own sections here (cohorts, tiers, routing, notifications, scorecard).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

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


class ProgramSection(Section):
    """Lead sources and the tracking cap (see spec/program.md)."""

    contact_tracking_lead_source: str = "jobshift Contact Tracking"
    target_tracking_lead_source: str = "New Hires & Promotions"
    tracking_cap: int = Field(50_000, ge=0)


class ImportSection(Section):
    """CSV import behaviour."""

    batch_size: int = Field(20_000, ge=100, le=1_000_000)
    max_quarantine_share: float = Field(
        1.0, ge=0.0, le=1.0, description="fail the file when more than this share of rows is bad"
    )
    parallel: bool = Field(
        True, description="read and check large files in a second process while the first one writes"
    )


class DetectionSection(Section):
    """Detection thresholds."""

    new_hire_window_days: int = Field(90, ge=1, le=3650)
    max_job_change_age_months: int = Field(12, ge=1, le=240)
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


class ScorecardBenchmarks(Section):
    """The benchmark of each scorecard category (see docs/scorecard.md)."""

    contacts_provided: float = Field(0.80, gt=0)
    closed_won_contacts_tracked: float = Field(0.90, gt=0)
    persona_definition: float = Field(0.60, gt=0)
    accounts_provided: float = Field(1.00, gt=0)
    icp_definition: float = Field(0.50, gt=0)
    filtering: float = Field(0.20, gt=0, description="lower is better")
    new_title_relevance: float = Field(0.50, gt=0)
    new_account_relevance: float = Field(0.30, gt=0)
    engagement_rate: float = Field(0.50, gt=0)
    days_until_first_activity: float = Field(7.0, gt=0, description="lower is better")
    number_of_activities: float = Field(3.0, gt=0)


class ScorecardMinSamples(Section):
    """Below this many records a category shows "n/a" (too little data to judge)."""

    contacts_provided: int = Field(10, ge=0, description="contacts on opportunities")
    closed_won_contacts_tracked: int = Field(10, ge=0, description="closed-won opp contacts")
    persona_definition: int = Field(10, ge=0, description="closed-won opp contacts")
    accounts_provided: int = Field(1, ge=0, description="accounts")
    icp_definition: int = Field(5, ge=0, description="customer accounts")
    filtering: int = Field(20, ge=0, description="signals detected in the month")
    new_title_relevance: int = Field(10, ge=0, description="leads sent in the month")
    new_account_relevance: int = Field(10, ge=0, description="leads sent in the month")
    engagement_rate: int = Field(10, ge=0, description="leads sent in the window")
    days_until_first_activity: int = Field(5, ge=0, description="contacted leads in the window")
    number_of_activities: int = Field(10, ge=0, description="leads sent in the window")


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
        return (env_settings, init_settings)


def _format_validation_error(exc: ValidationError) -> ConfigError:
    err = exc.errors()[0]
    path = ".".join("import" if p == "import_" else str(p) for p in err["loc"])
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
        return Config(**data)
    except ValidationError as exc:
        raise _format_validation_error(exc) from None


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

[program]
# Lead source of job-change leads from tracked contacts, and of new hires & promotions at target accounts.
contact_tracking_lead_source = "jobshift Contact Tracking"
target_tracking_lead_source = "New Hires & Promotions"
# How many contacts are tracked at most (filled from cohorts in priority order).
tracking_cap = 50000

[import]
# Rows written per database round trip.
batch_size = 20000
# Fail a whole file when more than this share of its rows is bad (1.0 = never).
max_quarantine_share = 1.0
# Read and check large files (4 MB and more) in a second process while the first writes: two cores.
parallel = true

[detection]
# A person who started at a target account within this many days is a new hire.
new_hire_window_days = 90
# Job changes older than this are filtered out.
max_job_change_age_months = 12
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

# Column mapping for CRM files whose headers are neither canonical nor Salesforce API names:
# [mapping.contacts]
# "E-Mail Address" = "email"
# "Company Id" = "account_id"
"""
