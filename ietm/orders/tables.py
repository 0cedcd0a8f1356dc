"""The orders' tables in the server database (branch `orders` of ietm/serverdb/versions).

An order and its lines are written in one transaction with the submission's idempotency key, so a retried or
doubled submission finds the order it already made. Every change is an `order_events` row written in the same
transaction as the change: the technician's notices and the audit log are both driven from it. The ERP
message of an approved order is an `order_deliveries` row (the outbox), written with the approval and worked
off by whichever server process claims it first.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Float, ForeignKey, Integer, String, Table, UniqueConstraint, false

from ietm.serverdb import metadata

orders = Table(
    "orders", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner", String(64), nullable=False, index=True),  # the technician's user name
    Column("client_key", String(64), nullable=False),  # the submission's idempotency key, chosen by the device
    Column("body_hash", String(64), nullable=False),  # SHA-256 of the submission: a key reused for another body is refused
    Column("product_id", String(128), nullable=False),
    Column("model", String(128), nullable=False, server_default=""),
    Column("serial", String(128), nullable=False, server_default=""),
    Column("assigns", JSON, nullable=False),  # the product's attribute values at the time of the order
    Column("urgency", String(16), nullable=False),
    Column("work_order", String(64), nullable=False, server_default=""),
    Column("remark", String(2000), nullable=False, server_default=""),
    Column("language", String(8), nullable=False, server_default=""),
    Column("status", String(16), nullable=False, index=True),
    Column("reason", String(2000), nullable=False, server_default=""),  # why it was rejected
    Column("submitted", Float, nullable=False, index=True),
    Column("updated", Float, nullable=False),
    Column("decided_by", String(64), nullable=True),
    UniqueConstraint("owner", "client_key", name="uq_orders_owner_client_key"),
)

#: purchase lines consolidated per supplier (manufacturer code) from approved lines of several orders
purchases = Table(
    "order_purchases", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("supplier", String(16), nullable=False),
    Column("created", Float, nullable=False),
    Column("created_by", String(64), nullable=False),
)

lines = Table(
    "order_lines", metadata,
    Column("order_id", Integer, ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
    Column("line", Integer, primary_key=True),
    Column("part_number", String(64), nullable=False, index=True),
    Column("cage", String(16), nullable=False, server_default=""),
    Column("name", String(500), nullable=False, server_default=""),
    Column("quantity", Float, nullable=False),
    Column("unit", String(16), nullable=False, server_default=""),
    Column("note", String(1000), nullable=False, server_default=""),
    Column("source_kind", String(16), nullable=False),  # ipd | spare | supply | remedy | repository
    Column("source_module", String(80), nullable=False, server_default=""),
    Column("source_figure", String(16), nullable=False, server_default=""),
    Column("source_item", String(32), nullable=False, server_default=""),
    Column("per_assembly", String(16), nullable=False, server_default=""),  # quantity per next higher assembly
    Column("state", String(16), nullable=False),  # pending | approved | rejected
    Column("approved_qty", Float, nullable=True),
    Column("substitute_pn", String(64), nullable=True),
    Column("substitute_cage", String(16), nullable=True),
    Column("reason", String(1000), nullable=False, server_default=""),
    Column("received_qty", Float, nullable=True),
    Column("purchase_id", Integer, ForeignKey("order_purchases.id"), nullable=True, index=True),
)

events = Table(
    "order_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_id", Integer, ForeignKey("orders.id", ondelete="CASCADE"), nullable=True, index=True),  # None: stock and purchases
    Column("at", Float, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("detail", JSON, nullable=False),
    Column("seen", Boolean, nullable=False, server_default=false()),  # the order's owner has been told of it
    Column("audited_seq", Integer, nullable=True, index=True),  # its entry in the audit log, once written there
)

deliveries = Table(
    "order_deliveries", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_id", Integer, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("key", String(64), nullable=False, unique=True),  # the Idempotency-Key header the ERP sees
    Column("payload", JSON, nullable=False),
    Column("state", String(16), nullable=False, index=True),  # pending | delivered | failed
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt", Float, nullable=False),
    Column("lease_until", Float, nullable=True),  # a worker is sending it until then
    Column("lease_owner", String(64), nullable=True),
    Column("last_status", Integer, nullable=True),
    Column("last_error", String(1000), nullable=False, server_default=""),
    Column("created", Float, nullable=False),
    Column("delivered", Float, nullable=True),
)

stock = Table(
    "order_stock", metadata,
    Column("part_number", String(64), primary_key=True),
    Column("cage", String(16), primary_key=True),  # "" when the stock list names no manufacturer
    Column("quantity", Float, nullable=False),
    Column("unit", String(16), nullable=False, server_default=""),
    Column("location", String(128), nullable=False, server_default=""),
    Column("updated", Float, nullable=False),
    Column("updated_by", String(64), nullable=False),
)
