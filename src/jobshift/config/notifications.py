"""Notifications: ``[notifications]`` and its ``[notifications.rules.<id>]`` tables."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, field_validator

from jobshift.config.base import Section
from jobshift.config.retry import RetrySettings

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Recipient = Literal["lead_owner", "account_bdr", "account_ae", "account_renewal_manager"]


def _lead_owner_only() -> list[Recipient]:
    return ["lead_owner"]


class NotificationRule(Section):
    """One notification rule (``[notifications.rules.<id>]``): when it fires and who is told."""

    enabled: bool = Field(True, description="false switches the rule off.")
    title: str = Field("", description="Shown in the message.")
    item: Literal["lead", "contact", "new_hire"] = Field(
        "lead",
        description="lead: job-change lead created; contact: contact left the company; new_hire: someone "
        "new joined a target account (a new-hire lead of the target-tracking lead source).",
    )
    open_opps: Literal["none", "early", "late", "any"] = Field(
        "any",
        description="Open opportunities of the account (of the new company for leads, of the company left "
        "for contacts): none | early stage | late stage | any.",
    )
    or_customer_open_renewal: bool = Field(False, description="Also fire for customers with an open renewal.")
    started_within_months: int | None = Field(
        None, ge=1, le=240, examples=[3], description="The months started_within compares the job start with."
    )
    started_within: Literal["yes", "no", "any"] = Field(
        "any",
        description="The job started within started_within_months before the send date: yes | no | any "
        "(an unknown start is not within).",
    )
    recipients: list[Recipient] = Field(
        default_factory=_lead_owner_only,
        description="Who is told: lead_owner, account_bdr, account_ae (account owner), "
        "account_renewal_manager.",
    )


def _default_rules() -> dict[str, NotificationRule]:
    team: list[Recipient] = ["account_ae", "account_renewal_manager"]
    return {
        "1A": NotificationRule(
            title="Tracked contact joined a new business, no open opps (started < 3 months)",
            item="lead",
            open_opps="none",
            started_within_months=3,
            started_within="yes",
            recipients=["lead_owner"],
        ),
        "1B": NotificationRule(
            title="Tracked contact joined a new business, no open opps (started > 3 months)",
            item="lead",
            open_opps="none",
            started_within_months=3,
            started_within="no",
            recipients=["lead_owner"],
        ),
        "1C": NotificationRule(
            title="Tracked contact joined a business with an open opp at stage 3 or beyond",
            item="lead",
            open_opps="late",
            started_within_months=6,
            started_within="yes",
            recipients=team,
        ),
        "1D": NotificationRule(
            title="Tracked contact joined a business with an early-stage opp or an open renewal",
            item="lead",
            open_opps="early",
            or_customer_open_renewal=True,
            started_within_months=6,
            started_within="yes",
            recipients=["lead_owner", "account_bdr", *team],
        ),
        "2A": NotificationRule(
            title="Someone new joined a target account",
            enabled=False,
            item="new_hire",
            open_opps="any",
            recipients=["lead_owner", "account_bdr"],
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


class NotificationsSection(RetrySettings):
    """Notification rules, channels and delivery (docs/notifications.md). Secrets only from the
    environment: ``JOBSHIFT_SLACK_TOKEN`` (bot token), ``JOBSHIFT_SMTP_PASSWORD``."""

    section: ClassVar[str] = "notifications"

    enabled: bool = Field(
        True, description="false: `jobshift notify` plans nothing new (what is already due is still sent)."
    )
    send_day: Weekday = Field(
        "wed",
        description="Rules are planned on this weekday only, the day after the push (which runs on Tuesday).",
    )
    lookback_days: int = Field(
        1,
        ge=1,
        le=31,
        description="Items created (leads) or marked (contacts) in this many days before the send day: "
        '"yesterday".',
    )
    default_channel: Literal["slack", "email", "both", "digest", "none"] = Field(
        "slack",
        description="Channel of users without a preference (jobshift notify --set-pref): slack | email | "
        "both | digest | none.",
    )
    digest_channel: Literal["slack", "email"] = Field(
        "email", description="The weekly digest (jobshift notify --digest) goes out by email or slack."
    )
    one_per_recipient: bool = Field(
        True, description="A recipient hears about an item once, from the first rule that names them."
    )
    early_stages: list[int] = Field(
        default_factory=lambda: [0, 1, 2],
        description="Open opportunity stages that count as early (0-Pending Acceptance, 1-Discovery, "
        '2-Scoping); other open stages are late ("stage 3 or beyond").',
    )
    renewal_types: list[str] = Field(
        default_factory=lambda: ["Renewal"], description="Opportunity types that are renewals (rule 1D)."
    )
    rules: dict[str, NotificationRule] = Field(
        default_factory=_default_rules,
        description="The rules (docs/notifications.md), by id. Backfilled leads and contacts are never "
        "notified; each (rule, item, recipient, channel) is sent once.",
    )
    web_base_url: str = Field("http://localhost:8000", description="Links in messages to the web app.")
    crm_record_url: str = Field(
        "",
        description="Links in messages to the CRM record ({object} = Lead | Contact | Account, {id}), e.g. "
        '"https://acme.lightning.force.com/lightning/r/{object}/{id}/view"; "" = no CRM link.',
    )
    slack_base_url: str = Field(
        "https://slack.com/api/", description="Slack Web API host (a test server in tests)."
    )
    slack_channel: str | None = Field(
        None,
        examples=["C0123456789"],
        description="Post to this channel (with a mention) instead of direct messages. The bot token "
        "only from JOBSHIFT_SLACK_TOKEN.",
    )
    slack_timeout_seconds: float = Field(30.0, gt=0, description="Timeout of one Slack API call.")
    max_retry_after_seconds: float = Field(
        60.0,
        ge=0,
        description="A Slack 429 is honoured (Retry-After); waits longer than this defer the rest of the "
        "run's sends to a later run.",
    )
    smtp_host: str = Field("localhost", description="E-mail over SMTP: the server's host.")
    smtp_port: int = Field(25, ge=1, le=65535, description="The SMTP server's port.")
    smtp_from: str = Field("jobshift <jobshift@localhost>", description="From address of the e-mails.")
    smtp_username: str | None = Field(
        None,
        examples=["jobshift"],
        description="SMTP login (unset = none); the password only from JOBSHIFT_SMTP_PASSWORD.",
    )
    smtp_starttls: bool = Field(False, description="Upgrade the connection with STARTTLS.")
    smtp_ssl: bool = Field(False, description="Connect with TLS from the start (SMTPS).")
    smtp_timeout_seconds: float = Field(30.0, gt=0, description="Timeout of the SMTP connection.")
    max_attempts: int = Field(
        6, ge=1, le=100, description="Failed sends are retried later; after this many tries a send fails."
    )
    backoff_base_seconds: float = Field(
        60.0,
        ge=0,
        description="A failed send waits backoff_base_seconds * 2^(attempt-1), at most backoff_max_seconds.",
    )
    backoff_max_seconds: float = Field(3600.0, ge=0, description="Longest wait before a send is tried again.")
    send_lease_seconds: float = Field(
        600.0,
        gt=0,
        description="A send still unconfirmed after this (a crash) is checked in Slack's history before "
        "sending again.",
    )
    email_unknown_outcome: Literal["resend", "fail"] = Field(
        "resend",
        description="An e-mail whose send was cut off (crash): sent again with the same Message-ID "
        '("resend") or marked failed ("fail").',
    )

    @field_validator("rules", mode="before")
    @classmethod
    def _over_defaults(cls, v: object) -> object:
        """A ``[notifications.rules.<id>]`` table of a default rule changes only the keys it names
        (``[notifications.rules.2A] enabled = true`` switches the new-hire rule on); the other default
        rules stay (switch one off with ``enabled = false``)."""
        if not isinstance(v, dict):
            return v
        merged: dict[str, object] = {k: r.model_dump() for k, r in _default_rules().items()}
        for k, r in v.items():
            base = merged.get(k)
            merged[k] = {**base, **r} if isinstance(base, dict) and isinstance(r, dict) else r
        return merged

    @field_validator("rules")
    @classmethod
    def _rule_ids(cls, v: dict[str, NotificationRule]) -> dict[str, NotificationRule]:
        for k in v:
            if not k or len(k) > 20 or k == "digest":
                raise ValueError(f"invalid rule id {k!r}")
        return v
