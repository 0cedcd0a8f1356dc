"""The shared server's own database: one engine over SQLite (default) or PostgreSQL, moved forward by Alembic.

The CSDB files are the source of truth for content and the catalog is their cache; this database holds what
only the server knows and what every worker process (and every machine behind a load balancer) must see
alike: accounts and sessions, login throttling, the QA queue's state, orders, deliveries, the signing
register, usage, and the events that tell other workers a page or cache changed.

Each feature declares its tables once, on the shared `metadata`, in its own module, and adds its migrations
to `versions/` on a branch labelled with its name (`accounts`, `orders`, ...). `open_database` upgrades every
branch to its head before the server answers, under a lock, so several workers starting at once migrate once.
"""

from ietm.serverdb.engine import Database, database_url, metadata, open_database

__all__ = ["Database", "database_url", "metadata", "open_database"]
