"""Licences: the register, its events, accepted declarations and the depletions they caused.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "licences",
        sa.Column("licence_no", sa.String(60), primary_key=True),
        sa.Column("holder_name", sa.Text),
        sa.Column("holder_id", sa.String(60)),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("authority", sa.String(200), nullable=False),
        sa.Column("goods", sa.JSON, nullable=False),
        sa.Column("goods_description", sa.Text),
        sa.Column("destinations", sa.JSON, nullable=False),
        sa.Column("consignee_name", sa.Text),
        sa.Column("end_user_name", sa.Text),
        sa.Column("quantity_limit_milli", sa.BigInteger),
        sa.Column("quantity_used_milli", sa.BigInteger, nullable=False),
        sa.Column("value_limit_milli", sa.BigInteger),
        sa.Column("value_used_milli", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3)),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        # the last line of defence: no writer, however buggy, can overdraw a licence
        sa.CheckConstraint(
            "quantity_limit_milli IS NULL OR quantity_used_milli <= quantity_limit_milli",
            name="ck_licences_quantity_within_limit",
        ),
        sa.CheckConstraint(
            "value_limit_milli IS NULL OR value_used_milli <= value_limit_milli",
            name="ck_licences_value_within_limit",
        ),
        sa.CheckConstraint(
            "quantity_used_milli >= 0 AND value_used_milli >= 0", name="ck_licences_used"
        ),
    )
    op.create_table(
        "licence_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "licence_no",
            sa.String(60),
            sa.ForeignKey("licences.licence_no"),
            nullable=False,
            index=True,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    op.create_table(
        "accepted_declarations",
        sa.Column("declaration_id", sa.String(140), primary_key=True),
        sa.Column("declared_at", sa.Date, nullable=False),
        sa.Column("exporter_name", sa.Text, nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True)),
        sa.Column("cancel_reason", sa.Text),
    )
    op.create_table(
        "licence_depletions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "declaration_id",
            sa.String(140),
            sa.ForeignKey("accepted_declarations.declaration_id"),
            nullable=False,
            index=True,
        ),
        sa.Column("item_no", sa.Integer, nullable=False),
        sa.Column(
            "licence_no",
            sa.String(60),
            sa.ForeignKey("licences.licence_no"),
            nullable=False,
            index=True,
        ),
        sa.Column("hs_code", sa.String(10), nullable=False),
        sa.Column("quantity_milli", sa.BigInteger, nullable=False),
        sa.Column("unit", sa.String(40)),
        sa.Column("value_milli", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("depleted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reversed_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("declaration_id", "item_no"),
    )


def downgrade() -> None:
    op.drop_table("licence_depletions")
    op.drop_table("accepted_declarations")
    op.drop_table("licence_events")
    op.drop_table("licences")
