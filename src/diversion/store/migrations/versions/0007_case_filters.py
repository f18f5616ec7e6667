"""What the queue is filtered by, beside each case: its parties' names, folded (so that
`ТОО «Беркут»` is found by `berkut` on SQLite as on PostgreSQL), and its decision's reason codes.
Filled from the screened declarations and the decisions already kept.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from diversion.store.case_index import party_text, reason_text

    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("parties", sa.Text, nullable=False, server_default=""))
        batch.add_column(sa.Column("reason_codes", sa.Text, nullable=False, server_default=""))
    bind = op.get_bind()
    cases = sa.table(
        "cases",
        sa.column("id", sa.Integer),
        sa.column("declaration_id", sa.String),
        sa.column("decision", sa.JSON),
        sa.column("parties", sa.Text),
        sa.column("reason_codes", sa.Text),
    )
    screened = sa.table(
        "screened_declarations",
        sa.column("declaration_id", sa.String),
        sa.column("declaration", sa.JSON),
    )
    rows = bind.execute(
        sa.select(cases.c.id, cases.c.decision, screened.c.declaration).select_from(
            cases.outerjoin(screened, screened.c.declaration_id == cases.c.declaration_id)
        )
    ).all()
    for case_id, decision, declaration in rows:
        bind.execute(
            cases.update()
            .where(cases.c.id == case_id)
            .values(parties=party_text(declaration or {}), reason_codes=reason_text(decision))
        )


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("reason_codes")
        batch.drop_column("parties")
