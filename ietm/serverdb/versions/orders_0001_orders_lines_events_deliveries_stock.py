"""orders: spare-part orders and their lines, events, ERP deliveries (outbox), stock, consolidated purchases

Revision ID: orders_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "orders_0001"
down_revision = None
branch_labels = ("orders",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "orders",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("client_key", sa.String(64), nullable=False),
        sa.Column("body_hash", sa.String(64), nullable=False),
        sa.Column("product_id", sa.String(128), nullable=False),
        sa.Column("model", sa.String(128), nullable=False, server_default=""),
        sa.Column("serial", sa.String(128), nullable=False, server_default=""),
        sa.Column("assigns", sa.JSON, nullable=False),
        sa.Column("urgency", sa.String(16), nullable=False),
        sa.Column("work_order", sa.String(64), nullable=False, server_default=""),
        sa.Column("remark", sa.String(2000), nullable=False, server_default=""),
        sa.Column("language", sa.String(8), nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(2000), nullable=False, server_default=""),
        sa.Column("submitted", sa.Float, nullable=False),
        sa.Column("updated", sa.Float, nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.UniqueConstraint("owner", "client_key", name="uq_orders_owner_client_key"),
    )
    op.create_index("ix_orders_owner", "orders", ["owner"])
    op.create_index("ix_orders_status", "orders", ["status"])
    op.create_index("ix_orders_submitted", "orders", ["submitted"])
    op.create_table(
        "order_purchases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("supplier", sa.String(16), nullable=False),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
    )
    op.create_table(
        "order_lines",
        sa.Column("order_id", sa.Integer, sa.ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("line", sa.Integer, primary_key=True),
        sa.Column("part_number", sa.String(64), nullable=False),
        sa.Column("cage", sa.String(16), nullable=False, server_default=""),
        sa.Column("name", sa.String(500), nullable=False, server_default=""),
        sa.Column("quantity", sa.Float, nullable=False),
        sa.Column("unit", sa.String(16), nullable=False, server_default=""),
        sa.Column("note", sa.String(1000), nullable=False, server_default=""),
        sa.Column("source_kind", sa.String(16), nullable=False),
        sa.Column("source_module", sa.String(80), nullable=False, server_default=""),
        sa.Column("source_figure", sa.String(16), nullable=False, server_default=""),
        sa.Column("source_item", sa.String(32), nullable=False, server_default=""),
        sa.Column("per_assembly", sa.String(16), nullable=False, server_default=""),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("approved_qty", sa.Float, nullable=True),
        sa.Column("substitute_pn", sa.String(64), nullable=True),
        sa.Column("substitute_cage", sa.String(16), nullable=True),
        sa.Column("reason", sa.String(1000), nullable=False, server_default=""),
        sa.Column("received_qty", sa.Float, nullable=True),
        sa.Column("purchase_id", sa.Integer, sa.ForeignKey("order_purchases.id"), nullable=True),
    )
    op.create_index("ix_order_lines_part_number", "order_lines", ["part_number"])
    op.create_index("ix_order_lines_purchase_id", "order_lines", ["purchase_id"])
    op.create_table(
        "order_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("order_id", sa.Integer, sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=True),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
        sa.Column("seen", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("audited_seq", sa.Integer, nullable=True),
    )
    op.create_index("ix_order_events_order_id", "order_events", ["order_id"])
    op.create_index("ix_order_events_audited_seq", "order_events", ["audited_seq"])
    op.create_table(
        "order_deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("order_id", sa.Integer, sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, unique=True),
        sa.Column("key", sa.String(64), nullable=False, unique=True),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt", sa.Float, nullable=False),
        sa.Column("lease_until", sa.Float, nullable=True),
        sa.Column("lease_owner", sa.String(64), nullable=True),
        sa.Column("last_status", sa.Integer, nullable=True),
        sa.Column("last_error", sa.String(1000), nullable=False, server_default=""),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("delivered", sa.Float, nullable=True),
    )
    op.create_index("ix_order_deliveries_state", "order_deliveries", ["state"])
    op.create_table(
        "order_stock",
        sa.Column("part_number", sa.String(64), primary_key=True),
        sa.Column("cage", sa.String(16), primary_key=True),
        sa.Column("quantity", sa.Float, nullable=False),
        sa.Column("unit", sa.String(16), nullable=False, server_default=""),
        sa.Column("location", sa.String(128), nullable=False, server_default=""),
        sa.Column("updated", sa.Float, nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("order_stock")
    op.drop_table("order_deliveries")
    op.drop_table("order_events")
    op.drop_table("order_lines")
    op.drop_table("order_purchases")
    op.drop_table("orders")
