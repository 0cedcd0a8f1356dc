"""web: the CSDB's change log that every worker follows, and the live-preview problems of changed pages

Revision ID: web_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "web_0001"
down_revision = None
branch_labels = ("web",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "csdb_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("origin", sa.String(128), nullable=False),
        sa.Column("changed", sa.JSON, nullable=False),
    )
    op.create_table(
        "live_problems",
        sa.Column("address", sa.String(255), primary_key=True),
        sa.Column("findings", sa.JSON, nullable=False),
        sa.Column("at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("live_problems")
    op.drop_table("csdb_changes")
