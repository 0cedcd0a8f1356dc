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


def write_manifest(bundle: Path, release: str) -> tuple[int, int]:
    """Write the manifest; returns (files listed, their total bytes)."""
    files = {}
    total = 0
    for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
        rel = path.relative_to(bundle).as_posix()
        if rel == NAME:
            continue
        size = path.stat().st_size
        files[rel] = {"sha256": file_digest(path), "size": size}
        total += size
    data = {"format": 1, "release": release, "algorithm": "sha256", "files": files}
    tmp = bundle / f".{NAME}.tmp"
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, bundle / NAME)
    return len(files), total


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
