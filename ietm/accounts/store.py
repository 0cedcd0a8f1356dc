"""The accounts database: users with a role and a clearance, server-side sessions, login throttling.

Roles are ordered by what they may do: a technician reads; a writer also uploads and previews; QA also
approves and signs; an admin also manages users. Clearance is the highest S1000D security classification
(01 unclassified ... 05) whose modules the user may see.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ietm.errors import InputError, NotFound, Refused

ROLES = ("technician", "writer", "qa", "admin")
SECURITY_CLASSES = ("01", "02", "03", "04", "05")
SESSION_SECONDS = 8 * 3600
MAX_FAILURES = 5  # per client address or user name, within FAILURE_WINDOW
FAILURE_WINDOW = 300.0
_NAME = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
_hasher = PasswordHasher()  # Argon2id with the library's current recommended cost


@dataclass(frozen=True)
class User:
    name: str
    role: str
    clearance: str

    def may(self, role: str) -> bool:
        """True when this user's role includes `role` (admin ⊃ qa ⊃ writer ⊃ technician)."""
        return ROLES.index(self.role) >= ROLES.index(role)

    def cleared_for(self, security: str | None) -> bool:
        return (security or "01") <= self.clearance


@dataclass(frozen=True)
class Session:
    token: str  # the cookie value, known only to the client after login
    user: User
    csrf: str


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, timeout=30, check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.executescript(Path(__file__).with_name("schema.sql").read_text(encoding="utf-8"))

    # -- users ------------------------------------------------------------------------------------------

    def add(self, name: str, role: str, password: str, clearance: str = "01") -> User:
        if not _NAME.match(name):
            raise InputError(f"user name '{name}' must be 1-64 letters, digits or . _ @ -")
        if role not in ROLES:
            raise InputError(f"role '{role}' is not one of {', '.join(ROLES)}")
        if clearance not in SECURITY_CLASSES:
            raise InputError(f"clearance '{clearance}' is not one of {', '.join(SECURITY_CLASSES)}")
        if len(password) < 10:
            raise InputError("a password needs at least 10 characters")
        try:
            self.db.execute(
                "INSERT INTO users VALUES (?, ?, ?, ?, ?)",
                (name, role, clearance, _hasher.hash(password), datetime.now(timezone.utc).isoformat(timespec="seconds")),
            )
        except sqlite3.IntegrityError:
            raise Refused(f"user '{name}' exists already") from None
        return User(name, role, clearance)

    def get(self, name: str) -> User | None:
        row = self.db.execute("SELECT name, role, clearance FROM users WHERE name = ?", (name,)).fetchone()
        return User(row["name"], row["role"], row["clearance"]) if row else None

    def users(self) -> list[User]:
        return [User(r["name"], r["role"], r["clearance"]) for r in self.db.execute("SELECT * FROM users ORDER BY name")]

    def remove(self, name: str) -> None:
        if self.db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount == 0:
            raise NotFound(f"no user '{name}'")

    def set_password(self, name: str, password: str) -> None:
        if len(password) < 10:
            raise InputError("a password needs at least 10 characters")
        if self.db.execute("UPDATE users SET password = ? WHERE name = ?", (_hasher.hash(password), name)).rowcount == 0:
            raise NotFound(f"no user '{name}'")
        self.db.execute("DELETE FROM sessions WHERE user = ?", (name,))

    # -- login and sessions -----------------------------------------------------------------------------

    def throttled(self, *who: str) -> bool:
        since = time.time() - FAILURE_WINDOW
        self.db.execute("DELETE FROM login_failures WHERE at < ?", (since,))
        return any(
            self.db.execute("SELECT count(*) FROM login_failures WHERE who = ? AND at >= ?", (w, since)).fetchone()[0]
            >= MAX_FAILURES
            for w in who
        )

    def login(self, name: str, password: str, client: str) -> Session | None:
        """A new session for right credentials (a fresh token every time: no session fixation), else None."""
        if self.throttled(f"ip:{client}", f"user:{name}"):
            raise Refused("too many failed logins; wait a few minutes")
        row = self.db.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
        ok = False
        if row is not None:
            try:
                ok = _hasher.verify(row["password"], password)
            except (VerificationError, InvalidHashError):
                ok = False
        else:
            _hasher.hash(password)  # spend the same time whether or not the user exists
        if not ok:
            now = time.time()
            self.db.executemany("INSERT INTO login_failures VALUES (?, ?)", [(f"ip:{client}", now), (f"user:{name}", now)])
            return None
        if _hasher.check_needs_rehash(row["password"]):
            self.db.execute("UPDATE users SET password = ? WHERE name = ?", (_hasher.hash(password), name))
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self.db.execute("DELETE FROM sessions WHERE expires < ?", (time.time(),))
        self.db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?)", (_hash_token(token), name, csrf, time.time() + SESSION_SECONDS))
        return Session(token, User(row["name"], row["role"], row["clearance"]), csrf)

    def session(self, token: str | None) -> Session | None:
        if not token:
            return None
        row = self.db.execute(
            "SELECT s.csrf, s.expires, u.name, u.role, u.clearance FROM sessions s JOIN users u ON u.name = s.user "
            "WHERE s.id_hash = ?",
            (_hash_token(token),),
        ).fetchone()
        if row is None or row["expires"] < time.time():
            return None
        return Session(token, User(row["name"], row["role"], row["clearance"]), row["csrf"])

    def logout(self, token: str) -> None:
        self.db.execute("DELETE FROM sessions WHERE id_hash = ?", (_hash_token(token),))
