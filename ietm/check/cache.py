"""Each object's findings of the last `ietm check`, kept in the CSDB's state folder, so that the next check
re-checks only the objects that changed and those whose findings depend on what changed.

An entry is a check's findings on one object, kept with what they depend on: the object's file (its size,
modification and change times), the names it looked up elsewhere (tokens, such as the code of a module it
refers to: the check says what each one's state is now), and the check's context (ietm's own code, the
schemas or BREX in force, the settings and the folder as named): when the context changes, every entry of
that check goes. A check takes an entry's findings only when all of that is as it was, so its report is the
one a full check gives.

Findings are kept as JSON, never as pickles: the state folder lives inside the CSDB, and a CSDB handed over
by someone else must not be able to run code.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

from ietm.i18n import CodeName, Message
from ietm.paths import ROOT, state_dir
from ietm.report import Finding

FILE = "check-cache.sqlite"
FORMAT = "1"
#: ietm's code a finding can depend on: the checks, the parsers and models they use, the built-in rules
CODE = ("ietm/check", "ietm/parse", "ietm/applic", "ietm/catalog", "ietm/report.py", "ietm/errors.py",
        "ietm/i18n.py", "schemas/brex", "schemas/profile", "schemas/catalog.xml", "schemas/w3c")

SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS contexts (check_name TEXT PRIMARY KEY, context TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    check_name TEXT NOT NULL,
    path TEXT NOT NULL,
    stamp TEXT NOT NULL,
    tokens TEXT NOT NULL,       -- JSON list of what the findings depend on besides the file
    digest TEXT NOT NULL,       -- the state of those tokens when the object was checked
    findings TEXT NOT NULL,     -- JSON
    PRIMARY KEY (check_name, path)
);
"""


class Uncacheable(Exception):
    """A finding whose message cannot be kept as JSON exactly: its object is checked every time."""


@dataclass
class Entry:
    stamp: str
    tokens: tuple[str, ...]
    digest: str
    findings: list[Finding]


def stamp(path: str) -> str:
    """What tells a changed file: size, modification and change time (ctime moves with every write, even one
    that puts the modification time back)."""
    try:
        st = os.stat(path)
    except OSError:
        return "missing"
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}"


def digest(parts: Iterable[str]) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8", "surrogateescape"))
        h.update(b"\0")
    return h.hexdigest()


def tokens_digest(tokens: Iterable[str], state: Callable[[str], str]) -> str:
    """What the lookups an object's check made find now: computed by the process that checked it, right after,
    so that what it found and the state kept with it are of the same moment."""
    return digest(f"{t}={state(t)}" for t in tokens)


def files_digest(paths: Iterable[Path | str]) -> str:
    """The stamps of files, and of every file inside folders (recursively), by path."""
    parts = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for folder, dirs, files in os.walk(p):
                dirs.sort()
                parts += [f"{os.path.join(folder, f)}={stamp(os.path.join(folder, f))}" for f in sorted(files)]
        else:
            parts.append(f"{p}={stamp(str(p))}")
    return digest(parts)


@lru_cache(maxsize=None)
def code_version() -> str:
    """ietm's version, its check code's contents and the XML library's version: any change empties the cache."""
    from lxml import etree

    from ietm import __version__

    parts = [__version__, sys.version, repr(etree.LXML_VERSION), repr(etree.LIBXML_VERSION)]
    for name in CODE:
        base = ROOT / name
        paths = sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else [base]
        for p in paths:
            if p.suffix != ".pyc":
                parts.append(f"{p.relative_to(ROOT)}={hashlib.blake2b(p.read_bytes(), digest_size=16).hexdigest()}")
    return digest(parts)


# -- findings as JSON -----------------------------------------------------------------------------------------


def _message(value: object) -> object:
    if isinstance(value, CodeName):
        return {"c": value.key, "v": str(value.values["value"])}
    if isinstance(value, Message):
        return {"m": value.key, "v": {k: _message(v) for k, v in value.values.items()}}
    if value is None or type(value) in (str, int, float, bool):
        return value
    raise Uncacheable(repr(value))


def _unmessage(value: object) -> object:
    import ietm.parse.loader  # noqa: F401  (declares the words of the messages the checks make)

    if isinstance(value, dict):
        if "c" in value:
            return CodeName(value["c"], value["v"])
        return Message(value["m"], **{k: _unmessage(v) for k, v in value["v"].items()})
    return value


def encode(findings: list[Finding], own: str) -> str:
    """Findings as JSON; the path of the object they are about (`own`) kept as 0, so a cache entry stays small."""
    return json.dumps([[f.severity, 0 if f.path == own else f.path, _message(f.message), f.line, f.col, f.rule, f.check]
                       for f in findings], ensure_ascii=False, separators=(",", ":"))


