"""Running jobshift as a service: ``[schedule]`` (the scheduler) and ``[web]`` (``jobshift serve``)."""

from __future__ import annotations

from pydantic import Field

from jobshift.config.base import Section

_HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"
SCHEDULE_JOB_NAMES = ("tiers", "notify", "scorecard", "weekly_emails", "backfill")


class WebSection(Section):
    """The web UI and REST API (``jobshift serve``; docs/security.md): cookies behind TLS, sign-in
    throttling, sessions, API tokens."""

    secure_cookies: bool = Field(
        False,
        description="Behind a TLS proxy: mark cookies Secure and send Strict-Transport-Security; same as "
        "`jobshift serve --secure-cookies`.",
    )
    hsts_max_age: int = Field(
        31_536_000, ge=0, description="HSTS max-age in seconds, with secure_cookies (0 = no HSTS header)."
    )
    login_max_failures: int = Field(
        5,
        ge=1,
        le=1000,
        description="Sign-in throttling: this many failures per user name within the window lock that "
        "name out for the lockout time. Every attempt is recorded in login_attempts.",
    )
    login_ip_max_failures: int = Field(
        20, ge=1, le=100_000, description="The same per client IP: failures that lock the IP out."
    )
    login_window_minutes: int = Field(15, ge=1, le=1440, description="Window the failures are counted in.")
    login_lockout_minutes: int = Field(
        15, ge=1, le=1440, description="How long a user name or IP stays locked out."
    )
    max_concurrent_hashes: int = Field(
        2,
        ge=1,
        le=64,
        description="argon2 checks use 64 MiB each: at most this many run at once, other sign-ins wait.",
    )
    session_hours: int = Field(
        12,
        ge=1,
        le=24 * 30,
        description="Sessions end after this many hours (and at sign-out, password change or deactivation).",
    )
    token_expires_days: int = Field(
        90,
        ge=0,
        le=3650,
        description="Default lifetime of API tokens from `jobshift user token` (0 = never expire).",
    )


class ScheduleSection(Section):
    """The scheduler (``jobshift schedule run``; docs/scheduler.md). Times are local to
    ``[workspace] timezone``."""

    tick_seconds: float = Field(60.0, gt=0, le=3600, description="How often due periods are looked for.")
    max_catch_up: int = Field(
        3,
        ge=1,
        le=100,
        description="After downtime at most this many missed periods run per job; older ones are recorded "
        "as skipped.",
    )
    jobs: list[str] = Field(
        default_factory=lambda: ["tiers", "notify", "scorecard"],
        description='Enabled jobs: "tiers" (every tier check) or tier names such as "tier1", "notify", '
        '"scorecard", "weekly_emails", "backfill" (one backfill batch per [backfill] cadence).',
    )
    notify_time: str = Field(
        "09:00", pattern=_HHMM, description="Notifications (HH:MM), the day after each push."
    )
    notify_digest: bool = Field(
        True, description='The notify job also builds the weekly digests (users whose channel is "digest").'
    )
    scorecard_time: str = Field(
        "06:00", pattern=_HHMM, description="The scorecard (HH:MM), on the 1st, for the previous month."
    )
    scorecard_email: bool = Field(
        True, description="E-mail the monthly scorecard to [scorecard] email_roles users and email_to."
    )
    weekly_time: str = Field(
        "07:00",
        pattern=_HHMM,
        description='With "weekly_emails" in jobs: the Monday pipeline summary and per-rep weekly e-mails '
        "(HH:MM).",
    )
    track_before_check: bool = Field(
        True,
        description="A tier check is [pull CRM changes] + [rebuild the tracked set] + [enrich due "
        "contacts] + detect + push: rebuild the tracked set first.",
    )
    enrich_before_check: bool = Field(
        True, description="Enrich due contacts first; only when JOBSHIFT_PDL_API_KEY is set."
    )
    pull_before_check: bool = Field(
        True,
        description="Pull CRM changes first; only when [push] crm is a remote CRM (salesforce, hubspot).",
    )
    draft_after_push: bool = Field(
        True,
        description="After the push, draft every new lead (and write the drafts to the CRM with [outreach] "
        "crm_write), so the next day's notifications carry them; only with [outreach] drafts.",
    )
    enrol_after_push: bool = Field(
        True,
        description="After the drafts, enrol new leads in sequences; only with [[outreach.enrol]] rules.",
    )
