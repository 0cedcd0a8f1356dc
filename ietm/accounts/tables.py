"""The accounts' tables in the server database (branch `accounts` of ietm/serverdb/versions)."""

from __future__ import annotations

from sqlalchemy import Column, Float, ForeignKey, Integer, String, Table

from ietm.serverdb import metadata

users = Table(
    "users", metadata,
    Column("name", String(64), primary_key=True),
    Column("role", String(32), nullable=False),
    Column("clearance", String(2), nullable=False, server_default="01"),  # highest security class the user may read
    Column("password", String(255), nullable=False),  # Argon2id hash
    Column("created", Float, nullable=False),
)

sessions = Table(
    "sessions", metadata,
    Column("id_hash", String(64), primary_key=True),  # SHA-256 of the cookie value; the value itself is never stored
    Column("username", String(64), ForeignKey("users.name", ondelete="CASCADE"), nullable=False, index=True),
    Column("csrf", String(64), nullable=False),
    Column("expires", Float, nullable=False, index=True),
)

#: failed logins per (name, client address): each failure past the free ones doubles the wait before the next try
login_throttle = Table(
    "login_throttle", metadata,
    Column("name", String(64), primary_key=True),
    Column("address", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure", Float, nullable=False, index=True),
    Column("not_before", Float, nullable=False),
)

#: accounts files of the previous version already moved into this database (each is moved once)
imported = Table(
    "accounts_imported", metadata,
    Column("source", String(1024), primary_key=True),
    Column("at", Float, nullable=False),
)
