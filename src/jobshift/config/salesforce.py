"""The Salesforce connector: ``[salesforce]`` and ``[salesforce.fields.<object>]``."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from jobshift.config.retry import RetrySettings


class SalesforceSection(RetrySettings):
    """The Salesforce connector (docs/salesforce.md). Secrets come only from the environment:
    ``JOBSHIFT_SF_PASSWORD``, ``JOBSHIFT_SF_TOKEN`` (security token), ``JOBSHIFT_SF_CLIENT_SECRET``."""

    section: ClassVar[str] = "salesforce"

    login_url: str = Field("https://login.salesforce.com", description="OAuth login host of the org.")
    instance_url: str | None = Field(
        None,
        examples=["https://mycompany.my.salesforce.com"],
        description="The org's instance; set it to skip discovery from the token response.",
    )
    api_version: str = Field("59.0", pattern=r"^\d+\.\d$", description="Salesforce REST API version.")
    username: str | None = Field(
        None, examples=["integration@mycompany.com"], description="The integration user's username."
    )
    client_id: str | None = Field(
        None, examples=["3MVG9..."], description="Consumer key of the connected app (OAuth)."
    )
    ca_bundle: str | None = Field(
        None,
        examples=["/etc/ssl/private-ca.pem"],
        description="CA file to verify TLS with (a private CA, test servers).",
    )
    timeout_seconds: float = Field(60.0, gt=0, description="Read timeout of one API call.")
    connect_timeout_seconds: float = Field(
        5.0, gt=0, le=120, description="TCP/TLS connect timeout of one call."
    )
    login_attempts: int = Field(
        2,
        ge=1,
        le=10,
        description="Tries to reach the login URL before giving up (network errors): an unreachable "
        "login URL fails after this many.",
    )
    lead_external_id_field: str = Field(
        "Jobshift_Key__c",
        description="External-id field (on Lead) holding jobshift's idempotency key: creates are upserts "
        "by it.",
    )
    lead_record_type_id: str | None = Field(
        None, examples=["012..."], description="RecordTypeId of the leads jobshift creates."
    )
    dedupe_in_org: bool = Field(
        True,
        description="Before planning leads, also look for existing leads/contacts in the org (batched "
        "SOQL), besides the local copy that `crm pull` keeps.",
    )
    contact_external_id_field: str | None = Field(
        None,
        examples=["Jobshift_Key__c"],
        description="Reserved for an external-id field on Contact; not read by jobshift yet.",
    )
    bulk_threshold: int = Field(
        2_000,
        ge=1,
        description="Writes of this many records or more go through Bulk API 2.0; fewer through REST.",
    )
    rest_batch_size: int = Field(
        200, ge=1, le=200, description="Records per REST composite call (at most 200)."
    )
    api_usage_pause_share: float = Field(
        0.9,
        gt=0,
        le=1.0,
        description="Pause writes when the org has used this share of its daily API requests (/limits "
        "DailyApiRequests).",
    )
    max_attempts: int = Field(
        6,
        ge=1,
        le=100,
        description="Tries of one API call in all: transient failures (503, REQUEST_LIMIT_EXCEEDED, network "
        "errors) are retried with exponential backoff and jitter.",
    )
    backoff_base_seconds: float = Field(
        1.0,
        ge=0,
        description="Wait before retry n: backoff_base_seconds * 2^(n-1), at most "
        "backoff_max_seconds, 50-100% of it (jitter).",
    )
    backoff_max_seconds: float = Field(60.0, ge=0, description="Longest wait between two tries.")
    bulk_poll_seconds: float = Field(2.0, ge=0, description="How often a Bulk 2.0 job's state is polled.")
    bulk_timeout_seconds: float = Field(
        3600.0,
        gt=0,
        description="A Bulk 2.0 job not finished after this long fails as retryable (tried again later).",
    )
    fields: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        examples=[
            {
                "contacts": {
                    "no_longer_at_company": "UG_No_Longer_At_Company__c",
                    "linkedin_url": "LinkedIn_URL__c",
                },
                "accounts": {"segment": "Segment__c"},
            }
        ],
        description='Field mapping per object: canonical column = "Salesforce API name" ("" = do not read '
        "or write it).",
    )
