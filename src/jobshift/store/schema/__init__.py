"""SQLAlchemy Core tables of the jobshift store.

The CRM mirror (accounts, contacts, opportunities, opportunity contact roles, users, leads,
activities), people-data observations (append-only), and the bookkeeping tables every run writes
(runs, quarantine, audit log). Schema changes go through Alembic migrations in ``migrations/``;
a test checks that the migrated database equals this metadata. One module per part: ``crm`` (the CRM
mirror), ``pipeline`` (what the runs write), ``program`` (the program's own state); all are importable from
here.
"""

from __future__ import annotations

from jobshift.store.schema.base import ID, NAMING, metadata
from jobshift.store.schema.crm import (
    CRM_TABLES,
    accounts,
    activities,
    contacts,
    leads,
    opportunities,
    opportunity_contact_roles,
    users,
)
from jobshift.store.schema.pipeline import (
    account_aliases,
    audit_log,
    people_observations,
    quarantine,
    runs,
    signals,
)
from jobshift.store.schema.program import (
    api_tokens,
    app_users,
    enrichment_cache,
    login_attempts,
    notification_prefs,
    notifications,
    outbox,
    outreach_drafts,
    routing_decisions,
    routing_state,
    scorecard_snapshots,
    signal_reviews,
    web_sessions,
)

__all__ = [
    "CRM_TABLES",
    "ID",
    "NAMING",
    "account_aliases",
    "accounts",
    "activities",
    "api_tokens",
    "app_users",
    "audit_log",
    "contacts",
    "enrichment_cache",
    "leads",
    "login_attempts",
    "metadata",
    "notification_prefs",
    "notifications",
    "opportunities",
    "opportunity_contact_roles",
    "outbox",
    "outreach_drafts",
    "people_observations",
    "quarantine",
    "routing_decisions",
    "routing_state",
    "runs",
    "scorecard_snapshots",
    "signal_reviews",
    "signals",
    "users",
    "web_sessions",
]
