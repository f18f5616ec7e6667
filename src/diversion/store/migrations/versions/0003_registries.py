"""Registries: a list's kind (sanctions or registry), and recorded links between registry and
list entities.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "lists",
        sa.Column("kind", sa.String(20), nullable=False, server_default="sanctions"),
    )
    op.create_table(
        "registry_links",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "registry_snapshot_id",
            sa.String(140),
            sa.ForeignKey("list_snapshots.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("registry_entity_id", sa.String(300), nullable=False),
        sa.Column(
            "list_snapshot_id", sa.String(140), sa.ForeignKey("list_snapshots.id"), nullable=False
        ),
        sa.Column("list_entity_id", sa.String(300), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("method", sa.String(40), nullable=False),
        sa.Column("explanation", sa.Text, nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            "registry_snapshot_id", "registry_entity_id", "list_snapshot_id", "list_entity_id"
        ),
    )
    # which (registry snapshot, list snapshot) pairs have been linked, so that linking runs once
    op.create_table(
        "registry_linkings",
        sa.Column(
            "registry_snapshot_id",
            sa.String(140),
            sa.ForeignKey("list_snapshots.id"),
            primary_key=True,
        ),
        sa.Column(
            "list_snapshot_id", sa.String(140), sa.ForeignKey("list_snapshots.id"), primary_key=True
        ),
        sa.Column("threshold", sa.Float, nullable=False),
        sa.Column("links", sa.Integer, nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("registry_linkings")
    op.drop_table("registry_links")
    op.drop_column("lists", "kind")
