"""What the server remembers of editing: every save (who, when, which issue, its check state) in the server
database, and every version the editor served or wrote, by its SHA-256, so that a later save can be merged
against the version its writer started from even after that in-work file was saved over."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Boolean, Column, DateTime, Integer, String, Table, Text, select

from ietm.atomic import write_new
from ietm.serverdb import Database, metadata

#: days a version nobody opened or saved is kept for merges (the last save of each module is kept always)
KEEP_DAYS = 90

saves = Table(
    "edit_saves",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("module", String(200), nullable=False, index=True),  # data module key, DMC-...
    Column("language", String(20), nullable=False),
    Column("issue", String(10), nullable=False),
    Column("file", String(300), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("base_sha256", String(64)),
    Column("writer", String(64), nullable=False, index=True),
    Column("saved_at", DateTime(timezone=True), nullable=False),
    Column("upissued", Boolean, nullable=False, default=False),
    Column("errors", Integer, nullable=False, default=0),
    Column("warnings", Integer, nullable=False, default=0),
    Column("findings", Text, nullable=False, default="[]"),
)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Save:
    module: str
    language: str
    issue: str
    file: str
    sha256: str
    writer: str
    saved_at: dt.datetime
    upissued: bool
    errors: int
    warnings: int
    findings: list[dict]


class EditStore:
    def __init__(self, db: Database, state: Path) -> None:
        self.db = db
        self.versions = state / "edit" / "versions"

    # -- versions ---------------------------------------------------------------------------------------------

    def keep(self, data: bytes) -> str:
        """Keep a version (once per content; opening it again counts as a use); returns its SHA-256."""
        digest = sha256(data)
        path = self.versions / f"{digest}.xml"
        if not path.exists():
            self.versions.mkdir(parents=True, exist_ok=True)
            write_new(path, data, overwrite=True, durable=False)
        else:
            os.utime(path)
        return digest

    def prune(self, days: int = KEEP_DAYS) -> int:
        """Forget versions nobody opened or saved for `days` days, except the last save of each module (a draft
        that old can still be merged against what it was made from). Returns how many went."""
        if not self.versions.is_dir():
            return 0
        cutoff = time.time() - days * 86400
        with self.db.read() as conn:
            kept = {save.sha256 for save in self.last_saves()} | {
                row.base_sha256 for row in conn.execute(select(saves.c.base_sha256).distinct()) if row.base_sha256}
        gone = 0
        for path in self.versions.glob("*.xml"):
            if path.stem not in kept and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                gone += 1
        return gone

    def version(self, digest: str) -> bytes | None:
        if not digest or not all(c in "0123456789abcdef" for c in digest) or len(digest) != 64:
            return None
        path = self.versions / f"{digest}.xml"
        return path.read_bytes() if path.exists() else None

    # -- saves ------------------------------------------------------------------------------------------------

    def record(self, save: Save, base: str | None) -> None:
        with self.db.begin() as conn:
            conn.execute(saves.insert().values(
                module=save.module, language=save.language, issue=save.issue, file=save.file, sha256=save.sha256,
                base_sha256=base, writer=save.writer, saved_at=save.saved_at, upissued=save.upissued,
                errors=save.errors, warnings=save.warnings, findings=json.dumps(save.findings, ensure_ascii=False)))

    def last_saves(self, writer: str | None = None) -> list[Save]:
        """The last save of each module and language (by this writer, when one is named), newest first."""
        query = select(saves).order_by(saves.c.saved_at.desc(), saves.c.id.desc())
        if writer is not None:
            query = query.where(saves.c.writer == writer)
        out: dict[tuple[str, str], Save] = {}
        with self.db.read() as conn:
            for row in conn.execute(query):
                key = (row.module, row.language)
                if key not in out:
                    out[key] = Save(row.module, row.language, row.issue, row.file, row.sha256, row.writer,
                                    row.saved_at, row.upissued, row.errors, row.warnings, json.loads(row.findings))
        return list(out.values())

    def last_save_of(self, module: str, language: str) -> Save | None:
        query = (select(saves).where(saves.c.module == module, saves.c.language == language)
                 .order_by(saves.c.saved_at.desc(), saves.c.id.desc()).limit(1))
        with self.db.read() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        return Save(row.module, row.language, row.issue, row.file, row.sha256, row.writer, row.saved_at,
                    row.upissued, row.errors, row.warnings, json.loads(row.findings))
