"""SQLAlchemy Core tables of the jobshift store.

The CRM mirror (accounts, contacts, opportunities, opportunity contact roles, users, leads,
activities), people-data observations (append-only), and the bookkeeping tables every run writes
(runs, quarantine, audit log). Schema changes go through Alembic migrations in ``migrations/``;
a test checks that the migrated database equals this metadata.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

ID = String(64)


def _prefix_index(column: str) -> Index:
    """An index for the web lists' prefix search and name sort on ``column`` (see
    ``services/browse/browse_search.py``: index range scans on both SQLite and PostgreSQL)."""
    return Index(None, column)


def _custom() -> Column[object]:
    return Column("custom", JSON, nullable=True)


accounts = Table(
    "accounts",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", Text, nullable=False),
    Column("website", Text),
    Column("domain", Text, comment="registrable domain derived from website"),
    Column("type", String(40)),
    Column("segment", String(40)),
    Column("owner_id", ID),
    Column("bdr_id", ID),
    Column("renewal_manager_id", ID),
    Column("is_target", Boolean),
    Column("parent_id", ID),
    Column("industry", Text),
    Column("employees", Integer),
    Column("country", Text),
    Column("state", Text),
    Column("created_at", DateTime),
    _custom(),
    Index(None, "domain"),
    # web lists: owner scopes and name prefix search (see docs/web.md)
    Index(None, "owner_id"),
    Index(None, "bdr_id"),
    Index(None, "renewal_manager_id"),
    _prefix_index("name"),
)

contacts = Table(
    "contacts",
    metadata,
    Column("id", ID, primary_key=True),
    Column("account_id", ID),
    Column("first_name", Text),
    Column("last_name", Text, nullable=False),
    Column("email", Text),
    Column("email_norm", Text),
    Column("title", Text),
    Column("linkedin_url", Text),
    Column("linkedin_norm", Text),
    Column("phone", Text),
    Column("country", Text),
    Column("state", Text),
    Column("owner_id", ID),
    Column("email_opt_out", Boolean),
    Column("no_longer_at_company", Boolean),
    Column("no_longer_at_company_at", DateTime),
    Column("status", String(40)),
    Column("disqualified_reason", Text),
    Column("created_at", DateTime),
    _custom(),
    Index(None, "account_id"),
    Index(None, "email_norm"),
    Index(None, "linkedin_norm"),
    Index(None, "owner_id"),
    _prefix_index("last_name"),
    _prefix_index("first_name"),
)

opportunities = Table(
    "opportunities",
    metadata,
    Column("id", ID, primary_key=True),
    Column("account_id", ID, nullable=False),
    Column("name", Text),
    Column("stage", Text, nullable=False),
    Column("stage_number", Integer),
    Column("type", String(40)),
    Column("is_closed", Boolean),
    Column("is_won", Boolean),
    Column("probability", Float),
    Column("amount", Float),
    Column("created_at", DateTime),
    Column("close_date", Date),
    Column("owner_id", ID),
    Column("lead_source", Text),
    _custom(),
    Index(None, "account_id"),
)

opportunity_contact_roles = Table(
    "opportunity_contact_roles",
    metadata,
    Column("opportunity_id", ID, primary_key=True),
    Column("contact_id", ID, primary_key=True),
    Column("role", Text),
    Column("is_primary", Boolean),
    Column("created_at", DateTime),
    _custom(),
    Index(None, "contact_id"),
)

users = Table(
    "users",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", Text, nullable=False),
    Column("email", Text),
    Column("role", String(40), nullable=False),
    Column("segment", String(40)),
    Column("region", String(40)),
    Column("slack_user_id", String(64)),
    Column("active", Boolean),
    Column("manager_id", ID),
    _custom(),
)

leads = Table(
    "leads",
    metadata,
    Column("id", ID, primary_key=True),
    Column("first_name", Text),
    Column("last_name", Text, nullable=False),
    Column("email", Text),
    Column("email_norm", Text),
    Column("company", Text),
    Column("title", Text),
    Column("linkedin_url", Text),
    Column("linkedin_norm", Text),
    Column("status", String(40)),
    Column("lead_source", Text),
    Column("owner_id", ID),
    Column("created_at", DateTime),
    Column("converted_contact_id", ID),
    Column("converted_account_id", ID),
    Column("converted_opportunity_id", ID),
    # Fields jobshift sets on the leads it creates (the seed's "[UG]" fields).
    Column("signal_id", String(64)),
    Column("priority", String(20)),
    Column("priority_reason", Text),
    Column("company_country", Text),
    Column("company_state", Text),
    Column("person_country", Text),
    Column("person_state", Text),
    Column("is_target_company", Boolean),
    Column("is_customer_company", Boolean),
    Column("job_started_date", String(10), comment="YYYY, YYYY-MM or YYYY-MM-DD"),
    Column("past_account_id", ID),
    Column("past_contact_id", ID),
    Column("past_title", Text),
    Column("matched_account_id", ID),
    Column("is_backfill", Boolean, comment="created by a backfill batch: no notifications"),
    Column("routing_reason", Text, comment="why owner_id was chosen"),
    _custom(),
    Index(None, "email_norm"),
    Index(None, "linkedin_norm"),
    Index(None, "owner_id", "created_at"),
    Index(None, "signal_id"),
    # web lists: newest first / by status / by source, and name prefix search (see docs/web.md)
    Index(None, "created_at", "id"),
    Index(None, "status", "created_at"),
    Index(None, "lead_source"),
    Index(None, "past_contact_id"),
    _prefix_index("last_name"),
    _prefix_index("first_name"),
    _prefix_index("company"),
)

activities = Table(
    "activities",
    metadata,
    Column("id", ID, primary_key=True),
    Column("who_id", ID, nullable=False),
    Column("type", String(20), nullable=False),
    Column("occurred_at", DateTime, nullable=False),
    Column("owner_id", ID),
    Column("subject", Text),
    Column("opportunity_id", ID),
    _custom(),
    Index(None, "who_id"),
)

people_observations = Table(
    "people_observations",
    metadata,
    # Append-only: one row per person per observed_at (see docs/people-data.md for every column).
    # The key is (person_key, observed_at); obs_id is its hash, unique by construction, so it needs no
    # index of its own (one index less per row: ingest is bound by index maintenance).
    Column("obs_id", String(32), nullable=False, comment="hash of person_key and observed_at"),
    Column(
        "person_key",
        Text,
        primary_key=True,
        comment="pdl:<id> | li:<linkedin> | em:<email> | nm:<name|co>",
    ),
    Column("person_id", Text, comment="the profile id of the source"),
    Column("observed_at", String(10), primary_key=True, comment="YYYY-MM-DD (or partial)"),
    Column("full_name", Text),
    Column("first_name", Text),
    Column("last_name", Text),
    Column("linkedin_url", Text),
    Column("linkedin_norm", Text),
    Column("work_email", Text),
    Column("work_email_norm", Text),
    Column("personal_emails_norm", JSON, comment="personal emails, normalized"),
    Column("emails_norm", JSON, comment="every known email, normalized, work email first"),
    Column("job_title", Text),
    Column("job_title_levels", JSON),
    Column("job_title_role", Text),
    Column("job_company_name", Text),
    Column("job_company_website", Text),
    Column("job_company_domain", Text, comment="registrable domain of the current company"),
    Column("job_company_linkedin_url", Text),
    Column("job_company_linkedin_norm", Text),
    Column("job_company_country", Text),
    Column("job_company_region", Text),
    Column("job_start_date", String(10), comment="YYYY, YYYY-MM or YYYY-MM-DD"),
    Column(
        "current_job_source",
        String(20),
        comment="job_fields | primary_experience | open_experience | NULL (no known employer)",
    ),
    Column("location_country", Text),
    Column("location_region", Text),
    Column("experience", JSON, comment="compact list of jobs, see docs/people-data.md"),
    Column("source_file", Text),
    Column("source_line", Integer),
    Column("ingested_at", DateTime),
    # No index besides the primary key (person_key, observed_at), which serves the per-person history:
    # detection scans the newest observation of every person (GROUP BY person_key) and matches in
    # memory; every extra index costs ingest ~25% (docs/people-data.md).
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(40), nullable=False),
    Column("object", String(60)),
    Column("source", Text),
    Column("period_key", String(80), unique=True, comment="scheduler: a period never runs twice"),
    Column("status", String(20), nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("counts", JSON),
    Column("error", Text),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer),
    Column("object", String(60)),
    Column("source", Text, nullable=False),
    Column("line", Integer),
    Column("column", Text),
    Column("reason", Text, nullable=False),
    Column("raw", Text),
    Column("created_at", DateTime, nullable=False),
    Column(
        "raw_zip",
        LargeBinary,
        comment="the whole raw text, zlib-compressed UTF-8, when raw is cut or holds a NUL",
    ),
    Column("end_line", Integer, comment="the last physical line of the record, when it spans several"),
    Index(None, "run_id"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", String(40), nullable=False),
    Column("object", String(60), nullable=False),
    Column("record_id", Text),
    Column("before", JSON),
    Column("after", JSON),
    Column("run_id", Integer),
    Index(None, "object", "record_id"),
)

signals = Table(
    "signals",
    metadata,
    Column("signal_id", String(64), primary_key=True, comment="hash of type, subject, new company, start"),
    Column("type", String(20), nullable=False),
    Column("contact_id", ID),
    Column("person_id", Text),
    Column("person_key", Text),
    Column("full_name", Text),
    Column("linkedin_url", Text),
    Column("email", Text),
    Column("past_account_id", ID),
    Column("past_company", Text),
    Column("past_title", Text),
    Column("new_company", Text),
    Column("new_company_domain", Text),
    Column("new_title", Text),
    Column("matched_account_id", ID),
    Column("is_customer_company", Boolean),
    Column("is_target_company", Boolean),
    Column("has_open_opportunity", Boolean),
    Column("job_started_date", String(10), comment="YYYY, YYYY-MM or YYYY-MM-DD"),
    Column("seniority", String(20)),
    Column("function", String(40)),
    Column("persona_match", Boolean),
    Column("confidence", Float),
    Column("evidence", JSON, comment="which fields proved the signal"),
    Column("match_rule", Text, comment="identity rule + company rule that decided"),
    Column("detected_at", DateTime, nullable=False),
    Column("observed_at", String(10)),
    Column("lead_id", ID),
    Column("status", String(60), nullable=False),
    Index(None, "contact_id"),
    Index(None, "type"),
    # web lists: newest first, lead scope, and name / company prefix search (see docs/web.md)
    Index(None, "detected_at", "signal_id", "lead_id", "contact_id"),  # covers newest-first scoped pages
    Index(None, "lead_id"),
    _prefix_index("full_name"),
    _prefix_index("new_company"),
)

account_aliases = Table(
    "account_aliases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", ID, nullable=False),
    Column("alias_name", Text, comment="another name of the company (normalized on use)"),
    Column("alias_domain", Text, comment="another registrable domain of the company"),
    Column("alias_linkedin_norm", Text, comment="another LinkedIn company page"),
    Column("created_at", DateTime),
    Index(None, "account_id"),
)

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

CRM_TABLES: dict[str, Table] = {
    "accounts": accounts,
    "contacts": contacts,
    "opportunities": opportunities,
    "opportunity_contact_roles": opportunity_contact_roles,
    "users": users,
    "leads": leads,
    "activities": activities,
}
