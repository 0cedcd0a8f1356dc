"""accounts: users, server-side sessions, login throttling per (name, client address), imported files

Revision ID: accounts_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "accounts_0001"
down_revision = None
branch_labels = ("accounts",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("clearance", sa.String(2), nullable=False, server_default="01"),
        sa.Column("password", sa.String(255), nullable=False),
        sa.Column("created", sa.Float, nullable=False),
    )
    op.create_table(
        "sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(64), sa.ForeignKey("users.name", ondelete="CASCADE"), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("expires", sa.Float, nullable=False),
    )
    op.create_index("ix_sessions_username", "sessions", ["username"])
    op.create_index("ix_sessions_expires", "sessions", ["expires"])
    op.create_table(
        "login_throttle",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("address", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_failure", sa.Float, nullable=False),
        sa.Column("not_before", sa.Float, nullable=False),
    )
    op.create_index("ix_login_throttle_last_failure", "login_throttle", ["last_failure"])
    op.create_table(
        "accounts_imported",
        sa.Column("source", sa.String(1024), primary_key=True),
        sa.Column("at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("accounts_imported")
    op.drop_table("login_throttle")
    op.drop_table("sessions")
    op.drop_table("users")
