"""Accounts of the shared server: users, roles, clearances, sessions and login throttling (server database)."""

from __future__ import annotations

import os
from pathlib import Path

from ietm.accounts.legacy import move_forward
from ietm.accounts.roles import ANONYMOUS, PERMISSIONS, ROLES, SECURITY_CLASSES, User
from ietm.accounts.store import Accounts, Session, Throttled
from ietm.config import Config, load_config
from ietm.paths import state_dir
from ietm.serverdb import Database, server_database

__all__ = ["ANONYMOUS", "PERMISSIONS", "ROLES", "SECURITY_CLASSES", "Accounts", "Session", "Throttled", "User",
           "accounts_over", "open_accounts"]


def _legacy_file(config: Config, csdb: Path) -> Path:
    """Where the previous version kept the accounts: the retired `serve.accounts`, else the state folder."""
    configured = config.retired.get("serve.accounts")
    if configured:
        base = config.source.parent if config.source else Path.cwd()
        return base / os.path.expanduser(configured)
    return state_dir(csdb) / "accounts.sqlite"


def accounts_over(db: Database, config: Config, csdb: Path) -> Accounts:
    """The accounts in `db`, with the previous version's accounts file of this CSDB moved in first (once)."""
    move_forward(db, _legacy_file(config, Path(csdb)))
    return Accounts(db)


def open_accounts(csdb: Path, config: Config | None = None) -> Accounts:
    """The accounts of the server of a CSDB (for commands and tests; the web app shares its own database)."""
    config = config or load_config(Path(csdb))
    return accounts_over(server_database(Path(csdb), config), config, Path(csdb))
