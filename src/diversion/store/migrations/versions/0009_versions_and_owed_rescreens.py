"""Declaration versions (an amendment keeps the earlier version and its decision) and owed
re-screens (recorded with a list activation, done with the re-screen's decisions).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

import hashlib
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _sha256(data: object) -> str:
    """As diversion.screening.records.declaration_sha256 computes it (kept here: a migration
    does not change when the code does)."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def upgrade() -> None:
    with op.batch_alter_table("screened_declarations") as batch:
        batch.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))
    versions = op.create_table(
        "declaration_versions",
        sa.Column("declaration_id", sa.String(140), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("declaration", sa.JSON, nullable=False),
        sa.Column("verdict", sa.String(10), nullable=False),
        sa.Column("decision", sa.JSON, nullable=False),
        sa.Column("first_screened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("screened_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "rescreens_owed",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("owed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
        sa.Column("days", sa.Integer, nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), index=True),
    )
    # every declaration screened so far is its own first version
    screened = sa.table(
        "screened_declarations",
        sa.column("declaration_id", sa.String),
        sa.column("declaration", sa.JSON),
        sa.column("verdict", sa.String),
        sa.column("decision", sa.JSON),
        sa.column("screened_at", sa.DateTime(timezone=True)),
    )
    connection = op.get_bind()
    rows: list[dict[str, object]] = []
    for row in connection.execute(sa.select(screened)):
        at = row.screened_at or datetime.now(UTC)
        rows.append(
            {
                "declaration_id": row.declaration_id,
                "version": 1,
                "sha256": _sha256(row.declaration),
                "declaration": row.declaration,
                "verdict": row.verdict,
                "decision": row.decision,
                "first_screened_at": at,
                "screened_at": at,
            }
        )
        if len(rows) >= 1000:
            op.bulk_insert(versions, rows)
            rows = []
    if rows:
        op.bulk_insert(versions, rows)


def downgrade() -> None:
    op.drop_table("rescreens_owed")
    op.drop_table("declaration_versions")
    with op.batch_alter_table("screened_declarations") as batch:
        batch.drop_column("version")
