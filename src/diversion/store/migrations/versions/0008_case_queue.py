"""The queue at 100,000 cases: each case's decision (some 20 kB of evidence) moves to
`case_decisions`, so that the `cases` rows the queue filters, sorts and counts are narrow (on
SQLite a row's later columns sat behind its decision's overflow pages); the cases get the
declaration's day, its HS codes and the words the queue's search looks in; and indexes on
what the queue filters and sorts by. Each screened declaration keeps its decision's corridor
beside its day (one index on both), for the dashboard's corridor shares.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-10
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_cases_corridor": ["corridor"],
    "ix_cases_assignee": ["assignee"],
    "ix_cases_updated_at": ["updated_at"],
    "ix_cases_declared_at": ["declared_at"],
}


def upgrade() -> None:
    from diversion.store.case_index import index_columns

    op.create_table(
        "case_decisions",
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), primary_key=True),
        sa.Column("decision", sa.JSON, nullable=False),
    )
    op.execute("INSERT INTO case_decisions (case_id, decision) SELECT id, decision FROM cases")
    # not batch mode: on SQLite that copies the table and drops the old one, which the
    # case_actions' foreign keys refuse; SQLite 3.35 and PostgreSQL both drop a column
    op.execute("ALTER TABLE cases DROP COLUMN decision")
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("declared_at", sa.Date))
        batch.add_column(sa.Column("hs_codes", sa.Text, nullable=False, server_default=""))
        batch.add_column(sa.Column("search_text", sa.Text, nullable=False, server_default=""))
    for name, columns in INDEXES.items():
        op.create_index(name, "cases", columns)
    op.add_column("screened_declarations", sa.Column("corridor", sa.String(10)))
    op.create_index(
        "ix_screened_declarations_day_corridor",
        "screened_declarations",
        ["declared_at", "corridor"],
    )
    bind = op.get_bind()
    kept = sa.table(
        "screened_declarations",
        sa.column("declaration_id", sa.String),
        sa.column("decision", sa.JSON),
        sa.column("corridor", sa.String),
    )
    for declaration_id, decision in bind.execute(
        sa.select(kept.c.declaration_id, kept.c.decision)
    ).all():
        corridor = (decision or {}).get("corridor")
        bind.execute(
            kept.update().where(kept.c.declaration_id == declaration_id).values(corridor=corridor)
        )
    cases = sa.table(
        "cases",
        sa.column("id", sa.Integer),
        sa.column("declaration_id", sa.String),
        sa.column("declared_at", sa.Date),
        sa.column("hs_codes", sa.Text),
        sa.column("search_text", sa.Text),
    )
    screened = sa.table(
        "screened_declarations",
        sa.column("declaration_id", sa.String),
        sa.column("declaration", sa.JSON),
    )
    rows = bind.execute(
        sa.select(cases.c.id, cases.c.declaration_id, screened.c.declaration).select_from(
            cases.outerjoin(screened, screened.c.declaration_id == cases.c.declaration_id)
        )
    ).all()
    for case_id, declaration_id, declaration in rows:
        found = index_columns(declaration_id, declaration or {})
        found.pop("parties")  # 0007's, unchanged
        bind.execute(cases.update().where(cases.c.id == case_id).values(**found))


def downgrade() -> None:
    op.drop_index("ix_screened_declarations_day_corridor", "screened_declarations")
    op.execute("ALTER TABLE screened_declarations DROP COLUMN corridor")
    for name in INDEXES:
        op.drop_index(name, "cases")
    for column in ("search_text", "hs_codes", "declared_at"):
        op.execute(f"ALTER TABLE cases DROP COLUMN {column}")
    op.add_column("cases", sa.Column("decision", sa.JSON))
    op.execute(
        "UPDATE cases SET decision = "
        "(SELECT decision FROM case_decisions WHERE case_decisions.case_id = cases.id)"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("cases", "decision", nullable=False)
    op.drop_table("case_decisions")
