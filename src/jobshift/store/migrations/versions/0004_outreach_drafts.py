"""outreach_drafts: first-touch drafts cached per lead, template version, evidence and generator

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-10 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outreach_drafts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "cache_key",
            sa.String(length=64),
            nullable=False,
            comment="sha256 of lead, version, evidence, generator",
        ),
        sa.Column("lead_id", sa.String(length=64), nullable=False),
        sa.Column("signal_id", sa.String(length=64), nullable=True),
        sa.Column("template_set", sa.String(length=80), nullable=False),
        sa.Column("template_version", sa.String(length=16), nullable=False),
        sa.Column("evidence_digest", sa.String(length=16), nullable=False),
        sa.Column(
            "source",
            sa.String(length=20),
            nullable=False,
            comment="template | llm (an LLM draft that passed the guard)",
        ),
        sa.Column("model", sa.Text(), nullable=True),
        sa.Column("email_subject", sa.Text(), nullable=False),
        sa.Column("email_body", sa.Text(), nullable=False),
        sa.Column("linkedin_note", sa.Text(), nullable=False),
        sa.Column("fallback_reason", sa.Text(), nullable=True, comment="why the LLM draft was not used"),
        sa.Column("violations", sa.JSON(), nullable=True, comment="the guard's findings on the LLM draft"),
        sa.Column("prompt_tokens", sa.Integer(), nullable=True),
        sa.Column("completion_tokens", sa.Integer(), nullable=True),
        sa.Column("cost", sa.Float(), nullable=True),
        sa.Column("latency_ms", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outreach_drafts")),
        sa.UniqueConstraint("cache_key", name=op.f("uq_outreach_drafts_cache_key")),
    )
    op.create_index(
        op.f("ix_outreach_drafts_lead_id_created_at"), "outreach_drafts", ["lead_id", "created_at"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_outreach_drafts_lead_id_created_at"), table_name="outreach_drafts")
    op.drop_table("outreach_drafts")
