"""Engine, connection settings and the migrate-on-open step of the server database."""

from __future__ import annotations

import fcntl
import hashlib
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import Connection, Engine, MetaData, Table, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.pool import NullPool, QueuePool

from ietm.errors import ConfigError
from ietm.paths import TEST_POSTGRES

#: constraint names spelled out, so that migrations can name what they alter on both engines
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

MIGRATIONS = Path(__file__).with_name("versions")
_PG_LOCK = int.from_bytes(hashlib.sha256(b"ietm-migrate").digest()[:4], "big")  # one advisory lock id per server


def database_url(config: Any, state: Path, create: bool = True) -> str:
    """The configured `server.database`, or the SQLite file `server.sqlite` in the CSDB's state folder.

    Under the tests' PostgreSQL switch, the stand-in database is made unless `create` is off ("" then when it
    is not there: a command must not make a server database where no server ran)."""
    configured = config.get("server.database") if config is not None else ""
    if configured:
        return configured
    if os.environ.get(TEST_POSTGRES):
        return _test_database(os.environ[TEST_POSTGRES], state, create)
    return f"sqlite:///{state / 'server.sqlite'}"


def _test_database(server: str, state: Path, create: bool = True) -> str:
    """The database standing in for the state folder's SQLite file on the tests' PostgreSQL server, created
    once; named after the folder, so every process that opens the CSDB finds the same one."""
    name = "ietm_" + hashlib.sha256(str(state.resolve()).encode()).hexdigest()[:20]
    engine = create_engine(make_url(server).set(drivername="postgresql+psycopg", database="postgres"),
                           isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as conn:
            if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is None:
                if not create:
                    return ""
                try:
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
                except (ProgrammingError, IntegrityError):  # another process created it meanwhile
                    pass
    finally:
        engine.dispose()
    return str(make_url(server).set(database=name).render_as_string(hide_password=False))


def server_database(csdb: Path, config: Any = None) -> "Database":
    """The database of the server of a CSDB, opened and migrated (for commands and tests)."""
    from ietm.config import load_config
    from ietm.paths import state_dir

    return open_database(database_url(config or load_config(csdb), state_dir(csdb)))


class Database:
    """One engine; `begin()` gives a connection inside a transaction that commits on success."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A write transaction (on SQLite it takes the write lock at once)."""
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction: on SQLite it waits for no writer, so reads of every worker run side by side."""
        with self.engine.connect() as conn:
            conn.execution_options(ietm_read=True)
            with conn.begin():
                yield conn

    def first(self, sql: str, *params: Any) -> tuple | None:
        """The first row of one query (`?` placeholders), straight on a pooled DBAPI connection: for the few
        questions asked on every request, where the SQLAlchemy execution path costs ten times the query."""
        raw = self.engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute(sql if self.dialect == "sqlite" else sql.replace("?", "%s"), params)
            row = cur.fetchone()
            cur.close()
        finally:
            raw.close()
        return tuple(row) if row is not None else None

    def dispose(self) -> None:
        self.engine.dispose()


def insert_or_ignore(conn: Connection, table: Table, **values: Any) -> bool:
    """Insert a row unless one with the same key is there already; True when this call inserted it.

    For idempotent writes (a retried submission, a file moved once, a first failure counted): the database
    decides atomically, so two workers doing the same thing at once store it once."""
    dialect = sqlite if conn.dialect.name == "sqlite" else postgresql
    statement = dialect.insert(table).values(**values).on_conflict_do_nothing()
    return conn.execute(statement.execution_options(preserve_rowcount=True)).rowcount == 1


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    # the driver's own transaction handling stays out of the way of the explicit BEGIN of _sqlite_begin;
    # WAL lets readers go on during a write; the busy timeout makes a second worker wait for a lock
    # instead of failing; foreign keys are off in SQLite unless asked for
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA busy_timeout = 30000")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA synchronous = NORMAL")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    # a write transaction takes the write lock up front (BEGIN IMMEDIATE), so two workers never both read,
    # then both try to upgrade to a write, which SQLite answers with "database is locked" at once
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get("ietm_read") else "BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(f"server.database: not a database URL: {url!r}") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # a small pool: every request asks the database a question (the change log, a session), and opening
        # a SQLite connection with its pragmas costs more than the question
        engine = create_engine(parsed, poolclass=QueuePool, pool_size=4, max_overflow=16,
                               connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_size=5, max_overflow=10, pool_pre_ping=True)
    raise ConfigError(f"server.database: {parsed.get_backend_name()} is not supported (use sqlite:/// or postgresql://)")


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """One migrator at a time across processes: a file lock beside a SQLite file, an advisory lock on PostgreSQL."""
    if engine.dialect.name == "sqlite":
        db = engine.url.database
        if not db or db == ":memory:":
            yield
            return
        with open(f"{db}.migrate.lock", "a+") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)
        return
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK})
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK})
            conn.commit()


def upgrade(engine: Engine) -> None:
    """Every feature's branch to its head (`alembic upgrade heads`), whatever state the database is in."""
    from alembic import command
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    cfg.set_main_option("version_locations", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    with _migration_lock(engine), engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")


def open_database(url: str) -> Database:
    """Connect and migrate; a database that cannot be reached is one line naming it, not a traceback."""
    from alembic.util import CommandError

    engine = make_engine(url)
    try:
        upgrade(engine)
    except CommandError as exc:  # a revision this version does not know: a newer ietm has moved the database on
        engine.dispose()
        raise ConfigError(f"server.database: {engine.url.render_as_string(hide_password=True)} was moved forward by a "
                          f"newer ietm ({str(exc).splitlines()[0]}); run that version, or give this one another "
                          "database") from None
    except OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise ConfigError(f"server.database: cannot open {engine.url.render_as_string(hide_password=True)}: {reason}") from None
    return Database(engine)
