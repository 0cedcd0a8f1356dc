"""Telling the running servers of a CSDB what a catalog refresh found changed, at the cost of a stat or two
where there are none: the database libraries load only when the CSDB has a server database.

A command's refresh (`ietm import`, `ietm check`, `ietm publish` after a hand edit ...) records its change in the
server database's change log (ietm.serverdb.changes), which every worker follows before each request."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from ietm.catalog.db import Catalog
from ietm.errors import IetmError
from ietm.paths import TEST_POSTGRES, state_dir


def may_be_served(csdb: Path) -> bool:
    """A server database is configured, or a server made one in the state folder (ietm.serverdb.database_url)."""
    if os.environ.get(TEST_POSTGRES) or (state_dir(csdb) / "server.sqlite").is_file():
        return True
    from ietm.config import load_config

    try:
        return bool(load_config(csdb).get("server.database"))
    except IetmError:  # settings that do not read: the command itself says so
        return False


def tell(csdb: Path, keys: Iterable[str]) -> None:
    """Record changed objects for the CSDB's running servers, if it may have any."""
    if may_be_served(csdb):
        from ietm.serverdb.changes import tell_servers

        tell_servers(csdb, keys)


def refresh_for_servers(paths: Iterable[Path]) -> None:
    """After a command wrote or checked files of a CSDB without reading its catalog (`ietm import`, `ietm sign`,
    `ietm validate` after a hand edit): the catalog of each CSDB holding them that servers may be running on is
    brought up to date, which records what changed for those servers (Catalog.refresh)."""
    for root in {r for p in paths if (r := catalogued_root(p)) is not None}:
        if may_be_served(root):
            catalog = Catalog.open(root)
            try:
                catalog.refresh()
            finally:
                catalog.close()


def catalogued_root(path: Path) -> Path | None:
    """The CSDB a file or folder is in: the nearest folder, itself or above, that has a catalog."""
    here = path.resolve()
    for folder in ([here] if here.is_dir() else []) + list(here.parents):
        if (state_dir(folder) / "catalog.sqlite").is_file():
            return folder
    return None
