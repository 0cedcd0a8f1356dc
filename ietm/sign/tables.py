"""The audit log's tables in the server database (branch `sign` of ietm/serverdb/versions).

The log is a hash chain (ietm/sign/audit.py): each entry is kept exactly as it was hashed, one row per entry,
numbered by `seq`; the one row of `audit_head` is the chain's end, which every writer locks before it adds, so
the workers of one server and several servers sharing the database keep one chain.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, String, Table, Text

from ietm.serverdb import metadata

audit_entries = Table(
    "audit_entries", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("hash", String(64), nullable=False),
    Column("entry", Text, nullable=False),  # the entry's JSON, as its hash covers it (with `prev` and `hash`)
)

audit_head = Table(
    "audit_head", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # always 1
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)
