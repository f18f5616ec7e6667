"""Sign-in limits kept in the store, and tokens that expire.

`login_limits` counts failed sign-ins per key (`user:NAME`, `client:ADDRESS`) in a window, so
the limit holds across processes and restarts. `api_tokens` gains `kind` (`api` or `session`:
a web session's cookie is not accepted as a bearer token) and `expires_at`. Tokens made before
this migration get the lifetimes new ones get, counted from when they were made: web sessions
12 hours, API tokens 90 days.

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-14
"""

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

SESSION_LABEL = "web session"  # what the web's sign-in labelled its tokens


def upgrade() -> None:
    op.create_table(
        "login_limits",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("window_start", sa.Float, nullable=False, index=True),
        sa.Column("failures", sa.Integer, nullable=False),
    )
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("kind", sa.String(10), nullable=False, server_default="api"))
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True)))
    tokens = sa.table(
        "api_tokens",
        sa.column("token_sha256", sa.String),
        sa.column("label", sa.Text),
        sa.column("kind", sa.String),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("expires_at", sa.DateTime(timezone=True)),
    )
    bind = op.get_bind()
    for digest, label, created in bind.execute(
        sa.select(tokens.c.token_sha256, tokens.c.label, tokens.c.created_at)
    ).all():
        session = label == SESSION_LABEL
        lifetime = timedelta(hours=12) if session else timedelta(days=90)
        bind.execute(
            tokens.update()
            .where(tokens.c.token_sha256 == digest)
            .values(kind="session" if session else "api", expires_at=created + lifetime)
        )


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("expires_at")
        batch.drop_column("kind")
    op.drop_table("login_limits")
