"""Screened declarations: every declaration `screen` saw, with its latest decision, so that
later screenings can read the history.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "screened_declarations",
        sa.Column("declaration_id", sa.String(140), primary_key=True),
        sa.Column("declared_at", sa.Date, nullable=False, index=True),
        sa.Column("procedure", sa.String(20), nullable=False),
        sa.Column("declaration", sa.JSON, nullable=False),
        sa.Column("verdict", sa.String(10), nullable=False),
        sa.Column("decision", sa.JSON, nullable=False),
        sa.Column("screened_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("screened_declarations")
