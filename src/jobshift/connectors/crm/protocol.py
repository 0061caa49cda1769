"""The one protocol every CRM connector implements: the built-in store (default), Salesforce and HubSpot.

Writes are *intents* that carry an idempotency key (from the outbox); a connector must make applying the
same intent twice harmless (e.g. Salesforce: an external-id field / a lookup of the key before create).
Connectors classify failures: :class:`~jobshift.errors.RetryableError` (429/503/REQUEST_LIMIT_EXCEEDED,
timeouts: try later, nothing lost) or :class:`~jobshift.errors.FatalError` (INVALID_FIELD, bad
credentials: stop and tell the admin).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol, runtime_checkable

CrmObject = Literal[
    "accounts", "contacts", "opportunities", "opportunity_contact_roles", "users", "leads", "activities"
]


@dataclass(frozen=True)
class LeadCreate:
    """A lead to create. ``fields`` holds the canonical CRM lead fields of
    :data:`jobshift.domain.crm_payload.LEAD_CRM_FIELDS` (never local-only columns)."""

    idempotency_key: str
    fields: Mapping[str, Any]


@dataclass(frozen=True)
class ContactUpdate:
    """Changes to one existing contact (canonical CRM contact fields of
    :data:`jobshift.domain.crm_payload.WRITTEN_FIELDS`), e.g. no_longer_at_company, title."""

    idempotency_key: str
    contact_id: str
    fields: Mapping[str, Any]


@dataclass(frozen=True)
class WriteResult:
    """Outcome of one intent: ``ok`` with the CRM record id, or an error classified for retry.

    ``duplicate_of`` (``leads`` / ``contacts``): the CRM refused the create as a duplicate of the existing
    record ``record_id`` (e.g. a Salesforce duplicate rule); the push links to it instead of failing.
    ``notes``: what the connector changed to make the write fit the CRM (a value shortened to the field's
    length, a month-only date written as the first of the month); they go into the audit log.
    ``related``: other CRM records the write made for the intent, as (CRM object type, record id) — e.g.
    HubSpot's Lead object (``("0-136", "9001")``) beside the contact ``record_id``; the local copy keeps
    them (links to the CRM).
    """

    idempotency_key: str
    ok: bool
    record_id: str | None = None
    error: str | None = None
    retryable: bool = False
    duplicate_of: str | None = None
    notes: tuple[str, ...] = ()
    related: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ExistingPerson:
    """A lead or contact already in the CRM for a person at a company (dedupe: link, don't create)."""

    object: Literal["leads", "contacts"]
    record_id: str
    matched_by: str


@dataclass(frozen=True)
class PersonLookup:
    """Who to look for in the CRM before creating a lead: any of the person's e-mails (work and
    personal), the normalized LinkedIn URL, or the name, at the new company (matched account, company
    domain or company name). ``key`` is the caller's (a signal id)."""

    key: str
    emails: tuple[str, ...] = ()
    linkedin_norm: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    account_id: str | None = None
    company_domain: str | None = None
    company_name: str | None = None


@dataclass
class ApiUsage:
    """API calls used and allowed today (Salesforce ``/limits`` DailyApiRequests)."""

    used: int
    limit: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def share(self) -> float:
        """Used share of the daily limit (0..1)."""
        return self.used / self.limit if self.limit else 0.0


@runtime_checkable
class CrmConnector(Protocol):
    """Read CRM objects and apply jobshift's writes."""

    name: str

    def read(self, object: CrmObject, since: datetime | None = None) -> Iterator[dict[str, Any]]:
        """Records of ``object`` in canonical columns, changed since ``since`` (all when ``None``)."""
        ...

    def check_fields(self, object: CrmObject, fields: Sequence[str]) -> None:
        """Raise ``FatalError`` naming the first mapped field that does not exist — before any write."""
        ...

    def find_existing(self, people: Sequence[PersonLookup]) -> dict[str, ExistingPerson]:
        """Leads or contacts the CRM already has for these people at their new companies, by key.

        Matching: the same e-mail (any of the person's) or LinkedIn URL at the company, or the same
        first and last name at the company. A connector batches its lookups (a few calls per hundred
        people, not one per person).
        """
        ...

    def create_leads(self, intents: Sequence[LeadCreate]) -> list[WriteResult]:
        """Create leads (REST for small batches, bulk for large ones); one result per intent, same order."""
        ...

    def update_contacts(self, intents: Sequence[ContactUpdate]) -> list[WriteResult]:
        """Update contacts; one result per intent, same order."""
        ...

    def api_usage(self) -> ApiUsage | None:
        """Today's API usage, or ``None`` when the CRM has no such limit (the built-in store)."""
        ...
