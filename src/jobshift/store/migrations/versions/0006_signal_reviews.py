"""signal_reviews: confirm / reject decisions on uncertain identity matches (the review queue); an index
on signals.status

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-07 19:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signal_reviews",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "signal_id", sa.String(length=64), nullable=False, comment="the signal the decision was taken on"
        ),
        sa.Column("contact_id", sa.String(length=64), nullable=False),
        sa.Column(
            "person_key", sa.Text(), nullable=False, comment="the profile (people_observations.person_key)"
        ),
        sa.Column("decision", sa.String(length=10), nullable=False, comment="confirm | reject"),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_reviews")),
    )
    op.create_index(
        op.f("ix_signal_reviews_contact_id_person_key"), "signal_reviews", ["contact_id", "person_key"]
    )
    op.create_index(op.f("ix_signals_status"), "signals", ["status"])


def downgrade() -> None:
    op.drop_index(op.f("ix_signals_status"), table_name="signals")
    op.drop_index(op.f("ix_signal_reviews_contact_id_person_key"), table_name="signal_reviews")
    op.drop_table("signal_reviews")