def decode(text: str, own: str) -> list[Finding]:
    if text == "[]":  # most objects: nothing to say
        return []
    return [Finding(sev, own if path == 0 else path, _unmessage(msg), line, col, rule, check)
            for sev, path, msg, line, col, rule, check in json.loads(text)]


# -- the store ------------------------------------------------------------------------------------------------


class FindingsCache:
    """The entries of every check for one CSDB, in <state folder>/check-cache.sqlite."""

    def __init__(self, csdb: Path) -> None:
        folder = state_dir(csdb)
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / FILE
        self.db = self._connect()

    def _connect(self) -> sqlite3.Connection:
        for attempt in (1, 2):
            try:
                db = sqlite3.connect(self.path, timeout=60)
                # a cache: a transaction lost in a crash only means its objects are checked again next time
                db.execute("PRAGMA journal_mode = WAL")
                db.execute("PRAGMA synchronous = NORMAL")
                db.executescript(SCHEMA_SQL)
                row = db.execute("SELECT context FROM contexts WHERE check_name = '-format'").fetchone()
                if row is None or row[0] != FORMAT:
                    with db:
                        db.execute("DELETE FROM entries")
                        db.execute("DELETE FROM contexts")
                        db.execute("INSERT INTO contexts VALUES ('-format', ?)", (FORMAT,))
                return db
            except sqlite3.DatabaseError:
                if attempt == 2:
                    raise
                # a cache that cannot be read is started again
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(str(self.path) + suffix).unlink(missing_ok=True)
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.db.close()

    def entries(self, check: str, context: str) -> dict[str, Entry]:
        """The entries of `check` made in this context (none when it changed)."""
        row = self.db.execute("SELECT context FROM contexts WHERE check_name = ?", (check,)).fetchone()
        if row is None or row[0] != context:
            return {}
        out = {}
        for path, st, tokens, dig, findings in self.db.execute(
                "SELECT path, stamp, tokens, digest, findings FROM entries WHERE check_name = ?", (check,)):
            out[path] = Entry(st, tuple(json.loads(tokens)) if tokens != "[]" else (), dig, decode(findings, path))
        return out

    def holds(self, check: str, context: str) -> bool:
        """Whether any entry of `check` made in this context is kept."""
        row = self.db.execute("SELECT context FROM contexts WHERE check_name = ?", (check,)).fetchone()
        return row is not None and row[0] == context and self.db.execute(
            "SELECT 1 FROM entries WHERE check_name = ? LIMIT 1", (check,)).fetchone() is not None

    def store(self, check: str, context: str, fresh: dict[str, Entry], gone: set[str]) -> None:
        """Update the entries of `check`: the `fresh` ones written, those of `gone` paths (objects no longer
        there) removed. One transaction, so a concurrent check sees the old entries or the new."""
        rows = []
        for path, e in fresh.items():
            try:
                rows.append((check, path, e.stamp, json.dumps(list(e.tokens)), e.digest, encode(e.findings, path)))
            except Uncacheable:
                gone.add(path)
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            row = self.db.execute("SELECT context FROM contexts WHERE check_name = ?", (check,)).fetchone()
            if row is None or row[0] != context:
                self.db.execute("DELETE FROM entries WHERE check_name = ?", (check,))
                self.db.execute("INSERT OR REPLACE INTO contexts VALUES (?, ?)", (check, context))
            else:
                self.db.executemany("DELETE FROM entries WHERE check_name = ? AND path = ?", [(check, p) for p in gone])
            self.db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?)", rows)


class Reuse:
    """Which objects of a run can take their cached findings: same file, and every token in the same state."""

    def __init__(self, cached: dict[str, Entry], state: Callable[[str], str] | None = None) -> None:
        self.cached = cached
        self._state = state
        self._states: dict[str, str] = {}

    def _known(self, token: str) -> str:
        if token not in self._states:
            assert self._state is not None
            self._states[token] = self._state(token)
        return self._states[token]

    def state_digest(self, tokens: Iterable[str]) -> str:
        return tokens_digest(tokens, self._known) if self._state is not None else ""

    def findings(self, path: str, file_stamp: str) -> list[Finding] | None:
        e = self.cached.get(path)
        if e is None or e.stamp != file_stamp or e.digest != self.state_digest(e.tokens):
            return None
        return e.findings

    def entry(self, file_stamp: str, tokens: tuple[str, ...], state: str | None, findings: list[Finding]) -> Entry:
        """An entry of findings just made; `state` the tokens' digest the checking process took (None: none)."""
        return Entry(file_stamp, tokens, state if state is not None else self.state_digest(tokens), findings)
