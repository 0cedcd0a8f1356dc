"""Users with a role and a clearance, server-side sessions, and login throttling, in the server database.

Every worker process (and every machine sharing a PostgreSQL server) reads the same rows, so a login on one
worker is known to all, a logout or password change ends a session everywhere, and throttling counts every
try wherever it landed.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from ietm.accounts.roles import ROLES, SECURITY_CLASSES, User
from ietm.accounts.tables import login_throttle, sessions, users
from ietm.errors import InputError, NotFound, Refused
from ietm.serverdb import Database, insert_or_ignore

SESSION_SECONDS = 8 * 3600
FREE_TRIES = 5  # wrong passwords per (name, address) before waits begin
FIRST_WAIT = 2.0  # seconds after the first try past the free ones; each further failure doubles it ...
LONGEST_WAIT = 300.0  # ... up to this: an attacker gets a dozen guesses an hour, a user is never locked out
FORGET_AFTER = 24 * 3600.0  # failures older than this are forgotten
_NAME = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
_hasher = PasswordHasher()  # Argon2id with the library's current recommended cost


class Throttled(Refused):
    """Too many wrong passwords for this name from this address: try again after `retry_after` seconds."""

    http_status = 429

    def __init__(self, retry_after: float) -> None:
        self.retry_after = max(1, int(retry_after + 0.999))
        super().__init__(f"too many failed logins for this name from this address; try again in {self.retry_after} s")


def wait_after(failures: int) -> float:
    """Seconds before the next try after `failures` wrong passwords in a row: none at first, then doubling."""
    if failures < FREE_TRIES:
        return 0.0
    return min(FIRST_WAIT * 2 ** (failures - FREE_TRIES), LONGEST_WAIT)


@dataclass(frozen=True)
class Session:
    token: str  # the cookie value, known only to the client after login
    user: User
    csrf: str


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_password(password: str) -> None:
    if len(password) < 10:
        raise InputError("a password needs at least 10 characters")


class Accounts:
    """The accounts of one server, over its database (`ietm.serverdb`)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- users ------------------------------------------------------------------------------------------

    def add(self, name: str, role: str, password: str, clearance: str = "01") -> User:
        if not _NAME.match(name):
            raise InputError(f"user name '{name}' must be 1-64 letters, digits or . _ @ -")
        if role not in ROLES:
            raise InputError(f"role '{role}' is not one of {', '.join(ROLES)}")
        if clearance not in SECURITY_CLASSES:
            raise InputError(f"clearance '{clearance}' is not one of {', '.join(SECURITY_CLASSES)}")
        _check_password(password)
        try:
            with self.db.begin() as conn:
                conn.execute(insert(users).values(name=name, role=role, clearance=clearance,
                                                  password=_hasher.hash(password), created=time.time()))
        except IntegrityError:
            raise Refused(f"user '{name}' exists already") from None
        return User(name, role, clearance)

    def get(self, name: str) -> User | None:
        with self.db.read() as conn:
            row = conn.execute(select(users.c.name, users.c.role, users.c.clearance).where(users.c.name == name)).first()
        return User(*row) if row else None

    def users(self) -> list[User]:
        with self.db.read() as conn:
            rows = conn.execute(select(users.c.name, users.c.role, users.c.clearance).order_by(users.c.name)).all()
        return [User(*r) for r in rows]

    def remove(self, name: str) -> None:
        with self.db.begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.username == name))
            if conn.execute(delete(users).where(users.c.name == name)).rowcount == 0:
                raise NotFound(f"no user '{name}'")

    def set_password(self, name: str, password: str) -> None:
        """A new password; every open session of the user ends."""
        _check_password(password)
        with self.db.begin() as conn:
            if conn.execute(update(users).where(users.c.name == name).values(password=_hasher.hash(password))).rowcount == 0:
                raise NotFound(f"no user '{name}'")
            conn.execute(delete(sessions).where(sessions.c.username == name))

    # -- login and sessions -----------------------------------------------------------------------------

    def login(self, name: str, password: str, client: str) -> Session | None:
        """A new session for right credentials (a fresh token every time: no session fixation), else None.

        Raises Throttled while this name has to wait after wrong passwords from this address."""
        now = time.time()
        with self.db.read() as conn:
            throttle = conn.execute(select(login_throttle.c.not_before).where(
                login_throttle.c.name == name, login_throttle.c.address == client)).first()
            row = conn.execute(select(users).where(users.c.name == name)).first()
        if throttle is not None and throttle.not_before > now:
            raise Throttled(throttle.not_before - now)
        ok = False
        if row is not None:
            try:
                ok = _hasher.verify(row.password, password)
            except (VerificationError, InvalidHashError):
                ok = False
        else:
            _hasher.hash(password)  # spend the same time whether or not the user exists
        with self.db.begin() as conn:
            if not ok:
                # the wait runs from when the failure is known: hashing takes a while, longer on a busy machine
                self._failed(conn, name, client, time.time())
                return None
            conn.execute(delete(login_throttle).where(login_throttle.c.name == name, login_throttle.c.address == client))
            if _hasher.check_needs_rehash(row.password):
                conn.execute(update(users).where(users.c.name == name).values(password=_hasher.hash(password)))
            token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            conn.execute(delete(sessions).where(sessions.c.expires < now))
            conn.execute(insert(sessions).values(id_hash=_hash_token(token), username=name, csrf=csrf,
                                                 expires=now + SESSION_SECONDS))
        return Session(token, User(row.name, row.role, row.clearance), csrf)

    @staticmethod
    def _failed(conn, name: str, client: str, now: float) -> None:
        """Count one more wrong password for (name, address) and set how long the next try must wait."""
        conn.execute(delete(login_throttle).where(login_throttle.c.last_failure < now - FORGET_AFTER))
        insert_or_ignore(conn, login_throttle, name=name, address=client, failures=0, last_failure=now, not_before=now)
        where = (login_throttle.c.name == name, login_throttle.c.address == client)
        # the row stays locked to the end of the transaction, so two workers never both count the same failure
        failures = conn.execute(select(login_throttle.c.failures).where(*where).with_for_update()).scalar_one() + 1
        conn.execute(update(login_throttle).where(*where).values(
            failures=failures, last_failure=now, not_before=now + wait_after(failures)))

    def session(self, token: str | None) -> Session | None:
        if not token:
            return None
        # asked on every request of a logged-in user: the fast path of the database
        row = self.db.first("SELECT s.csrf, s.expires, u.name, u.role, u.clearance FROM sessions s "
                            "JOIN users u ON u.name = s.username WHERE s.id_hash = ?", _hash_token(token))
        if row is None or row[1] < time.time():
            return None
        return Session(token, User(row[2], row[3], row[4]), row[0])

    def logout(self, token: str) -> None:
        with self.db.begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.id_hash == _hash_token(token)))
