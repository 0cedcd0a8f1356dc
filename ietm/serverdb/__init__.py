"""The shared server's own database: one engine over SQLite (default) or PostgreSQL, moved forward by Alembic.

The CSDB files are the source of truth for content and the catalog is their cache; this database holds what
only the server knows and what every worker process (and every machine behind a load balancer) must see
alike: accounts and sessions, login throttling, the QA queue's state, orders, deliveries, the signing
register, usage, the audit log, and the events that tell other workers a page or cache changed.

Conventions for a feature that keeps state here (accounts, orders, ...):

- **Tables** are declared once, with SQLAlchemy Core, on the shared `metadata`, in the feature's own module
  `ietm/<feature>/tables.py` (tests import every `ietm.*.tables` module and check the migrated database
  matches them). Give strings a length (`String(64)`), times as `Float` seconds since the epoch
  (`time.time()`), structured values as `JSON`; name no column after an SQL keyword (`user`, `order`)
  nor after a method of a column collection (`keys`, `items`, `get`).
- **Migrations** are written by hand in `ietm/serverdb/versions/<feature>_NNNN_<what>.py` with
  `revision = "<feature>_NNNN"`; the first of a feature has `down_revision = None` and
  `branch_labels = ("<feature>",)`, each later one `down_revision = "<feature>_NNNN"` of the one before.
  A migration spells its tables out with `op.create_table` (it never imports the feature's module: a
  migration is frozen at the time it was written). `open_database` runs `alembic upgrade heads` (every
  branch) under a lock, so several workers starting at once migrate once.
- **Transactions**: `db.begin()` for writes (on SQLite it takes the write lock at once: keep it short, never
  hold it across Argon2, file writes or network calls), `db.read()` for reads. Read-modify-write of one row:
  `select(...).with_for_update()` (PostgreSQL locks the row; SQLite writers are serialised anyway).
  Idempotent inserts (a retried submission, an idempotency key): `insert_or_ignore`, decided by the database.
  A question asked on every request (the change log, a session): `db.first(sql, *params)`, plain SQL with
  `?` placeholders on a pooled connection, ten times quicker than a Core query; keep it to such questions.
- **Portability**: Core expressions only, no dialect SQL, so every query runs on SQLite and PostgreSQL alike;
  the server tests run against both (`server_db` fixture in tests/conftest.py).
"""

from ietm.serverdb.engine import Database, database_url, insert_or_ignore, metadata, open_database, server_database

__all__ = ["Database", "database_url", "insert_or_ignore", "metadata", "open_database", "server_database"]
