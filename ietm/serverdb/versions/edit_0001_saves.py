"""edit: the saves of the browser editor (who saved which issue of which module, when, and its check state).

Revision ID: edit_0001
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "edit_0001"
down_revision = None
branch_labels = ("edit",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "edit_saves",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("module", sa.String(200), nullable=False),
        sa.Column("language", sa.String(20), nullable=False),
        sa.Column("issue", sa.String(10), nullable=False),
        sa.Column("file", sa.String(300), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("base_sha256", sa.String(64)),
        sa.Column("writer", sa.String(64), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("upissued", sa.Boolean, nullable=False),
        sa.Column("errors", sa.Integer, nullable=False),
        sa.Column("warnings", sa.Integer, nullable=False),
        sa.Column("findings", sa.Text, nullable=False),
    )
    op.create_index("ix_edit_saves_module", "edit_saves", ["module"])
    op.create_index("ix_edit_saves_writer", "edit_saves", ["writer"])


def downgrade() -> None:
    op.drop_table("edit_saves")
