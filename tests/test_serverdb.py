"""The server database opens, migrates and fails with one line, on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from clirun import ietm
from ietm.errors import ConfigError
from ietm.paths import state_dir
from ietm.serverdb import database_url, open_database


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


def _feature_tables() -> None:
    """Import every feature's tables module (`ietm/<feature>/tables.py`), so `metadata` holds them all."""
    import importlib
    import ietm

    root = Path(ietm.__file__).parent
    for module in sorted(root.glob("*/tables.py")):
        importlib.import_module(f"ietm.{module.parent.name}.tables")


def test_migrations_build_exactly_the_declared_tables(tmp_path: Path, db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from ietm.serverdb import metadata

    _feature_tables()
    db = open_database(db_url or f"sqlite:///{tmp_path / 'server.sqlite'}")
    try:
        with db.read() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    finally:
        db.dispose()
    assert diff == [], "the migrations and the tables modules disagree (write a migration):\n" + "\n".join(map(str, diff))


def test_migration_files_follow_the_branch_conventions() -> None:
    import importlib.util
    import re

    from ietm.serverdb.engine import MIGRATIONS

    heads: dict[str, list[str]] = {}
    for path in sorted(MIGRATIONS.glob("*.py")):
        m = re.fullmatch(r"([a-z]+)_(\d{4})_[a-z0-9_]+\.py", path.name)
        assert m, f"{path.name}: name migrations <feature>_NNNN_<what>.py"
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        feature, number = m.group(1), int(m.group(2))
        assert module.revision == f"{feature}_{number:04d}", path.name
        if number == 1:
            assert module.down_revision is None and module.branch_labels == (feature,), path.name
        else:
            assert module.down_revision == f"{feature}_{number - 1:04d}", path.name
        heads.setdefault(feature, []).append(module.revision)
    assert "accounts" in heads


def test_a_database_from_a_newer_version_is_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'server.sqlite'}"
    open_database(url).dispose()
    db = open_database(url)
    with db.begin() as conn:  # as a newer ietm with an `orders` branch would leave it
        conn.execute(text("INSERT INTO alembic_version VALUES ('orders_0009')"))
    db.dispose()
    with pytest.raises(ConfigError) as err:
        open_database(url)
    assert "moved forward by a newer ietm" in str(err.value) and "orders_0009" in str(err.value)
    assert "\n" not in str(err.value)


def test_a_command_on_a_database_of_a_newer_version_says_one_line(tmp_path: Path) -> None:
    """An older ietm started on a server database a newer one migrated: one line and a non-zero exit."""
    csdb = tmp_path / "csdb"
    csdb.mkdir()
    assert ietm("user", "list", "--csdb", csdb).code == 0  # creates and migrates the database
    db = open_database(database_url(None, state_dir(csdb)))
    with db.begin() as conn:  # a later migration of a branch this version has
        conn.execute(text("UPDATE alembic_version SET version_num = 'accounts_0099' WHERE version_num = 'accounts_0001'"))
    db.dispose()
    r = ietm("user", "list", "--csdb", csdb)  # ietm() fails the test on a traceback
    assert r.code != 0 and "moved forward by a newer ietm" in r.err and "accounts_0099" in r.err
    assert len(r.err.strip().splitlines()) == 1, r.err
