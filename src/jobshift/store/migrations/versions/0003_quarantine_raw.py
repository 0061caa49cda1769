"""quarantine: the whole raw text of a bad row (compressed) and the last line of a multi-line record

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 13:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "raw_zip",
                sa.LargeBinary(),
                nullable=True,
                comment="the whole raw text, zlib-compressed UTF-8, when raw is cut or holds a NUL",
            )
        )
        batch_op.add_column(
            sa.Column(
                "end_line",
                sa.Integer(),
                nullable=True,
                comment="the last physical line of the record, when it spans several",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.drop_column("end_line")
        batch_op.drop_column("raw_zip")
