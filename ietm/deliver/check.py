"""Completeness on receipt: a delivered folder (or an update package) against its signed record and the DML.

Each file is one of: as delivered; **missing** (the record lists it, the folder lacks it); **extra** (in the
folder, not in the record); **changed** (its SHA-256 differs from the record's); **unsigned** (the record that
lists it has no signature, or one that is not trusted, so nothing vouches for it). A module the DML requires
for the delivered products that the delivery does not hold is missing too. The verdict:

- **complete** — the record's signature holds, every file is as delivered, the DML is satisfied;
- **incomplete** — nothing was altered, but files (or required modules) are missing;
- **tampered** — a file changed or was added, or the record is unsigned, altered or signed by no one trusted.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from hashlib import sha256
from pathlib import Path

from ietm.deliver import record as records
from ietm.errors import InputError, NotFound

EXIT_CODES = {"complete": 0, "incomplete": 21, "tampered": 22}
STATES = ("missing", "extra", "changed", "unsigned")


@dataclass
class Finding:
    state: str  # one of STATES
    path: str  # a file of the set, or "CODE (language)" for a module the DML requires
    detail: str = ""


@dataclass
class Checked:
    path: str
    verdict: str
    record: dict | None
    signature: dict  # status, reason, signer, signed_at of the record's signature
    trust: str  # "configured": the checker's trust store; "embedded": the anchors the record carries
    findings: list[Finding] = field(default_factory=list)
    files: int = 0

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.verdict]

    def count(self, state: str) -> int:
        return sum(1 for f in self.findings if f.state == state)

    def to_dict(self) -> dict:
        r = self.record or {}
        return {
            "path": self.path, "verdict": self.verdict, "kind": r.get("kind"), "id": r.get("id"),
            "customer": r.get("customer"), "products": [p.get("id") for p in r.get("products", [])],
            "release": (r.get("release") or {}).get("name"), "date": r.get("date"), "base": r.get("base"),
            "signature": self.signature, "trust": self.trust, "files": self.files,
            "counts": {s: self.count(s) for s in STATES},
            "findings": [asdict(f) for f in self.findings],
        }


def verdict_of(findings: list[Finding]) -> str:
    states = {f.state for f in findings}
    if states & {"changed", "extra", "unsigned"}:
        return "tampered"
    return "incomplete" if "missing" in states else "complete"


def _store(start: Path, record: dict, trust: tuple, crls: tuple, policy: Path | None, display: str):
    """The checker's own trust store when they configured one (options or ietm.toml), else the record's."""
    from ietm.config import load_config
    from ietm.sign.verify import load_store

    if trust or load_config(start).values.get("sign.trust"):
        return load_store(start, trust, crls, policy), "configured"
    return records.store_of_record(record, display), "embedded"


def check_folder(folder: Path, name: str = records.RECORD, trust: tuple = (), crls: tuple = (),
                 policy: Path | None = None, display: str | None = None) -> Checked:
    """Check a folder against the record `name` in it (delivery.json, or update.json of an unpacked package)."""
    folder = Path(folder)
    display = display or str(folder)
    if not folder.is_dir():
        raise NotFound("no such folder", display)
    path = folder / name
    if not path.is_file():
        raise NotFound(f"no {name} here: not a delivered folder (ietm deliver writes one)", display)
    data = path.read_bytes()
    try:
        record = records.loads(data, f"{display}/{name}")
    except InputError as exc:
        return Checked(display, "tampered", None, {"status": "invalid", "reason": exc.message}, "none",
                       [Finding("changed", name, exc.message)])
    store, how = _store(folder, record, trust, crls, policy, f"{display}/{name}")
    outcome = records.check_signature(path, data, store)
    signature = {"status": outcome.status, "reason": outcome.reason, "signer": outcome.signer,
                 "signed_at": outcome.signed_at}
    findings: list[Finding] = []
    if outcome.status == "invalid":
        findings.append(Finding("changed", name, outcome.reason))
    listed: dict = record["files"]
    for rel in sorted(listed):
        target = folder / rel
        if not target.is_file():
            findings.append(Finding("missing", rel))
        elif sha256(target.read_bytes()).hexdigest() != listed[rel]["sha256"]:
            findings.append(Finding("changed", rel, "SHA-256 differs from the record's"))
        elif outcome.status not in ("valid", "invalid"):
            findings.append(Finding("unsigned", rel, outcome.reason))
    own = set(records.own_files(name))
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.is_file() and rel not in listed and rel not in own and not any(part.startswith(".") for part in p.relative_to(folder).parts):
            findings.append(Finding("extra", rel, "not in the record"))
    held = {(o.get("key"), o.get("language")) for o in record.get("objects", [])}
    for r in record.get("required", []):
        if (r.get("key"), r.get("language")) not in held:
            findings.append(Finding("missing", f"{r.get('key')} ({r.get('language') or '-'})",
                                    "required by the DML for these products, not delivered"))
    return Checked(display, verdict_of(findings), record, signature, how, findings, len(listed))


def unpack(package: Path, into: Path) -> None:
    """Extract an update package (zip) safely: no traversal, links, bombs or names outside a bundle."""
    import stat
    import zipfile

    from ietm.intake.archive import check_sizes

    try:
        archive = zipfile.ZipFile(package)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"not a readable update package (zip): {exc}", str(package)) from None
    with archive:
        for info in check_sizes(archive, str(package)):
            parts = info.filename.split("/")
            if (info.filename.startswith("/") or "\\" in info.filename or any(p in ("", ".", "..") for p in parts)
                    or ":" in info.filename or stat.S_ISLNK(info.external_attr >> 16)):
                raise InputError(f"update package entry {info.filename!r} is not a plain path inside a bundle: refused",
                                 str(package))
            with archive.open(info) as member:
                content = member.read(info.file_size + 1)
            if len(content) != info.file_size:
                raise InputError(f"update package entry {info.filename!r} is larger than its header says", str(package))
            target = into.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)


def check_package(package: Path, trust: tuple = (), crls: tuple = (), policy: Path | None = None) -> Checked:
    """An update package checked the same way as a delivery: every file it carries against update.json."""
    if not Path(package).is_file():
        raise NotFound("no such file", str(package))
    work = Path(tempfile.mkdtemp(prefix=".ietm-update-"))
    try:
        unpack(Path(package), work)
        start = Path(package).resolve().parent
        return _check_unpacked(work, start, trust, crls, policy, str(package))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _check_unpacked(work: Path, start: Path, trust, crls, policy, display: str) -> Checked:
    """check_folder on an unpacked package, the trust store found from where the package lies."""
    if not (work / records.UPDATE).is_file():
        raise NotFound(f"no {records.UPDATE} in the package: not an update package (ietm deliver --update makes one)",
                       display)
    if not trust:
        from ietm.config import load_config

        configured = load_config(start).values.get("sign.trust")
        trust = tuple(Path(t) for t in configured or ())
    return check_folder(work, records.UPDATE, trust, crls, policy, display)


def check(path: Path, trust: tuple = (), crls: tuple = (), policy: Path | None = None) -> Checked:
    """A delivered folder or an update package (.zip)."""
    path = Path(path)
    if path.is_file():
        return check_package(path, trust, crls, policy)
    return check_folder(path, records.RECORD, trust, crls, policy)
