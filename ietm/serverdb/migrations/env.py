"""Alembic's entry point for ietm: always called from `ietm.serverdb.engine.upgrade` with a live connection."""

from alembic import context

from ietm.serverdb.engine import metadata

connection = context.config.attributes["connection"]
# render_as_batch: SQLite alters a table by copying it, and Alembic does that for us
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
