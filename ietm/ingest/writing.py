"""Writing the draft into the CSDB: every file atomically, none over a writer's work, each object checked.

The import keeps a manifest, `<csdb>/.ietm-import/manifest.json`, of what it wrote (file -> SHA-256). On a
re-import a file is replaced only if it is still exactly what the last import wrote; a file changed since,
or one of which a later issue exists, is kept and reported. Without the manifest nothing existing is
replaced. The written objects are then validated (schemas: the configured official ones, else the ietm
profile) and checked against their BREX when one is at hand, and every problem is listed in the report.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ietm.atomic import write_new
from ietm.check.brex import Checker, make_spec
from ietm.check.schema import Validator
from ietm.check.schemas_locator import SchemaLocator
from ietm.config import Config
from ietm.ingest.report import ConversionReport
from ietm.report import Finding

MANIFEST_DIR = ".ietm-import"
_ISSUE = re.compile(r"_(\d{3})-(\d{2})(?=[_.])")


@dataclass
class Manifest:
    path: Path
    #: source name -> {"pm": n, "dml": n, "language": ll-CC, "files": {name: sha}, "codes": [...], "plan": [[code, what]]}
    sources: dict[str, dict] = field(default_factory=dict)
    icns: dict[str, str] = field(default_factory=dict)  # picture sha -> ICN name

    @classmethod
    def read(cls, csdb: Path) -> Manifest:
        path = csdb / MANIFEST_DIR / "manifest.json"
        if not path.is_file():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(path, dict(data.get("sources", {})), dict(data.get("icns", {})))
        except (ValueError, OSError, AttributeError):
            return cls(path)  # unreadable: treat every existing file as the writer's

    def written_sha(self, name: str) -> str | None:
        for record in self.sources.values():
            sha = record.get("files", {}).get(name)
            if sha:
                return sha
        return None

    def taken_codes(self, except_source: str) -> set[str]:
        return {c for s, r in self.sources.items() if s != except_source for c in r.get("codes", [])}

    def pm_number(self, source: str) -> int:
        if source in self.sources and "pm" in self.sources[source]:
            return int(self.sources[source]["pm"])
        used = {int(r["pm"]) for r in self.sources.values() if "pm" in r}
        return max(used, default=0) + 1

    def dml_number(self, source: str, pm: int) -> int:
        """The DML's sequence number: its publication module's, unless another source's DML has that one (the
        language versions of a document share their publication module, and a DML's file name has no language)."""
        record = self.sources.get(source, {})
        if "dml" in record:
            return int(record["dml"])
        taken = {int(r.get("dml", r.get("pm", 0))) for s, r in self.sources.items() if s != source}
        if pm not in taken:
            return pm
        return max({int(r[k]) for r in self.sources.values() for k in ("pm", "dml") if k in r} | {pm}) + 1

    def save(self) -> None:
        self.path.parent.mkdir(exist_ok=True)
        data = json.dumps({"sources": self.sources, "icns": self.icns}, ensure_ascii=False, indent=1, sort_keys=True)
        write_new(self.path, data.encode("utf-8"), overwrite=True)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _later_issue_exists(csdb: Path, name: str) -> str | None:
    m = _ISSUE.search(name)
    if not m:
        return None
    head, tail = name[: m.start()], name[m.end():]
    for other in csdb.glob(f"{head}_*{tail}"):
        o = _ISSUE.search(other.name)
        if o and other.name[: o.start()] == head and other.name[o.end():].upper() == tail.upper() \
                and (o.group(1), o.group(2)) > (m.group(1), m.group(2)):
            return other.name
    return None


def write_all(csdb: Path, outputs: dict[str, bytes], manifest: Manifest, source: str, report: ConversionReport) -> list[Path]:
    """Write the outputs that are new or still as last imported; returns the paths now holding this import."""
    record = manifest.sources.setdefault(source, {})
    files = dict(record.get("files", {}))
    current: list[Path] = []
    for name, data in outputs.items():
        path = csdb / name
        later = _later_issue_exists(csdb, name)
        if later:
            report.kept.append((name, f"a later issue exists ({later})"))
            continue
        if path.exists():
            on_disk = path.read_bytes()
            if on_disk == data:
                report.unchanged.append(name)
                files[name] = sha(data)
                current.append(path)
                continue
            if manifest.written_sha(name) != sha(on_disk):
                report.kept.append((name, "changed since the last import (or not written by it): not replaced"))
                continue
            write_new(path, data, overwrite=True)
        else:
            write_new(path, data)
        files[name] = sha(data)
        report.written.append(name)
        current.append(path)
    record["files"] = files
    return current


def check_written(paths: list[Path], csdb: Path, config: Config, report: ConversionReport, project_brex: bool) -> None:
    """Schema and BREX findings of every object just written, in the report."""
    locator = SchemaLocator(config.paths("schemas.dirs"), config.paths("schemas.catalogs"))
    validator = Validator(locator)
    defaults = config.paths("brex.default")
    has_brex = bool(defaults) or project_brex
    checker = Checker(make_spec([csdb], defaults=defaults)) if has_brex else None
    if not has_brex:
        report.leave("output", "BREX not checked: the CSDB has no BREX module and no [brex] default is configured")
    for path in paths:
        if path.suffix.upper() != ".XML":
            continue
        findings = validator.validate_file(str(path))
        if checker is not None:
            findings += [f for f in checker.check_file(str(path)) if f.rule != "brex-none"]
        report.findings += [Finding(f.severity, path.name, f.message, f.line, f.col, f.rule, f.check) for f in findings]
