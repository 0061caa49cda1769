"""people_observations.job_last_verified: when the source last confirmed the current job

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 19:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people_observations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "job_last_verified",
                sa.String(length=10),
                nullable=True,
                comment="YYYY-MM-DD the source last confirmed the current job (PDL job_last_verified)",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("people_observations", schema=None) as batch_op:
        batch_op.drop_column("job_last_verified")
