"""The gate: each uploaded object is checked in a staging folder, and enters the CSDB only if it passes.

An accepted file is hard-linked into the CSDB, which is atomic and never replaces an existing file: a new
issue of a module is a new file name, so an existing issue can never be overwritten by an upload.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable

from ietm.errors import InputError
from ietm.intake.archive import Upload
from ietm.parse.loader import load_bytes
from ietm.parse.model import ICN_SUFFIXES, describe
from ietm.paths import state_dir
from ietm.report import Finding

Check = Callable[[Path], list[Finding]]

#: what the first bytes of an illustration must be, by its suffix
MAGIC = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".cgm": (b"\x00", b"\x00\x20", b"BEGMF"),
    ".pdf": (b"%PDF-",),
}


@dataclass
class Verdict:
    name: str
    accepted: bool = False
    findings: list[Finding] = field(default_factory=list)
    key: str | None = None


def admit(uploads: list[Upload], csdb: Path, check: Check) -> list[Verdict]:
    """Check every upload; move those without errors into the CSDB. Returns one verdict per upload."""
    staging_root = state_dir(csdb) / "staging"
    staging_root.mkdir(parents=True, exist_ok=True)
    existing = {p.name.lower() for p in csdb.iterdir()}
    staging = Path(tempfile.mkdtemp(dir=staging_root))
    verdicts = []
    try:
        for up in uploads:
            verdict = Verdict(up.name)
            verdicts.append(verdict)
            if up.name.lower() in existing:
                verdict.findings.append(Finding("error", up.name, "a file of this name is in the CSDB already; an upload "
                                                "never replaces one (raise a new issue: ietm upissue)", rule="exists", check="intake"))
                continue
            staged = staging / up.name
            staged.write_bytes(up.data)
            verdict.findings += _inspect(up, staged, verdict, check)
            if not any(f.severity == "error" for f in verdict.findings):
                _enter(staged, csdb / up.name)
                verdict.accepted = True
                existing.add(up.name.lower())
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return verdicts


def _inspect(up: Upload, staged: Path, verdict: Verdict, check: Check) -> list[Finding]:
    suffix = staged.suffix.lower()
    if suffix in ICN_SUFFIXES:
        if suffix == ".svg":
            try:
                load_bytes(up.data, up.name)
            except InputError as exc:
                return [Finding("error", up.name, exc.message, exc.line, rule="not-readable", check="intake")]
            return []
        if suffix in MAGIC and not up.data.startswith(MAGIC[suffix]):
            return [Finding("error", up.name, f"content is not a {suffix[1:].upper()} file", rule="wrong-type", check="intake")]
        return []
    if suffix != ".xml":
        return [Finding("error", up.name, f"'{suffix or 'no suffix'}' files are not CSDB objects", rule="wrong-type", check="intake")]
    try:
        obj = describe(load_bytes(up.data, up.name))
    except InputError as exc:
        return [Finding("error", up.name, exc.message, exc.line, rule="not-readable", check="intake")]
    verdict.key = obj.key
    findings = []
    if not obj.name_ok:
        findings.append(Finding("error", up.name, f"file name does not agree with the object's identity; expected "
                                f"{obj.expected_name}", rule="name", check="intake"))
    findings += [Finding(f.severity, up.name, f.message, f.line, f.col, f.rule, f.check) for f in check(staged)]
    return findings


TEMP_PREFIXES = (".upload-",)


def clean_stale(csdb: Path) -> int:
    """Remove what an interrupted upload or remark left behind (a server killed mid-write); returns the count.

    Call it when a server starts, before it accepts uploads: staging folders and hidden temporary files are
    never objects, and a file that entered the CSDB did so whole, by one link.
    """
    removed = 0
    staging = state_dir(csdb) / "staging"
    if staging.is_dir():
        for leftover in staging.iterdir():
            shutil.rmtree(leftover, ignore_errors=True) if leftover.is_dir() else leftover.unlink(missing_ok=True)
            removed += 1
    for leftover in csdb.iterdir():
        # also the hidden .NAME.XXXX.tmp files of ietm.atomic and of a signing's write-together
        hidden_tmp = leftover.name.startswith(".") and leftover.name.endswith(".tmp")
        if (leftover.name.startswith(TEMP_PREFIXES) or hidden_tmp) and leftover.is_file():
            leftover.unlink(missing_ok=True)
            removed += 1
    return removed


def join_writers(csdb: Path) -> tuple[int, IO]:
    """Count this process among those that write into the CSDB (servers, workers) for as long as it keeps the
    returned file open: a shared lock on `writers.lock` in the state folder. If no other such process is alive
    (the lock can be had exclusively), first clean what interrupted writes left (`clean_stale`): a worker that
    starts beside others, or in place of one that was killed, must not take away their uploads in progress.
    Returns the count cleaned and the open lock file."""
    folder = state_dir(csdb)
    folder.mkdir(parents=True, exist_ok=True)
    lock = open(folder / "writers.lock", "a")
    cleaned = 0
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        pass  # others are writing: their temporary files are not leftovers
    else:
        cleaned = clean_stale(csdb)
    fcntl.flock(lock, fcntl.LOCK_SH)  # (turns the exclusive lock into a shared one without letting go)
    return cleaned, lock


def _enter(staged: Path, dest: Path) -> None:
    """Atomically create `dest` with the staged content, failing rather than replacing an existing file."""
    with open(staged, "rb") as f:
        os.fsync(f.fileno())
    try:
        os.link(staged, dest)
    except OSError as exc:
        if isinstance(exc, FileExistsError):
            raise InputError("a file of this name appeared in the CSDB meanwhile; nothing was replaced", dest.name) from None
        # another file system: copy beside the destination, then link that into place
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=TEMP_PREFIXES[0])
        try:
            with os.fdopen(fd, "wb") as out, open(staged, "rb") as src:
                shutil.copyfileobj(src, out)
                out.flush()
                os.fsync(out.fileno())
            os.link(tmp, dest)
        finally:
            os.unlink(tmp)
