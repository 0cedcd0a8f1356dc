"""Usage events in the server database (branch `usage` of ietm/serverdb/versions)."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Float, String, Table

from ietm.serverdb import metadata

events = Table(
    "usage_events", metadata,
    Column("id", String(64), primary_key=True),  # the event's key, made on the device: sent twice, counted once
    Column("kind", String(16), nullable=False, index=True),  # open | procedure | fault | remark
    Column("module", String(200), nullable=False, index=True),  # data module code (DMC-...)
    Column("issue", String(10)),
    Column("language", String(20)),
    Column("release", String(200), nullable=False, index=True),  # "" for the unreleased state of the CSDB
    Column("model", String(100), nullable=False, index=True),  # the product model, "" when not known
    Column("product", String(100)),  # the product instance chosen in the picker
    Column("delivery", String(40), index=True),  # the delivery whose bundle reported it
    Column("customer", String(200)),
    Column("source", String(16), nullable=False),  # viewer | bundle
    Column("who", String(200)),  # personal: the user, or the work record's technician; shown to admin only
    Column("at", Float, nullable=False),  # when it happened, by the device's clock
    Column("received", Float, nullable=False, index=True),
    Column("detail", JSON, nullable=False),
)
