"""usage: events of use (modules opened, procedures completed, faults isolated, remarks made)

Revision ID: usage_0001
Revises:
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "usage_0001"
down_revision = None
branch_labels = ("usage",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "usage_events",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("module", sa.String(200), nullable=False),
        sa.Column("issue", sa.String(10)),
        sa.Column("language", sa.String(20)),
        sa.Column("release", sa.String(200), nullable=False),
        sa.Column("model", sa.String(100), nullable=False),
        sa.Column("product", sa.String(100)),
        sa.Column("delivery", sa.String(40)),
        sa.Column("customer", sa.String(200)),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("who", sa.String(200)),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("received", sa.Float, nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    for column in ("kind", "module", "release", "model", "delivery", "received"):
        op.create_index(f"ix_usage_events_{column}", "usage_events", [column])


def downgrade() -> None:
    op.drop_table("usage_events")
