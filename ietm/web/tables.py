"""The web server's tables in the server database (branch `web` of ietm/serverdb/versions): the CSDB's change
log, which every worker follows to stay current, and the live-preview problems of changed pages."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Float, String, Table

from ietm.serverdb import metadata
from ietm.serverdb.changes import csdb_changes  # the change log, which commands write too

__all__ = ["csdb_changes", "live_problems"]

#: what the checks found in each changed page, shown on it under live preview
live_problems = Table(
    "live_problems", metadata,
    Column("address", String(255), primary_key=True),  # /dm/<code> or /pm/<code>
    Column("findings", JSON, nullable=False),
    Column("at", Float, nullable=False),
)
