"""The previous version's accounts file (`<csdb>/.ietm/accounts.sqlite`) moved into the server database.

Users keep their names, roles, clearances and password hashes; open sessions stay open. Each file is moved
once (its path is recorded in the same transaction), so a user removed later is not brought back, and several
workers starting at once move it once. The file itself is left in place, untouched, as a backup.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from datetime import datetime
from pathlib import Path

from ietm.accounts.tables import imported, sessions, users
from ietm.errors import ConfigError
from ietm.serverdb import Database, insert_or_ignore

log = logging.getLogger("ietm.accounts")


def _epoch(iso: str | None) -> float:
    try:
        return datetime.fromisoformat(iso).timestamp() if iso else time.time()
    except ValueError:
        return time.time()


def move_forward(db: Database, legacy: Path) -> int:
    """Copy users and open sessions of `legacy` into `db` unless done before; returns the users moved."""
    if not legacy.is_file():
        return 0
    source = str(legacy.resolve())
    try:
        old = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            old.row_factory = sqlite3.Row
            old_users = old.execute("SELECT name, role, clearance, password, created FROM users").fetchall()
            old_sessions = old.execute("SELECT id_hash, user, csrf, expires FROM sessions WHERE expires > ?",
                                       (time.time(),)).fetchall()
        finally:
            old.close()
    except sqlite3.Error as exc:
        raise ConfigError(f"cannot read the previous accounts file: {exc}", source) from None
    with db.begin() as conn:
        if not insert_or_ignore(conn, imported, source=source, at=time.time()):
            return 0  # moved before (maybe by another worker just now)
        moved = sum(
            insert_or_ignore(conn, users, name=u["name"], role=u["role"], clearance=u["clearance"] or "01",
                             password=u["password"], created=_epoch(u["created"]))
            for u in old_users
        )
        for s in old_sessions:
            insert_or_ignore(conn, sessions, id_hash=s["id_hash"], username=s["user"], csrf=s["csrf"],
                             expires=float(s["expires"]))
    log.warning("moved %d user(s) from %s into the server database; that file is no longer read", moved, source)
    return moved
