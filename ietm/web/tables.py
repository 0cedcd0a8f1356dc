"""The web server's tables in the server database (branch `web` of ietm/serverdb/versions): the CSDB's change
log, which every worker follows to stay current, and the live-preview problems of changed pages."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Float, Integer, String, Table

from ietm.serverdb import metadata

#: one row per change of the CSDB made through any worker (upload, remark, QA signature, a watched edit)
csdb_changes = Table(
    "csdb_changes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("origin", String(128), nullable=False),  # host:pid of the worker that made it
    Column("changed", JSON, nullable=False),  # catalog keys of the objects changed
)

#: what the checks found in each changed page, shown on it under live preview
live_problems = Table(
    "live_problems", metadata,
    Column("address", String(255), primary_key=True),  # /dm/<code> or /pm/<code>
    Column("findings", JSON, nullable=False),
    Column("at", Float, nullable=False),
)
