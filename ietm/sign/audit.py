"""An append-only audit log whose entries are chained by SHA-256, so a rewritten entry shows.

Each entry is a JSON object with `seq`, `time`, `event`, its fields, `prev` (the hash of the entry before, or
64 zeros) and `hash` (SHA-256 of the entry's canonical JSON without `hash`). Changing, inserting, deleting or
reordering any entry breaks the chain at that entry. Cutting entries off the end cannot be seen from the log
alone: keep a copy of the last hash elsewhere (`ietm audit verify` prints it) to detect that too.

A CSDB's log lives in its server's database (`DatabaseLog`), which the server's workers, the machines sharing
that database and every command run on the CSDB all write to, as one chain. The file of earlier versions (one
entry per line, `<csdb>/.ietm/audit.jsonl` or the retired `[sign] audit`) is carried into it, entries and hashes
unchanged, the first time the log is opened; the file stays where it was, as a backup. A log file of its own
(`FileLog`) is written only where a command is told so (`--audit-log FILE`), e.g. to verify a bundle far from
any server.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.engine import make_url

from ietm.errors import IetmError
from ietm.serverdb import Database, open_database

GENESIS = "0" * 64
log = logging.getLogger("ietm.audit")


@dataclass
class ChainReport:
    ok: bool
    entries: int
    last_hash: str
    problem: str | None = None
    line: int | None = None  # the line of a file, the entry number in the database


def _digest(entry: dict) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def _serialise(entry: dict) -> str:
    return json.dumps(entry, sort_keys=True, ensure_ascii=False)


def _chained(prev: str, n: int, items: Iterable[tuple[str, dict]]) -> list[dict]:
    """New entries (event, fields) after the entry `n` whose hash is `prev`."""
    entries = []
    for event, fields in items:
        n += 1
        entry = {"seq": n, "time": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                 "event": event, **fields, "prev": prev}
        entry["hash"] = prev = _digest(entry)
        entries.append(entry)
    return entries


def _walk(texts: Iterable[tuple[int, str | bytes]]) -> ChainReport:
    """Check the chain over (line or entry number, entry text); the first broken link is reported."""
    prev, n = GENESIS, 0
    for number, text in texts:
        try:
            entry = json.loads(text)
            claimed = entry["hash"]
        except (ValueError, KeyError, TypeError):
            return ChainReport(False, n, prev, "not a log entry (unreadable JSON)", number)
        if entry.get("prev") != prev:
            return ChainReport(False, n, prev, "chain broken: an entry before this one was changed, removed or inserted", number)
        if _digest(entry) != claimed:
            return ChainReport(False, n, prev, "entry was altered after it was written (its hash does not match)", number)
        if entry.get("seq") != n + 1:
            return ChainReport(False, n, prev, f"sequence number {entry.get('seq')} where {n + 1} was due", number)
        prev, n = claimed, n + 1
    return ChainReport(True, n, prev)


def append(log: "AuditLog", event: str, **fields) -> dict:
    """Add one entry to the end of the chain."""
    return log.append_all([(event, fields)])[0]


class FileLog:
    """The log as a file of one JSON entry per line, appended under an exclusive lock (`--audit-log FILE`)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = str(path)

    def exists(self) -> bool:
        return self.path.exists()

    def at(self, line: int | None) -> str:
        return f"{self.path}:{line}"

    def append_all(self, items: list[tuple[str, dict]]) -> list[dict]:
        """Add entries in order, under one lock and one fsync: a batch costs what one entry does."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(self.path, "a+b") as f:
                fcntl.flock(f, fcntl.LOCK_EX)
                n, prev = _last(f)
                entries = _chained(prev, n, items)
                f.seek(0, os.SEEK_END)
                f.write(b"".join(_serialise(e).encode() + b"\n" for e in entries))
                f.flush()
                os.fsync(f.fileno())
        except OSError as exc:
            raise IetmError(f"cannot append to the audit log: {exc.strerror or exc}", str(self.path)) from None
        return entries

    def lines(self) -> Iterator[tuple[int, bytes]]:
        """(line number, text) of every non-empty line."""
        try:
            with open(self.path, "rb") as f:
                yield from ((number, line.rstrip(b"\n")) for number, line in enumerate(f, 1) if line.strip())
        except FileNotFoundError:
            return
        except OSError as exc:
            raise IetmError(f"cannot read the audit log: {exc.strerror}", str(self.path)) from None

    def last(self) -> tuple[int, str]:
        """Sequence number and hash of the last entry (0 and GENESIS for no log)."""
        try:
            with open(self.path, "rb") as f:
                return _last(f)
        except FileNotFoundError:
            return 0, GENESIS

    def entries(self) -> list[dict]:
        return [json.loads(text) for _, text in self.lines()]

    def verify(self) -> ChainReport:
        return _walk(self.lines())


def _last(f) -> tuple[int, str]:
    """Sequence number and hash of a file's last entry, read from its end so appending stays O(1)."""
    end = f.seek(0, os.SEEK_END)
    if end == 0:
        return 0, GENESIS
    size = 4096
    while True:
        start = max(0, end - size)
        f.seek(start)
        tail = f.read(end - start).rstrip(b"\n")
        if b"\n" in tail or start == 0:
            break
        size *= 4
    last = tail.rsplit(b"\n", 1)[-1]
    try:
        entry = json.loads(last)
        return int(entry["seq"]), entry["hash"]
    except (ValueError, KeyError, TypeError):
        # a damaged last line: chain to its raw hash, so the damage stays visible to `ietm audit verify`
        f.seek(0)
        return sum(1 for line in f if line.strip()), hashlib.sha256(last).hexdigest()


