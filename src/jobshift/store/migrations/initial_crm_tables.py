"""The CRM mirror's tables as revision 0001 (``versions/0001_initial_schema.py``) creates them.

Only that revision imports this module: it must keep creating exactly these tables, whatever the current
schema (``store/schema/``) says; later changes are new revisions."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


def create_accounts() -> None:
    """``accounts`` and its indexes, as revision 0001 created them."""
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("website", sa.Text(), nullable=True),
        sa.Column("domain", sa.Text(), nullable=True, comment="registrable domain derived from website"),
        sa.Column("type", sa.String(length=40), nullable=True),
        sa.Column("segment", sa.String(length=40), nullable=True),
        sa.Column("owner_id", sa.String(length=64), nullable=True),
        sa.Column("bdr_id", sa.String(length=64), nullable=True),
        sa.Column("renewal_manager_id", sa.String(length=64), nullable=True),
        sa.Column("is_target", sa.Boolean(), nullable=True),
        sa.Column("parent_id", sa.String(length=64), nullable=True),
        sa.Column("industry", sa.Text(), nullable=True),
        sa.Column("employees", sa.Integer(), nullable=True),
        sa.Column("country", sa.Text(), nullable=True),
        sa.Column("state", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("custom", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
    )
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_accounts_bdr_id"), ["bdr_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_accounts_domain"), ["domain"], unique=False)
        batch_op.create_index(batch_op.f("ix_accounts_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_accounts_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_accounts_renewal_manager_id"), ["renewal_manager_id"], unique=False
        )


def create_activities() -> None:
    """``activities`` and its indexes, as revision 0001 created them."""
    op.create_table(
        "activities",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("who_id", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("owner_id", sa.String(length=64), nullable=True),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("opportunity_id", sa.String(length=64), nullable=True),
        sa.Column("custom", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
    )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activities_who_id"), ["who_id"], unique=False)


def create_contacts() -> None:
    """``contacts`` and its indexes, as revision 0001 created them."""
    op.create_table(
        "contacts",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=True),
        sa.Column("first_name", sa.Text(), nullable=True),
        sa.Column("last_name", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("email_norm", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("linkedin_url", sa.Text(), nullable=True),
        sa.Column("linkedin_norm", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("country", sa.Text(), nullable=True),
        sa.Column("state", sa.Text(), nullable=True),
        sa.Column("owner_id", sa.String(length=64), nullable=True),
        sa.Column("email_opt_out", sa.Boolean(), nullable=True),
        sa.Column("no_longer_at_company", sa.Boolean(), nullable=True),
        sa.Column("no_longer_at_company_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=True),
        sa.Column("disqualified_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("custom", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contacts_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contacts_email_norm"), ["email_norm"], unique=False)
        batch_op.create_index(batch_op.f("ix_contacts_first_name"), ["first_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_contacts_last_name"), ["last_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_contacts_linkedin_norm"), ["linkedin_norm"], unique=False)
        batch_op.create_index(batch_op.f("ix_contacts_owner_id"), ["owner_id"], unique=False)


def create_leads() -> None:
    """``leads`` and its indexes, as revision 0001 created them."""
    op.create_table(
        "leads",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("first_name", sa.Text(), nullable=True),
        sa.Column("last_name", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("email_norm", sa.Text(), nullable=True),
        sa.Column("company", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("linkedin_url", sa.Text(), nullable=True),
        sa.Column("linkedin_norm", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=True),
        sa.Column("lead_source", sa.Text(), nullable=True),
        sa.Column("owner_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("converted_contact_id", sa.String(length=64), nullable=True),
        sa.Column("converted_account_id", sa.String(length=64), nullable=True),
        sa.Column("converted_opportunity_id", sa.String(length=64), nullable=True),
        sa.Column("signal_id", sa.String(length=64), nullable=True),
        sa.Column("priority", sa.String(length=20), nullable=True),
        sa.Column("priority_reason", sa.Text(), nullable=True),
        sa.Column("company_country", sa.Text(), nullable=True),
        sa.Column("company_state", sa.Text(), nullable=True),
        sa.Column("person_country", sa.Text(), nullable=True),
        sa.Column("person_state", sa.Text(), nullable=True),
        sa.Column("is_target_company", sa.Boolean(), nullable=True),
        sa.Column("is_customer_company", sa.Boolean(), nullable=True),
        sa.Column(
            "job_started_date", sa.String(length=10), nullable=True, comment="YYYY, YYYY-MM or YYYY-MM-DD"
        ),
        sa.Column("past_account_id", sa.String(length=64), nullable=True),
        sa.Column("past_contact_id", sa.String(length=64), nullable=True),
        sa.Column("past_title", sa.Text(), nullable=True),
        sa.Column("matched_account_id", sa.String(length=64), nullable=True),
        sa.Column(
            "is_backfill",
            sa.Boolean(),
            nullable=True,
            comment="created by a backfill batch: no notifications",
        ),
        sa.Column("routing_reason", sa.Text(), nullable=True, comment="why owner_id was chosen"),
        sa.Column("custom", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leads")),
    )
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_leads_company"), ["company"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_created_at_id"), ["created_at", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_email_norm"), ["email_norm"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_first_name"), ["first_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_last_name"), ["last_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_lead_source"), ["lead_source"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_linkedin_norm"), ["linkedin_norm"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_leads_owner_id_created_at"), ["owner_id", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_leads_past_contact_id"), ["past_contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_signal_id"), ["signal_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_leads_status_created_at"), ["status", "created_at"], unique=False
        )


def create_opportunities() -> None:
    """``opportunities`` and its indexes, as revision 0001 created them."""
    op.create_table(
        "opportunities",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("stage", sa.Text(), nullable=False),
        sa.Column("stage_number", sa.Integer(), nullable=True),
        sa.Column("type", sa.String(length=40), nullable=True),
        sa.Column("is_closed", sa.Boolean(), nullable=True),
        sa.Column("is_won", sa.Boolean(), nullable=True),
        sa.Column("probability", sa.Float(), nullable=True),
        sa.Column("amount", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("close_date", sa.Date(), nullable=True),
        sa.Column("owner_id", sa.String(length=64), nullable=True),
        sa.Column("lead_source", sa.Text(), nullable=True),
        sa.Column("custom", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunities")),
    )
    with op.batch_alter_table("opportunities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_opportunities_account_id"), ["account_id"], unique=False)


def create_opportunity_contact_roles() -> None:
    """``opportunity_contact_roles`` and its indexes, as revision 0001 created them."""
    op.create_table(
        "opportunity_contact_roles",
        sa.Column("opportunity_id", sa.String(length=64), nullable=False),
        sa.Column("contact_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.Text(), nullable=True),
        sa.Column("is_primary", sa.Boolean(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("custom", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("opportunity_id", "contact_id", name=op.f("pk_opportunity_contact_roles")),
    )
    with op.batch_alter_table("opportunity_contact_roles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_opportunity_contact_roles_contact_id"), ["contact_id"], unique=False
        )


def create_users() -> None:
    """``users`` and its indexes, as revision 0001 created them."""
    op.create_table(
        "users",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("segment", sa.String(length=40), nullable=True),
        sa.Column("region", sa.String(length=40), nullable=True),
        sa.Column("slack_user_id", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=True),
        sa.Column("manager_id", sa.String(length=64), nullable=True),
        sa.Column("custom", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
