"""The release manifest: every delivered object and illustration with its identity and SHA-256.

The manifest is written in a fixed order (objects by path, then ICNs) so the same set gives the same
list; it is validated against schemas/release/release.xsd both when written and when read back.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from functools import lru_cache
from hashlib import sha256
from pathlib import Path

from lxml import etree

from ietm.errors import ConfigError, InputError
from ietm.parse.loader import load_own
from ietm.parse.model import ICN_SUFFIXES, read_object
from ietm.paths import SCHEMAS

RELEASE_NS = "urn:ietm:release:1"
MANIFEST_NAME = "release.manifest"
#: the manifest `ietm publish` writes into a bundle: {"files": {path: {"sha256", "size"}}, "release": id}
BUNDLE_MANIFEST = "manifest.json"
SCHEMA = SCHEMAS / "release" / "release.xsd"


@dataclass
class Entry:
    kind: str  # dm, pm, ... or icn
    code: str
    path: str  # relative to the manifest, forward slashes
    sha256: str
    size: int
    issue: str | None = None
    language: str | None = None
    qa: str | None = None


@lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    try:
        return etree.XMLSchema(etree.parse(str(SCHEMA)))
    except (OSError, etree.XMLSchemaParseError) as exc:
        raise ConfigError(f"release schema unreadable: {exc}", str(SCHEMA)) from None


def delivered_files(csdb: Path) -> list[Path]:
    """The CSDB's objects and ICNs (hidden files and folders left out).

    Signatures (`.xsig`) and the manifest (`release.manifest`) have names no CSDB scanner picks up as an
    object, so signing a CSDB never makes `ietm check` or the catalog see files it cannot read.
    """
    out = []
    for folder, dirs, files in os.walk(csdb):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            low = name.lower()
            if name.startswith("."):
                continue
            if low.endswith(".xml") or Path(low).suffix in ICN_SUFFIXES:
                out.append(Path(folder) / name)
    return out


def collect(csdb: Path) -> tuple[list[Entry], list[str]]:
    """Entries for every delivered file, and the in-work objects (a release may not hold any)."""
    entries, in_work = [], []
    for path in delivered_files(csdb):
        rel = path.relative_to(csdb).as_posix()
        obj = read_object(path, rel)
        data = path.read_bytes()
        if obj.kind == "unknown":
            continue
        if obj.in_work:
            in_work.append(f"{rel} (issue {obj.issue})")
        entries.append(Entry(obj.kind, obj.key, rel, sha256(data).hexdigest(), len(data), obj.issue, obj.language, obj.qa))
    return entries, in_work


def build(entries: list[Entry], name: str) -> bytes:
    root = etree.Element(f"{{{RELEASE_NS}}}release", nsmap={None: RELEASE_NS})
    objects = [e for e in entries if e.kind != "icn"]
    icns = [e for e in entries if e.kind == "icn"]
    root.attrib.update({"created": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "name": name,
                        "objects": str(len(objects)), "icns": str(len(icns))})
    for e in [*objects, *icns]:
        el = etree.SubElement(root, f"{{{RELEASE_NS}}}{'icn' if e.kind == 'icn' else 'object'}")
        if e.kind != "icn":
            el.set("kind", e.kind)
        el.set("code", e.code)
        for attr in ("issue", "language", "qa"):
            if getattr(e, attr):
                el.set(attr, getattr(e, attr))
        el.attrib.update({"path": e.path, "sha256": e.sha256, "size": str(e.size)})
    etree.indent(root, "  ")
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"
    parse(data, "release manifest")  # never write what the verifier would refuse
    return data


def parse(data: bytes, display: str) -> tuple[etree._Element, list[Entry]]:
    """A manifest's root and entries; anything not valid against the release schema is an InputError."""
    root = load_own(data, display, "release manifest")
    xsd = schema()
    if not xsd.validate(root):
        err = xsd.error_log[0]
        raise InputError(f"release manifest is not valid against release.xsd: {err.message}", display, err.line)
    entries = []
    for el in root:
        if not isinstance(el.tag, str):
            continue
        if any(part in ("..", ".") for part in el.get("path").split("/")):
            raise InputError(f"release manifest names a path outside the release: {el.get('path')}", display, el.sourceline)
        kind = "icn" if el.tag == f"{{{RELEASE_NS}}}icn" else el.get("kind")
        entries.append(Entry(kind, el.get("code"), el.get("path"), el.get("sha256"), int(el.get("size")),
                             el.get("issue"), el.get("language"), el.get("qa")))
    return root, entries


def parse_bundle(data: bytes, display: str) -> list[Entry]:
    """The entries of a published bundle's manifest.json (every file of the bundle but itself)."""
    import json

    try:
        files = json.loads(data.decode("utf-8"))["files"]
        entries = [Entry("file", rel, rel, meta["sha256"], int(meta["size"])) for rel, meta in sorted(files.items())]
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        raise InputError("not a bundle manifest (JSON with files: {path: {sha256, size}})", display) from None
    for e in entries:
        if any(part in ("..", ".", "") for part in e.path.split("/")) or e.path.startswith("/") or ":" in e.path:
            raise InputError(f"bundle manifest names a path outside the bundle: {e.path}", display)
    return entries