class DatabaseLog:
    """The log in the server database: a row per entry, the chain's head locked by each writer.

    `db` is the open database or its URL (opened at first use: a command that writes nothing opens nothing);
    `legacy` the log file of earlier versions, carried into the database at first use."""

    def __init__(self, db: Database | str, legacy: Path | None = None) -> None:
        self._db = db
        self.legacy = legacy
        self._ready = False
        url = db if isinstance(db, str) else db.engine.url.render_as_string(hide_password=True)
        self.where = f"the server database {make_url(url).render_as_string(hide_password=True)}"

    def open(self) -> Database:
        """The database, opened and with the earlier versions' file carried over, the first time."""
        if isinstance(self._db, str):
            self._db = open_database(self._db)
        if not self._ready:
            self._ready = True
            if self.legacy is not None:
                _carry_over(self._db, self.legacy)
        return self._db

    def at(self, number: int | None) -> str:
        return f"{self.where}, entry {number}"

    def exists(self) -> bool:
        if isinstance(self._db, str):
            url = make_url(self._db)
            if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
                return bool(self.legacy and self.legacy.is_file())
        with self.open().read() as conn:
            return _head(conn)[0] > 0

    def append_all(self, items: list[tuple[str, dict]]) -> list[dict]:
        with self.open().begin() as conn:
            return self.chain(conn, items)

    def lock(self, conn: Connection) -> None:
        """Take the chain's lock in the caller's write transaction: other writers wait until it ends."""
        _head(conn, lock=True)

    def chain(self, conn: Connection, items: list[tuple[str, dict]]) -> list[dict]:
        """Add entries inside the caller's write transaction on this log's database (with what they record)."""
        from ietm.sign.tables import audit_entries, audit_head

        n, prev = _head(conn, lock=True)
        entries = _chained(prev, n, items)
        if entries:
            conn.execute(insert(audit_entries), [{"seq": e["seq"], "hash": e["hash"], "entry": _serialise(e)}
                                                 for e in entries])
            conn.execute(update(audit_head).where(audit_head.c.id == 1).values(seq=entries[-1]["seq"],
                                                                                 hash=entries[-1]["hash"]))
        return entries

    def texts(self, page: int = 5000) -> Iterator[tuple[int, str]]:
        """(entry number, text) of every entry in order, read a page at a time."""
        from ietm.sign.tables import audit_entries

        after = 0
        while True:
            with self.open().read() as conn:
                rows = conn.execute(select(audit_entries.c.seq, audit_entries.c.entry).where(audit_entries.c.seq > after)
                                    .order_by(audit_entries.c.seq).limit(page)).all()
            yield from rows
            if len(rows) < page:
                return
            after = rows[-1].seq

    def entries(self) -> list[dict]:
        return [json.loads(text) for _, text in self.texts()]

    def verify(self) -> ChainReport:
        return _walk(self.texts())


AuditLog = FileLog | DatabaseLog


def server_log(db: Database, csdb: Path) -> DatabaseLog:
    """The audit log of a CSDB's server, in its database, with the earlier versions' file carried over."""
    log = DatabaseLog(db, legacy_file(csdb))
    log.open()  # carry the file over now, at start-up, not in a reader's request
    return log


def legacy_file(start: Path) -> Path:
    """The log file earlier versions kept for `start`: the retired `[sign] audit`, else <csdb>/.ietm/audit.jsonl."""
    from ietm.config import load_config
    from ietm.paths import state_dir

    config = load_config(start)
    configured = config.retired.get("sign.audit")
    if configured and config.source:
        return config.source.parent / configured
    base = config.source.parent if config.source else (start if start.is_dir() else start.parent)
    return state_dir(base) / "audit.jsonl"


def _head(conn: Connection, lock: bool = False) -> tuple[int, str]:
    from ietm.sign.tables import audit_head

    query = select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)
    row = conn.execute(query.with_for_update() if lock else query).one()
    return row.seq, row.hash


def _carry_over(db: Database, path: Path) -> int:
    """Copy the entries of an earlier version's log file that the database lacks, unchanged; returns how many.

    The database either holds the whole file already (carried before: nothing to do), or a beginning of it (the
    rest is added, so an old command that went on writing the file loses nothing), or something else: then the
    two have diverged, which is said, and the file is left as it is."""
    from ietm.sign.tables import audit_entries, audit_head

    old = FileLog(path)
    last_seq, last_hash = old.last()
    if last_seq == 0:
        return 0
    with db.begin() as conn:
        seq, head = _head(conn, lock=True)
        if seq >= last_seq:
            have = conn.execute(select(audit_entries.c.hash).where(audit_entries.c.seq == last_seq)).scalar()
            if have != last_hash:
                log.warning("%s: this audit log file and the one in %s differ; the file was not carried over",
                            path, "the server database")
            return 0
        rows = [{"seq": number, "hash": _hash_of(text), "entry": text.decode(errors="replace")}
                for number, text in enumerate((t for _, t in old.lines()), 1)]
        if seq and (len(rows) < seq or rows[seq - 1]["hash"] != head):
            log.warning("%s: this audit log file and the one in the server database differ; the file was not carried "
                        "over", path)
            return 0
        new = rows[seq:]
        if new:
            conn.execute(insert(audit_entries), new)
            conn.execute(update(audit_head).where(audit_head.c.id == 1).values(seq=new[-1]["seq"], hash=new[-1]["hash"]))
    log.warning("carried %d audit log entries from %s into the server database; that file is no longer written",
                len(new), path)
    return len(new)


def _hash_of(text: bytes) -> str:
    try:
        return str(json.loads(text)["hash"])[:64]
    except (ValueError, KeyError, TypeError):
        return hashlib.sha256(text).hexdigest()
