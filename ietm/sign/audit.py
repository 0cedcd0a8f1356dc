"""An append-only audit log whose entries are chained by SHA-256, so a rewritten entry shows.

One JSON object per line; each carries `prev` (the hash of the line before, or 64 zeros) and `hash`
(SHA-256 of the entry's canonical JSON without `hash`). Changing, inserting, deleting or reordering any
entry breaks the chain at that line. Cutting entries off the end cannot be seen from the log alone: keep
a copy of the last hash elsewhere (`ietm audit verify` prints it) to detect that too.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from ietm.errors import IetmError

GENESIS = "0" * 64


def _digest(entry: dict) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def _last_hash(f) -> tuple[str, int]:
    """Hash and sequence number of the last entry, read from the end so appending stays O(1)."""
    end = f.seek(0, os.SEEK_END)
    if end == 0:
        return GENESIS, 0
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
        return entry["hash"], int(entry["seq"])
    except (ValueError, KeyError, TypeError):
        # a damaged last line: chain to its raw hash, so the damage stays visible to `ietm audit verify`
        f.seek(0)
        return hashlib.sha256(last).hexdigest(), sum(1 for line in f if line.strip())


def append(log: Path, event: str, **fields) -> dict:
    """Add one entry under an exclusive lock, so concurrent writers never fork the chain."""
    return append_all(log, [(event, fields)])[0]


def append_all(log: Path, items: list[tuple[str, dict]]) -> list[dict]:
    """Add entries (event, fields) in order, under one lock and one fsync: a batch costs what one entry does."""
    log.parent.mkdir(parents=True, exist_ok=True)
    entries = []
    try:
        with open(log, "a+b") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            prev, n = _last_hash(f)
            for event, fields in items:
                n += 1
                entry = {"seq": n, "time": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                         "event": event, **fields, "prev": prev}
                entry["hash"] = prev = _digest(entry)
                entries.append(entry)
            f.seek(0, os.SEEK_END)
            f.write(b"".join(json.dumps(e, sort_keys=True, ensure_ascii=False).encode() + b"\n" for e in entries))
            f.flush()
            os.fsync(f.fileno())
    except OSError as exc:
        raise IetmError(f"cannot append to the audit log: {exc.strerror or exc}", str(log)) from None
    return entries


def entries_after(log: Path, seq: int) -> list[dict]:
    """The entries whose sequence number is above `seq`, read from the end of the log (so a writer that checks
    what it wrote last reads a few blocks, not the whole log)."""
    try:
        f = open(log, "rb")
    except FileNotFoundError:
        return []
    out: list[dict] = []
    with f:
        end = f.seek(0, os.SEEK_END)
        pending = b""
        while end > 0:
            start = max(0, end - 65536)
            f.seek(start)
            chunk = f.read(end - start) + pending
            end = start
            lines = chunk.split(b"\n")
            pending = lines.pop(0) if start > 0 else b""
            for line in reversed(lines):
                try:
                    entry = json.loads(line)
                    at = int(entry["seq"])
                except (ValueError, KeyError, TypeError):
                    continue
                if at <= seq:
                    return out[::-1]
                out.append(entry)
    return out[::-1]


@dataclass
class ChainReport:
    ok: bool
    entries: int
    last_hash: str
    problem: str | None = None
    line: int | None = None


def verify_chain(log: Path) -> ChainReport:
    """Walk the log; the first broken link is reported with its line."""
    try:
        lines = log.read_bytes().splitlines()
    except FileNotFoundError:
        return ChainReport(True, 0, GENESIS)
    except OSError as exc:
        raise IetmError(f"cannot read the audit log: {exc.strerror}", str(log)) from None
    prev, n = GENESIS, 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
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
