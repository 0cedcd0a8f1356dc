"""The server database opens, migrates and fails with one line, on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from ietm.errors import ConfigError
from ietm.serverdb import open_database


def test_sqlite_file_is_created_in_wal_mode_and_keeps_what_is_written(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'state' / 'server.sqlite'}"
    db = open_database(url)
    with db.begin() as conn:
        conn.execute(text("CREATE TABLE t (a INTEGER)"))
        conn.execute(text("INSERT INTO t VALUES (1)"))
    db.dispose()
    again = open_database(url)  # a second open (another worker) migrates nothing and sees the same data
    with again.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("mysql://somewhere/ietm", "mysql is not supported"),
        ("::::", "not a database URL"),
        ("postgresql://nobody@127.0.0.1:1/ietm", "cannot open postgresql+psycopg://nobody@127.0.0.1:1/ietm"),
    ],
)
def test_a_wrong_database_is_one_line_naming_it(url: str, says: str) -> None:
    with pytest.raises(ConfigError) as err:
        open_database(url)
    assert says in str(err.value)
    assert "\n" not in str(err.value)
