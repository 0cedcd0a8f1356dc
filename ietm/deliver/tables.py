"""The register of deliveries in the server database (branch `deliveries` of ietm/serverdb/versions)."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Float, ForeignKey, String, Table, Text

from ietm.serverdb import metadata

customers = Table(
    "delivery_customers", metadata,
    Column("name", String(200), primary_key=True),
    Column("certificate", Text),  # PEM of the customer's signing certificate: their signed receipts are checked with it
    Column("created", Float, nullable=False),
)

deliveries = Table(
    "deliveries", metadata,
    Column("id", String(40), primary_key=True),
    Column("customer", String(200), ForeignKey("delivery_customers.name"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),  # delivery | update
    Column("base", String(40)),  # the delivery an update package applies to
    Column("release_name", String(200), nullable=False),
    Column("release_created", String(32)),
    Column("release_sha256", String(64), nullable=False, index=True),  # of the CSDB's release.manifest
    Column("bundle_release", String(64), nullable=False),  # the published bundle's own release id
    Column("created", Float, nullable=False),
    Column("signer", String(500), nullable=False),
    Column("output", String(1024), nullable=False),  # where the delivery (or update package) was written
    Column("token_hash", String(64), nullable=False),  # SHA-256 of the bundle's key for usage and receipts
    Column("record", JSON, nullable=False),  # the signed delivery record as written (files, objects, required)
)

delivery_products = Table(
    "delivery_products", metadata,
    Column("delivery", String(40), ForeignKey("deliveries.id", ondelete="CASCADE"), primary_key=True),
    Column("product", String(100), primary_key=True),
    Column("model", String(100)),
    Column("serial", String(100), index=True),
    Column("assignment", JSON, nullable=False),
)

receipts = Table(
    "delivery_receipts", metadata,
    Column("id", String(64), primary_key=True),  # the receipt's own key: sent twice, recorded once
    Column("delivery", String(40), ForeignKey("deliveries.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("received", Float, nullable=False),  # when the server recorded it
    Column("checked_at", String(32)),  # when the customer checked (their clock, as they state it)
    Column("verdict", String(16), nullable=False),  # complete | incomplete | tampered
    Column("applied", Boolean, nullable=False),  # an update package applied at the customer's end
    Column("findings", JSON, nullable=False),
    Column("signature", String(16), nullable=False),  # valid | unsigned | invalid | untrusted ... (the customer's)
    Column("signer", String(500)),
    Column("source", String(16), nullable=False),  # bundle | file
    Column("recorded_by", String(64)),  # the user who recorded a receipt file (personal: admin only sees it)
)
