"""The CSDB's change log in the server database (`csdb_changes`): what tells every running server worker that
objects changed, whoever changed them — a worker (an upload, a save, a QA signature, a watched edit) or a
command (`ietm import`, `ietm validate` after a hand edit, `ietm publish`, ...).

Each worker compares the newest entry with the last it took in before it answers a request (ietm.web.changes)
and reads the objects named again from the catalog. So an entry is written after the catalog holds the change,
and a command writes one whenever its catalog refresh found objects added, changed or removed
(ietm.catalog.db.Catalog.refresh, through ietm.catalog.servers), into the database of the CSDB's server — the
`[server] database`, or the SQLite file in the state folder when a server ever made it; where no server ever
ran, a command makes none.
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path
from typing import Iterable

import click
from sqlalchemy import JSON, Column, Connection, Float, Integer, String, Table, insert
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from ietm.config import load_config
from ietm.errors import IetmError
from ietm.i18n import t, terminal_language, words
from ietm.paths import state_dir
from ietm.serverdb.engine import database_url, make_engine, metadata

#: the process that made a change, as the change log names it
ORIGIN = f"{socket.gethostname()}:{os.getpid()}"

#: one row per change of the CSDB, made by a server worker or a command
csdb_changes = Table(
    "csdb_changes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("origin", String(128), nullable=False),  # host:pid of the worker or command that made it
    Column("changed", JSON, nullable=False),  # catalog keys of the objects changed
)

#: how long a command waits for a PostgreSQL server that does not answer before it gives up telling
CONNECT_TIMEOUT_S = 10

words({
    "servers_not_told": (
        "warning: running servers of this CSDB were not told of {count} changed object(s) and show them "
        "after a restart or their next change ({reason})",
        "предупреждение: работающие серверы этой CSDB не узнали об изменении объектов ({count}) и покажут "
        "их после перезапуска или следующего изменения ({reason})",
    ),
})


def record_change(conn: Connection, keys: Iterable[str], at: float | None = None) -> int:
    """One entry naming the catalog keys changed; its number."""
    return conn.execute(insert(csdb_changes).values(at=at or time.time(), origin=ORIGIN, changed=sorted(keys))
                        .returning(csdb_changes.c.id)).scalar_one()


_warned: set[Path] = set()  # CSDBs whose servers this process could not tell (said once)


def tell_servers(csdb: Path, keys: Iterable[str]) -> bool:
    """Record a command's change of the CSDB for its running servers; True when recorded.

    Nothing happens where no server database exists. A database that cannot be reached does not stop the
    command: one line on standard error says the servers were not told."""
    keys = sorted(keys)
    if not keys:
        return False
    try:
        url = _existing_database(csdb)
    except IetmError:  # settings that do not read: the command itself says so
        return False
    if not url:
        return False
    engine = None
    try:
        engine = _engine(url)
        with engine.begin() as conn:
            if not engine.dialect.has_table(conn, csdb_changes.name):  # a database no server has used yet
                return False
            record_change(conn, keys)
        return True
    except (SQLAlchemyError, IetmError, OSError) as exc:
        if csdb not in _warned:
            _warned.add(csdb)
            click.echo(t("servers_not_told", terminal_language(), count=len(keys), reason=_reason(exc)), err=True)
        return False
    finally:
        if engine is not None:
            engine.dispose()


def _existing_database(csdb: Path) -> str:
    """The URL of the CSDB's server database, "" when there is none to tell (no server ever made it)."""
    url = database_url(load_config(csdb), state_dir(csdb), create=False)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        return url if path.is_file() else ""
    return url


def _engine(url: str) -> Engine:
    """An engine for one insert: the server's settings, and a bounded wait for a PostgreSQL that does not answer."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        parsed = parsed.update_query_dict({"connect_timeout": str(CONNECT_TIMEOUT_S)})
    return make_engine(parsed.render_as_string(hide_password=False))


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
