"""Accounts: Argon2id hashes in a real SQLite file, fresh sessions at every login, throttled guessing."""

from __future__ import annotations

import json
import os
import sqlite3

import pytest

from clirun import ietm
from ietm.accounts import Accounts
from ietm.errors import InputError, Refused


@pytest.fixture
def accounts(tmp_path):
    return Accounts(tmp_path / "accounts.sqlite")


def test_password_is_hashed_with_argon2id(accounts, tmp_path):
    accounts.add("olga", "writer", "correct horse battery", "02")
    stored = sqlite3.connect(tmp_path / "accounts.sqlite").execute("SELECT password FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$") and "correct horse" not in stored


def test_login_gives_a_new_session_each_time_and_logout_ends_it(accounts):
    accounts.add("olga", "writer", "correct horse battery")
    first = accounts.login("olga", "correct horse battery", "127.0.0.1")
    second = accounts.login("olga", "correct horse battery", "127.0.0.1")
    assert first.token != second.token and first.csrf != second.csrf
    assert accounts.session(first.token).user.name == "olga"
    accounts.logout(first.token)
    assert accounts.session(first.token) is None and accounts.session(second.token) is not None
    accounts.set_password("olga", "another long secret")
    assert accounts.session(second.token) is None


def test_wrong_password_and_throttling(accounts):
    accounts.add("ivan", "technician", "correct horse battery")
    for _ in range(5):
        assert accounts.login("ivan", "wrong guess", "10.0.0.9") is None
    with pytest.raises(Refused, match="too many failed logins"):
        accounts.login("ivan", "correct horse battery", "10.0.0.9")


def test_roles_and_clearance(accounts):
    qa = accounts.add("qa1", "qa", "correct horse battery", "03")
    assert qa.may("writer") and qa.may("technician") and not qa.may("admin")
    assert qa.cleared_for("03") and not qa.cleared_for("04")
    with pytest.raises(InputError):
        accounts.add("x", "pilot", "correct horse battery")
    with pytest.raises(InputError):
        accounts.add("<script>", "writer", "correct horse battery")
    with pytest.raises(Refused):
        accounts.add("qa1", "qa", "correct horse battery")


def test_user_command(tmp_path):
    csdb = tmp_path / "csdb"
    csdb.mkdir()
    env = {**os.environ, "IETM_PASSWORD": "correct horse battery"}
    r = ietm("user", "add", "olga", "--role", "writer", "--clearance", "02", "--csdb", csdb, env=env)
    assert r.code == 0 and "added olga (writer, clearance 02)" in r.out
    again = ietm("user", "add", "olga", "--role", "writer", "--csdb", csdb, env=env)
    assert again.code == 6 and "exists already" in again.err
    rows = json.loads(ietm("user", "list", "--csdb", csdb, "--format", "json").out)
    assert rows == [{"name": "olga", "role": "writer", "clearance": "02"}]
    short = ietm("user", "add", "ivan", "--role", "qa", "--csdb", csdb, env={**os.environ, "IETM_PASSWORD": "short"})
    assert short.code == 3 and "at least 10 characters" in short.err and "short" not in short.err.replace("characters", "")
