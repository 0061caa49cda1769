"""The program's own state: web access (app users, API tokens, sessions, sign-in attempts), scorecard
snapshots, the outbox, routing, notifications and the enrichment cache."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Float, Index, Integer, String, Table, Text

from jobshift.store.schema.base import ID, metadata

app_users = Table(
    "app_users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(80), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False, comment="argon2id"),
    Column("role", String(20), nullable=False, comment="admin | manager | rep"),
    Column("crm_user_id", ID, comment="the CRM user this login acts as (owner of their leads)"),
    Column("active", Boolean, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True, comment="sha256 of the token"),
    Column("user_id", Integer, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_used_at", DateTime),
    Column("expires_at", DateTime, comment="refused from then on; NULL = never expires"),
    Column("revoked_at", DateTime, comment="set by `jobshift user revoke` or the Users page"),
    Index(None, "user_id"),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_hash", String(64), nullable=False, unique=True, comment="sha256 of the session id"),
    Column("user_id", Integer, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("ended_at", DateTime, comment="sign-out, password change, deactivation"),
    Index(None, "user_id"),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("username", String(80), nullable=False, comment="as typed (truncated to 80)"),
    Column("ip", String(64), nullable=False),
    Column("outcome", String(20), nullable=False, comment="ok | failed | locked"),
    Index(None, "username", "at"),
    Index(None, "ip", "at"),
)

scorecard_snapshots = Table(
    "scorecard_snapshots",
    metadata,
    Column("month", String(7), primary_key=True, comment="YYYY-MM; one snapshot per month"),
    Column("computed_at", DateTime, nullable=False),
    Column("payload", JSON, nullable=False, comment="the scorecard as `jobshift scorecard --format json`"),
)

outbox = Table(
    "outbox",
    metadata,
    # Every write to the CRM is recorded here first, then applied (docs/program.md, "Outbox").
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("idempotency_key", String(120), nullable=False, unique=True),
    Column("kind", String(20), nullable=False, comment="create_lead | update_contact | link_existing"),
    Column("signal_id", String(64)),
    Column("target_id", ID, comment="contact to update / existing record linked"),
    Column("dedupe_key", Text, comment="person|company of a lead (one lead per key)"),
    Column("sort_key", Text, comment="backfill order (oldest or priority)"),
    Column("payload", JSON, nullable=False),
    Column("status", String(20), nullable=False, comment="pending | applied | failed | skipped"),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime),
    Column("last_error", Text),
    Column("is_backfill", Boolean, nullable=False),
    Column("batch_id", Integer, comment="backfill batch (the run id)"),
    Column("created_at", DateTime, nullable=False),
    Column("applied_at", DateTime),
    Column("crm_record_id", Text),
    Index(None, "status", "is_backfill", "id"),
    Index(None, "signal_id"),
    Index(None, "dedupe_key"),
    Index(None, "batch_id"),
)

routing_state = Table(
    "routing_state",
    metadata,
    # One row per round-robin pool: fair (smooth weighted) rotation that persists across runs.
    Column("pool_key", String(200), primary_key=True, comment="smb_sdr | pool:<name>:<region>"),
    Column("position", Integer, nullable=False, comment="assignments made from this pool so far"),
    Column("weights", JSON, nullable=False, comment="member user id -> current weight (smooth WRR)"),
    Column("last_user_id", ID),
    Column("updated_at", DateTime, nullable=False),
)

routing_decisions = Table(
    "routing_decisions",
    metadata,
    Column(
        "lead_id", String(120), primary_key=True, comment="lead id, or signal:<id> before the lead exists"
    ),
    Column("signal_id", String(64)),
    Column("owner_id", ID),
    Column("reason", Text, nullable=False),
    Column("rule", String(40), nullable=False, comment="account_bdr | smb_round_robin | pool | ..."),
    Column("pool_key", String(200)),
    Column("decided_at", DateTime, nullable=False),
    Index(None, "signal_id"),
    Index(None, "owner_id", "decided_at"),
)

notifications = Table(
    "notifications",
    metadata,
    # One row per (rule, item, recipient, channel): planned once, sent once (docs/notifications.md).
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("idempotency_key", String(300), nullable=False, unique=True),
    Column("rule", String(20), nullable=False, comment="1A..1D, 3A, 3B, or digest"),
    Column("item_type", String(20), nullable=False, comment="lead | contact | digest"),
    Column("item_id", String(120), nullable=False),
    Column("recipient_user_id", ID, nullable=False),
    Column("channel", String(20), nullable=False, comment="slack | email | digest (waits for the digest)"),
    Column("status", String(20), nullable=False, comment="pending | sending | sent | failed | suppressed"),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime),
    Column("claimed_at", DateTime, comment="when the current send attempt started"),
    Column("last_error", Text),
    Column("created_at", DateTime, nullable=False),
    Column("send_date", Date, nullable=False, comment="the send day whose plan created the row"),
    Column("sent_at", DateTime),
    Column("provider_message_id", Text, comment="Slack channel:ts, or the e-mail Message-ID"),
    Column("is_digest", Boolean, nullable=False),
    Column("digest_id", Integer, comment="the digest row that delivered this item"),
    Column("payload", JSON, comment="what the message shows (rendered from it), digest: item row ids"),
    Index(None, "status", "channel", "next_attempt_at"),
    Index(None, "recipient_user_id", "status"),
    Index(None, "item_type", "item_id"),
)

notification_prefs = Table(
    "notification_prefs",
    metadata,
    Column("user_id", ID, primary_key=True),
    Column("channel", String(20), nullable=False, comment="slack | email | both | digest | none"),
    Column("updated_at", DateTime, nullable=False),
)

enrichment_cache = Table(
    "enrichment_cache",
    metadata,
    # One row per people-data lookup (see docs/people-data-api.md): a lookup answered within its
    # cadence is never bought again.
    Column("lookup_hash", String(64), primary_key=True, comment="sha256 of the lookup kind and value"),
    Column("lookup_kind", String(20), nullable=False, comment="profile | email | name"),
    Column("provider", String(20), nullable=False, comment="pdl"),
    Column("contact_id", ID, comment="the contact the lookup was made for"),
    Column("requested_at", DateTime, nullable=False),
    Column("status", String(20), nullable=False, comment="matched | no_match | error"),
    Column("person_id", Text, comment="the provider's profile id when matched"),
    Column("likelihood", Integer),
    Column("error", Text),
    Index(None, "contact_id"),
)

outreach_drafts = Table(
    "outreach_drafts",
    metadata,
    # First-touch drafts, cached per lead, template version, evidence and generator (docs/outreach.md).
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "cache_key",
        String(64),
        nullable=False,
        unique=True,
        comment="sha256 of lead, version, evidence, generator",
    ),
    Column("lead_id", ID, nullable=False),
    Column("signal_id", String(64)),
    Column("template_set", String(80), nullable=False),
    Column("template_version", String(16), nullable=False),
    Column("evidence_digest", String(16), nullable=False),
    Column(
        "source", String(20), nullable=False, comment="template | llm (an LLM draft that passed the guard)"
    ),
    Column("model", Text),
    Column("email_subject", Text, nullable=False),
    Column("email_body", Text, nullable=False),
    Column("linkedin_note", Text, nullable=False),
    Column("fallback_reason", Text, comment="why the LLM draft was not used"),
    Column("violations", JSON, comment="the guard's findings on the LLM draft"),
    Column("prompt_tokens", Integer),
    Column("completion_tokens", Integer),
    Column("cost", Float),
    Column("latency_ms", Integer),
    Column("created_at", DateTime, nullable=False),
    Index(None, "lead_id", "created_at"),
)

signal_reviews = Table(
    "signal_reviews",
    metadata,
    # A reviewer's decision on an uncertain identity match (docs/web.md, "Review queue"): the pair
    # (contact, profile) is confirmed (its signals are acted on) or rejected (never raised again).
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("signal_id", String(64), nullable=False, comment="the signal the decision was taken on"),
    Column("contact_id", ID, nullable=False),
    Column("person_key", Text, nullable=False, comment="the profile (people_observations.person_key)"),
    Column("decision", String(10), nullable=False, comment="confirm | reject"),
    Column("reason", Text),
    Column("actor", Text, nullable=False),
    Column("decided_at", DateTime, nullable=False),
    Index(None, "contact_id", "person_key"),
)
