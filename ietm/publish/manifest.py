"""manifest.json: every file of the bundle with its size and SHA-256, so a reader (and a signature over this one
file) can tell that a bundle is exactly what was published. Written last; it does not list itself."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

NAME = "manifest.json"


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def digests(bundle: Path, known: dict[str, dict] | None = None) -> dict[str, dict]:
    """{relative path: {sha256, size}} of every file in the bundle but the manifest; `known` ones are reused."""
    out: dict[str, dict] = {}
    for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
        rel = path.relative_to(bundle).as_posix()
        if rel == NAME:
            continue
        out[rel] = known[rel] if known and rel in known else {"sha256": file_digest(path), "size": path.stat().st_size}
    return out


def release_id(files: dict[str, dict]) -> str:
    """A release is named by what it holds: a hash over every file's path and digest."""
    h = hashlib.sha256()
    for rel in sorted(files):
        h.update(f"{rel}\0{files[rel]['sha256']}\n".encode())
    return h.hexdigest()[:16]


def write_manifest(bundle: Path, release: str, known: dict[str, dict] | None = None) -> tuple[int, int]:
    """Write the manifest (files written since `known` was taken are hashed now); returns (files, bytes)."""
    files = digests(bundle, known)
    data = {"format": 1, "release": release, "algorithm": "sha256", "files": files}
    tmp = bundle / f".{NAME}.tmp"
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, bundle / NAME)
    return len(files), sum(f["size"] for f in files.values())


def verify(bundle: Path) -> list[str]:
    """Files that differ from the manifest, are missing, or are not listed (empty: the bundle is intact)."""
    data = json.loads((bundle / NAME).read_text(encoding="utf-8"))
    problems = []
    listed = data["files"]
    for rel, meta in listed.items():
        p = bundle / rel
        if not p.is_file():
            problems.append(f"{rel}: missing")
        elif file_digest(p) != meta["sha256"]:
            problems.append(f"{rel}: changed")
    for p in bundle.rglob("*"):
        rel = p.relative_to(bundle).as_posix()
        if p.is_file() and rel != NAME and rel not in listed:
            problems.append(f"{rel}: not in the manifest")
    return problems
