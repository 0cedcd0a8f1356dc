"""deliveries: customers, deliveries and update packages, the products each holds, receipts

Revision ID: deliveries_0001
Revises:
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "deliveries_0001"
down_revision = None
branch_labels = ("deliveries",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delivery_customers",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("certificate", sa.Text),
        sa.Column("created", sa.Float, nullable=False),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("customer", sa.String(200), sa.ForeignKey("delivery_customers.name"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("base", sa.String(40)),
        sa.Column("release_name", sa.String(200), nullable=False),
        sa.Column("release_created", sa.String(32)),
        sa.Column("release_sha256", sa.String(64), nullable=False),
        sa.Column("bundle_release", sa.String(64), nullable=False),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("signer", sa.String(500), nullable=False),
        sa.Column("output", sa.String(1024), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
    )
    op.create_index("ix_deliveries_customer", "deliveries", ["customer"])
    op.create_index("ix_deliveries_release_sha256", "deliveries", ["release_sha256"])
    op.create_table(
        "delivery_products",
        sa.Column("delivery", sa.String(40), sa.ForeignKey("deliveries.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("product", sa.String(100), primary_key=True),
        sa.Column("model", sa.String(100)),
        sa.Column("serial", sa.String(100)),
        sa.Column("assignment", sa.JSON, nullable=False),
    )
    op.create_index("ix_delivery_products_serial", "delivery_products", ["serial"])
    op.create_table(
        "delivery_receipts",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("delivery", sa.String(40), sa.ForeignKey("deliveries.id", ondelete="CASCADE"), nullable=False),
        sa.Column("received", sa.Float, nullable=False),
        sa.Column("checked_at", sa.String(32)),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("applied", sa.Boolean, nullable=False),
        sa.Column("findings", sa.JSON, nullable=False),
        sa.Column("signature", sa.String(16), nullable=False),
        sa.Column("signer", sa.String(500)),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("recorded_by", sa.String(64)),
    )
    op.create_index("ix_delivery_receipts_delivery", "delivery_receipts", ["delivery"])


def downgrade() -> None:
    op.drop_table("delivery_receipts")
    op.drop_table("delivery_products")
    op.drop_table("deliveries")
    op.drop_table("delivery_customers")
