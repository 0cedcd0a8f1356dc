"""Accounts in the server database (a real SQLite file, a real PostgreSQL): Argon2id hashes, fresh sessions at
every login, throttled guessing that never locks a user out, roles that are not a ladder, and the move forward
from the previous version's accounts file."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from clirun import ietm
from ietm.accounts import Accounts, Throttled, open_accounts
from ietm.accounts.store import FREE_TRIES, LONGEST_WAIT, wait_after
from ietm.accounts.tables import login_throttle, users
from ietm.errors import InputError, NotFound, Refused
from ietm.paths import state_dir
from ietm.serverdb import open_database

PASSWORD = "correct horse battery"


@pytest.fixture
def csdb(tmp_path, db_url):
    folder = tmp_path / "csdb"
    folder.mkdir()
    (folder / "ietm.toml").write_text(f'[server]\ndatabase = "{db_url}"\n')
    return folder


@pytest.fixture
def accounts(csdb):
    opened = open_accounts(csdb)
    yield opened
    opened.db.dispose()


def _time_passes(accounts: Accounts) -> None:
    """Every wait ends now (the throttle's clock moved on, as a real wait would move it)."""
    with accounts.db.begin() as conn:
        conn.execute(update(login_throttle).values(not_before=0))


def _wait_set(accounts: Accounts, name: str, address: str) -> tuple[int, float]:
    """The failures counted for (name, address) and the wait they set after the last one."""
    with accounts.db.read() as conn:
        row = conn.execute(select(login_throttle.c.failures, login_throttle.c.not_before - login_throttle.c.last_failure)
                           .where(login_throttle.c.name == name, login_throttle.c.address == address)).one()
    return row[0], round(row[1], 3)


def test_password_is_hashed_with_argon2id(accounts):
    accounts.add("olga", "writer", PASSWORD, "02")
    with accounts.db.read() as conn:
        stored = conn.execute(select(users.c.password)).scalar_one()
    assert stored.startswith("$argon2id$") and "correct horse" not in stored


def test_sessions_are_shared_by_every_worker(accounts, csdb):
    accounts.add("olga", "writer", PASSWORD)
    first = accounts.login("olga", PASSWORD, "127.0.0.1")
    second = accounts.login("olga", PASSWORD, "127.0.0.1")
    assert first.token != second.token and first.csrf != second.csrf
    other_worker = open_accounts(csdb)  # a second process opens the same database
    try:
        assert other_worker.session(first.token).user.name == "olga"
        accounts.logout(first.token)
        assert other_worker.session(first.token) is None and other_worker.session(second.token) is not None
        other_worker.set_password("olga", "another long secret")
        assert accounts.session(second.token) is None
    finally:
        other_worker.db.dispose()


def test_guessing_is_slowed_for_that_name_from_that_address_only(accounts):
    accounts.add("qa1", "qa", PASSWORD)
    accounts.add("ivan", "technician", PASSWORD)
    for _ in range(FREE_TRIES):
        assert accounts.login("qa1", "wrong guess!", "10.0.0.9") is None
    with pytest.raises(Throttled) as waiting:
        accounts.login("qa1", PASSWORD, "10.0.0.9")
    assert 1 <= waiting.value.retry_after <= 2 and waiting.value.http_status == 429
    assert _wait_set(accounts, "qa1", "10.0.0.9") == (FREE_TRIES, 2.0)
    # the attacker's address does not lock the real user out, nor others on that address
    assert accounts.login("qa1", PASSWORD, "10.0.0.7") is not None
    assert accounts.login("ivan", PASSWORD, "10.0.0.9") is not None
    # each further wrong password after a wait doubles the next wait
    _time_passes(accounts)
    assert accounts.login("qa1", "wrong again!", "10.0.0.9") is None
    with pytest.raises(Throttled):
        accounts.login("qa1", "any", "10.0.0.9")
    assert _wait_set(accounts, "qa1", "10.0.0.9") == (FREE_TRIES + 1, 4.0)
    # never a lockout: once the wait is over, the right password works and the count starts again
    _time_passes(accounts)
    assert accounts.login("qa1", PASSWORD, "10.0.0.9") is not None
    assert accounts.login("qa1", "one slip", "10.0.0.9") is None
    assert accounts.login("qa1", PASSWORD, "10.0.0.9") is not None


def test_waits_grow_to_a_bound():
    waits = [wait_after(n) for n in range(1, 30)]
    assert waits[:FREE_TRIES - 1] == [0] * (FREE_TRIES - 1)
    assert all(b >= a for a, b in zip(waits, waits[1:])) and max(waits) == LONGEST_WAIT


def test_roles_are_sets_of_permissions(accounts):
    qa = accounts.add("qa1", "qa", PASSWORD, "03")
    assert qa.may("upload") and qa.may("approve") and not qa.may("manage_users") and not qa.may("handle_orders")
    assert qa.cleared_for("03") and not qa.cleared_for("04")
    clerk = accounts.add("clerk", "supply", PASSWORD)
    assert clerk.may("read") and clerk.may("handle_orders")
    assert not any(clerk.may(p) for p in ("upload", "approve", "remark", "review_remarks", "manage_users"))
    tech = accounts.add("ivan", "technician", PASSWORD)
    assert tech.may("order") and not tech.may("handle_orders")
    with pytest.raises(ValueError, match="unknown permission 'writer'"):
        qa.may("writer")  # a role is not a permission: a route asking for one fails at once
    with pytest.raises(InputError):
        accounts.add("x", "pilot", PASSWORD)
    with pytest.raises(InputError):
        accounts.add("<script>", "writer", PASSWORD)
    with pytest.raises(Refused):
        accounts.add("qa1", "qa", PASSWORD)
    accounts.remove("clerk")
    with pytest.raises(NotFound):
        accounts.remove("clerk")


#: the accounts file of the previous version, as it wrote it
OLD_SCHEMA = """
CREATE TABLE users (name TEXT PRIMARY KEY, role TEXT NOT NULL, clearance TEXT NOT NULL DEFAULT '01',
                    password TEXT NOT NULL, created TEXT NOT NULL);
CREATE TABLE sessions (id_hash TEXT PRIMARY KEY, user TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
                       csrf TEXT NOT NULL, expires REAL NOT NULL);
CREATE TABLE login_failures (who TEXT NOT NULL, at REAL NOT NULL);
"""


def _old_accounts_file(path) -> str:
    """An accounts.sqlite of the previous version with two users and one open session; returns its token."""
    import hashlib

    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    db.executescript(OLD_SCHEMA)
    hasher = PasswordHasher()
    db.execute("INSERT INTO users VALUES ('olga', 'writer', '02', ?, '2024-05-01T10:00:00+00:00')", (hasher.hash(PASSWORD),))
    db.execute("INSERT INTO users VALUES ('boris', 'qa', '03', ?, '2024-05-02T10:00:00+00:00')", (hasher.hash("boris's secret"),))
    token = "an-open-session-token"
    db.execute("INSERT INTO sessions VALUES (?, 'olga', 'csrf-token', ?)",
               (hashlib.sha256(token.encode()).hexdigest(), time.time() + 3600))
    db.execute("INSERT INTO login_failures VALUES ('ip:10.0.0.1', ?)", (time.time(),))
    db.commit()
    db.close()
    return token


def test_previous_accounts_file_is_moved_forward_once(csdb, caplog):
    old = state_dir(csdb) / "accounts.sqlite"
    token = _old_accounts_file(old)
    before = old.read_bytes()
    with caplog.at_level(logging.WARNING, logger="ietm.accounts"):
        accounts = open_accounts(csdb)
    try:
        assert "moved 2 user(s)" in caplog.text
        assert [(u.name, u.role, u.clearance) for u in accounts.users()] == [("boris", "qa", "03"), ("olga", "writer", "02")]
        assert accounts.login("boris", "boris's secret", "10.0.0.1") is not None  # old hashes still verify
        assert accounts.session(token).user.name == "olga"  # still logged in after the upgrade
        assert old.read_bytes() == before  # left as it was: the backup
        accounts.remove("boris")
    finally:
        accounts.db.dispose()
    again = open_accounts(csdb)  # the next start (or another worker) does not bring boris back
    try:
        assert [u.name for u in again.users()] == ["olga"]
    finally:
        again.db.dispose()


def test_retired_accounts_setting_names_the_file_to_move(csdb, caplog):
    _old_accounts_file(csdb / "old" / "people.sqlite")
    toml = csdb / "ietm.toml"
    toml.write_text(toml.read_text() + '[serve]\naccounts = "old/people.sqlite"\n')
    with caplog.at_level(logging.WARNING):
        accounts = open_accounts(csdb)
    try:
        assert "setting 'serve.accounts' is retired" in caplog.text
        assert {u.name for u in accounts.users()} == {"olga", "boris"}
    finally:
        accounts.db.dispose()
    listed = ietm("user", "list", "--csdb", csdb, "--format", "json")
    assert listed.code == 0 and {u["name"] for u in json.loads(listed.out)} == {"olga", "boris"}


def test_user_command(csdb):
    env = {**os.environ, "IETM_PASSWORD": PASSWORD}
    r = ietm("user", "add", "olga", "--role", "writer", "--clearance", "02", "--csdb", csdb, env=env)
    assert r.code == 0 and "added olga (writer, clearance 02)" in r.out
    again = ietm("user", "add", "olga", "--role", "writer", "--csdb", csdb, env=env)
    assert again.code == 6 and "exists already" in again.err
    assert ietm("user", "add", "sveta", "--role", "supply", "--csdb", csdb, env=env).code == 0
    rows = json.loads(ietm("user", "list", "--csdb", csdb, "--format", "json").out)
    assert rows == [{"name": "olga", "role": "writer", "clearance": "02"}, {"name": "sveta", "role": "supply", "clearance": "01"}]
    short = ietm("user", "add", "ivan", "--role", "qa", "--csdb", csdb, env={**os.environ, "IETM_PASSWORD": "short"})
    assert short.code == 3 and "at least 10 characters" in short.err and "short" not in short.err.replace("characters", "")
    roles = json.loads(ietm("user", "roles", "--format", "json").out)
    assert "handle_orders" in roles["supply"] and "upload" not in roles["supply"] and "handle_orders" not in roles["writer"]


def test_accounts_live_in_the_configured_database(csdb, db_url):
    open_accounts(csdb).add("olga", "writer", PASSWORD)
    url = db_url or f"sqlite:///{state_dir(csdb) / 'server.sqlite'}"
    db = open_database(url)
    try:
        assert Accounts(db).get("olga").role == "writer"
    finally:
        db.dispose()
