"""List snapshots: lists, their immutable snapshots, and the entities of each snapshot.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "list_snapshots",
        sa.Column("id", sa.String(140), primary_key=True),
        sa.Column("list_name", sa.String(100), nullable=False, index=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("format", sa.String(40), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("files", sa.JSON, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.String(40)),
        sa.Column("counts", sa.JSON, nullable=False),
        sa.Column("importer_version", sa.String(40), nullable=False),
        sa.Column("warnings", sa.JSON, nullable=False),
        sa.UniqueConstraint("list_name", "seq"),
    )
    op.create_table(
        "lists",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column(
            "active_snapshot_id",
            sa.String(140),
            sa.ForeignKey("list_snapshots.id", name="fk_lists_active"),
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "list_entities",
        sa.Column(
            "snapshot_id", sa.String(140), sa.ForeignKey("list_snapshots.id"), primary_key=True
        ),
        sa.Column("entity_id", sa.String(300), primary_key=True),
        sa.Column("schema", sa.String(40), nullable=False),
        sa.Column("caption", sa.Text, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("list_entities")
    op.drop_table("lists")
    op.drop_table("list_snapshots")
