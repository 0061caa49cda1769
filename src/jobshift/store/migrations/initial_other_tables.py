"""Every other table of revision 0001 (``versions/0001_initial_schema.py``), as it creates them.

Only that revision imports this module: it must keep creating exactly these tables, whatever the current
schema (``store/schema/``) says; later changes are new revisions."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


def create_account_aliases() -> None:
    """``account_aliases`` and its indexes, as revision 0001 created them."""
    op.create_table(
        "account_aliases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column(
            "alias_name", sa.Text(), nullable=True, comment="another name of the company (normalized on use)"
        ),
        sa.Column(
            "alias_domain", sa.Text(), nullable=True, comment="another registrable domain of the company"
        ),
        sa.Column("alias_linkedin_norm", sa.Text(), nullable=True, comment="another LinkedIn company page"),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_aliases")),
    )
    with op.batch_alter_table("account_aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_aliases_account_id"), ["account_id"], unique=False)


def create_api_tokens() -> None:
    """``api_tokens`` and its indexes, as revision 0001 created them."""
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False, comment="sha256 of the token"),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)


def create_app_users() -> None:
    """``app_users`` and its indexes, as revision 0001 created them."""
    op.create_table(
        "app_users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False, comment="argon2id"),
        sa.Column("role", sa.String(length=20), nullable=False, comment="admin | manager | rep"),
        sa.Column(
            "crm_user_id",
            sa.String(length=64),
            nullable=True,
            comment="the CRM user this login acts as (owner of their leads)",
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_users")),
        sa.UniqueConstraint("username", name=op.f("uq_app_users_username")),
    )


def create_audit_log() -> None:
    """``audit_log`` and its indexes, as revision 0001 created them."""
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("object", sa.String(length=60), nullable=False),
        sa.Column("record_id", sa.Text(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_log_object_record_id"), ["object", "record_id"], unique=False
        )


def create_enrichment_cache() -> None:
    """``enrichment_cache`` and its indexes, as revision 0001 created them."""
    op.create_table(
        "enrichment_cache",
        sa.Column(
            "lookup_hash", sa.String(length=64), nullable=False, comment="sha256 of the lookup kind and value"
        ),
        sa.Column("lookup_kind", sa.String(length=20), nullable=False, comment="profile | email | name"),
        sa.Column("provider", sa.String(length=20), nullable=False, comment="pdl"),
        sa.Column(
            "contact_id", sa.String(length=64), nullable=True, comment="the contact the lookup was made for"
        ),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False, comment="matched | no_match | error"),
        sa.Column("person_id", sa.Text(), nullable=True, comment="the provider's profile id when matched"),
        sa.Column("likelihood", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("lookup_hash", name=op.f("pk_enrichment_cache")),
    )
    with op.batch_alter_table("enrichment_cache", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enrichment_cache_contact_id"), ["contact_id"], unique=False)


def create_notification_prefs() -> None:
    """``notification_prefs`` and its indexes, as revision 0001 created them."""
    op.create_table(
        "notification_prefs",
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column(
            "channel", sa.String(length=20), nullable=False, comment="slack | email | both | digest | none"
        ),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notification_prefs")),
    )


def create_notifications() -> None:
    """``notifications`` and its indexes, as revision 0001 created them."""
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("idempotency_key", sa.String(length=300), nullable=False),
        sa.Column("rule", sa.String(length=20), nullable=False, comment="1A..1D, 3A, 3B, or digest"),
        sa.Column("item_type", sa.String(length=20), nullable=False, comment="lead | contact | digest"),
        sa.Column("item_id", sa.String(length=120), nullable=False),
        sa.Column("recipient_user_id", sa.String(length=64), nullable=False),
        sa.Column(
            "channel",
            sa.String(length=20),
            nullable=False,
            comment="slack | email | digest (waits for the digest)",
        ),
        sa.Column(
            "status",
            sa.String(length=20),
            nullable=False,
            comment="pending | sending | sent | failed | suppressed",
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column(
            "claimed_at", sa.DateTime(), nullable=True, comment="when the current send attempt started"
        ),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("send_date", sa.Date(), nullable=False, comment="the send day whose plan created the row"),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column(
            "provider_message_id",
            sa.Text(),
            nullable=True,
            comment="Slack channel:ts, or the e-mail Message-ID",
        ),
        sa.Column("is_digest", sa.Boolean(), nullable=False),
        sa.Column(
            "digest_id", sa.Integer(), nullable=True, comment="the digest row that delivered this item"
        ),
        sa.Column(
            "payload",
            sa.JSON(),
            nullable=True,
            comment="what the message shows (rendered from it), digest: item row ids",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_notifications_idempotency_key")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notifications_item_type_item_id"), ["item_type", "item_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_notifications_recipient_user_id_status"),
            ["recipient_user_id", "status"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_notifications_status_channel_next_attempt_at"),
            ["status", "channel", "next_attempt_at"],
            unique=False,
        )


def create_outbox() -> None:
    """``outbox`` and its indexes, as revision 0001 created them."""
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("idempotency_key", sa.String(length=120), nullable=False),
        sa.Column(
            "kind",
            sa.String(length=20),
            nullable=False,
            comment="create_lead | update_contact | link_existing",
        ),
        sa.Column("signal_id", sa.String(length=64), nullable=True),
        sa.Column(
            "target_id",
            sa.String(length=64),
            nullable=True,
            comment="contact to update / existing record linked",
        ),
        sa.Column(
            "dedupe_key", sa.Text(), nullable=True, comment="person|company of a lead (one lead per key)"
        ),
        sa.Column("sort_key", sa.Text(), nullable=True, comment="backfill order (oldest or priority)"),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column(
            "status", sa.String(length=20), nullable=False, comment="pending | applied | failed | skipped"
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("is_backfill", sa.Boolean(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True, comment="backfill batch (the run id)"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("applied_at", sa.DateTime(), nullable=True),
        sa.Column("crm_record_id", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbox_idempotency_key")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_dedupe_key"), ["dedupe_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_signal_id"), ["signal_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_outbox_status_is_backfill_id"), ["status", "is_backfill", "id"], unique=False
        )


def create_people_observations() -> None:
    """``people_observations`` and its indexes, as revision 0001 created them."""
    op.create_table(
        "people_observations",
        sa.Column(
            "obs_id", sa.String(length=32), nullable=False, comment="hash of person_key and observed_at"
        ),
        sa.Column(
            "person_key",
            sa.Text(),
            nullable=False,
            comment="pdl:<id> | li:<linkedin> | em:<email> | nm:<name|co>",
        ),
        sa.Column("person_id", sa.Text(), nullable=True, comment="the profile id of the source"),
        sa.Column("observed_at", sa.String(length=10), nullable=False, comment="YYYY-MM-DD (or partial)"),
        sa.Column("full_name", sa.Text(), nullable=True),
        sa.Column("first_name", sa.Text(), nullable=True),
        sa.Column("last_name", sa.Text(), nullable=True),
        sa.Column("linkedin_url", sa.Text(), nullable=True),
        sa.Column("linkedin_norm", sa.Text(), nullable=True),
        sa.Column("work_email", sa.Text(), nullable=True),
        sa.Column("work_email_norm", sa.Text(), nullable=True),
        sa.Column("personal_emails_norm", sa.JSON(), nullable=True, comment="personal emails, normalized"),
        sa.Column(
            "emails_norm", sa.JSON(), nullable=True, comment="every known email, normalized, work email first"
        ),
        sa.Column("job_title", sa.Text(), nullable=True),
        sa.Column("job_title_levels", sa.JSON(), nullable=True),
        sa.Column("job_title_role", sa.Text(), nullable=True),
        sa.Column("job_company_name", sa.Text(), nullable=True),
        sa.Column("job_company_website", sa.Text(), nullable=True),
        sa.Column(
            "job_company_domain",
            sa.Text(),
            nullable=True,
            comment="registrable domain of the current company",
        ),
        sa.Column("job_company_linkedin_url", sa.Text(), nullable=True),
        sa.Column("job_company_linkedin_norm", sa.Text(), nullable=True),
        sa.Column("job_company_country", sa.Text(), nullable=True),
        sa.Column("job_company_region", sa.Text(), nullable=True),
        sa.Column(
            "job_start_date", sa.String(length=10), nullable=True, comment="YYYY, YYYY-MM or YYYY-MM-DD"
        ),
        sa.Column(
            "current_job_source",
            sa.String(length=20),
            nullable=True,
            comment="job_fields | primary_experience | open_experience | NULL (no known employer)",
        ),
        sa.Column("location_country", sa.Text(), nullable=True),
        sa.Column("location_region", sa.Text(), nullable=True),
        sa.Column(
            "experience", sa.JSON(), nullable=True, comment="compact list of jobs, see docs/people-data.md"
        ),
        sa.Column("source_file", sa.Text(), nullable=True),
        sa.Column("source_line", sa.Integer(), nullable=True),
        sa.Column("ingested_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("person_key", "observed_at", name=op.f("pk_people_observations")),
    )


def create_quarantine() -> None:
    """``quarantine`` and its indexes, as revision 0001 created them."""
    op.create_table(
        "quarantine",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("object", sa.String(length=60), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("column", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarantine")),
    )
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quarantine_run_id"), ["run_id"], unique=False)


def create_routing_decisions() -> None:
    """``routing_decisions`` and its indexes, as revision 0001 created them."""
    op.create_table(
        "routing_decisions",
        sa.Column(
            "lead_id",
            sa.String(length=120),
            nullable=False,
            comment="lead id, or signal:<id> before the lead exists",
        ),
        sa.Column("signal_id", sa.String(length=64), nullable=True),
        sa.Column("owner_id", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "rule", sa.String(length=40), nullable=False, comment="account_bdr | smb_round_robin | pool | ..."
        ),
        sa.Column("pool_key", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("lead_id", name=op.f("pk_routing_decisions")),
    )
    with op.batch_alter_table("routing_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_routing_decisions_owner_id_decided_at"), ["owner_id", "decided_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_routing_decisions_signal_id"), ["signal_id"], unique=False)


def create_routing_state() -> None:
    """``routing_state`` and its indexes, as revision 0001 created them."""
    op.create_table(
        "routing_state",
        sa.Column(
            "pool_key", sa.String(length=200), nullable=False, comment="smb_sdr | pool:<name>:<region>"
        ),
        sa.Column("position", sa.Integer(), nullable=False, comment="assignments made from this pool so far"),
        sa.Column(
            "weights", sa.JSON(), nullable=False, comment="member user id -> current weight (smooth WRR)"
        ),
        sa.Column("last_user_id", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("pool_key", name=op.f("pk_routing_state")),
    )


def create_runs() -> None:
    """``runs`` and its indexes, as revision 0001 created them."""
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("object", sa.String(length=60), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column(
            "period_key", sa.String(length=80), nullable=True, comment="scheduler: a period never runs twice"
        ),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runs")),
        sa.UniqueConstraint("period_key", name=op.f("uq_runs_period_key")),
    )


def create_scorecard_snapshots() -> None:
    """``scorecard_snapshots`` and its indexes, as revision 0001 created them."""
    op.create_table(
        "scorecard_snapshots",
        sa.Column("month", sa.String(length=7), nullable=False, comment="YYYY-MM; one snapshot per month"),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.Column(
            "payload",
            sa.JSON(),
            nullable=False,
            comment="the scorecard as `jobshift scorecard --format json`",
        ),
        sa.PrimaryKeyConstraint("month", name=op.f("pk_scorecard_snapshots")),
    )


def create_signals() -> None:
    """``signals`` and its indexes, as revision 0001 created them."""
    op.create_table(
        "signals",
        sa.Column(
            "signal_id",
            sa.String(length=64),
            nullable=False,
            comment="hash of type, subject, new company, start",
        ),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("contact_id", sa.String(length=64), nullable=True),
        sa.Column("person_id", sa.Text(), nullable=True),
        sa.Column("person_key", sa.Text(), nullable=True),
        sa.Column("full_name", sa.Text(), nullable=True),
        sa.Column("linkedin_url", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("past_account_id", sa.String(length=64), nullable=True),
        sa.Column("past_company", sa.Text(), nullable=True),
        sa.Column("past_title", sa.Text(), nullable=True),
        sa.Column("new_company", sa.Text(), nullable=True),
        sa.Column("new_company_domain", sa.Text(), nullable=True),
        sa.Column("new_title", sa.Text(), nullable=True),
        sa.Column("matched_account_id", sa.String(length=64), nullable=True),
        sa.Column("is_customer_company", sa.Boolean(), nullable=True),
        sa.Column("is_target_company", sa.Boolean(), nullable=True),
        sa.Column("has_open_opportunity", sa.Boolean(), nullable=True),
        sa.Column(
            "job_started_date", sa.String(length=10), nullable=True, comment="YYYY, YYYY-MM or YYYY-MM-DD"
        ),
        sa.Column("seniority", sa.String(length=20), nullable=True),
        sa.Column("function", sa.String(length=40), nullable=True),
        sa.Column("persona_match", sa.Boolean(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=True, comment="which fields proved the signal"),
        sa.Column(
            "match_rule", sa.Text(), nullable=True, comment="identity rule + company rule that decided"
        ),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("observed_at", sa.String(length=10), nullable=True),
        sa.Column("lead_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("signal_id", name=op.f("pk_signals")),
    )
    with op.batch_alter_table("signals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signals_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_signals_detected_at_signal_id_lead_id_contact_id"),
            ["detected_at", "signal_id", "lead_id", "contact_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_signals_full_name"), ["full_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_signals_lead_id"), ["lead_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_signals_new_company"), ["new_company"], unique=False)
        batch_op.create_index(batch_op.f("ix_signals_type"), ["type"], unique=False)
