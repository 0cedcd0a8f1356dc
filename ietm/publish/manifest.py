"""manifest.json: every file of the bundle with its size and SHA-256, so a reader (and a signature over this one
file) can tell that a bundle is exactly what was published. Written last; it does not list itself, and has no
precompressed forms (the file that vouches for the others stays one file; servers compress it on the fly). The
precompressed forms of the other files are listed like any file: a web server may serve them instead, so they
must be what was published too."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from ietm.publish.files import tree


NAME = "manifest.json"


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _files(bundle: Path) -> dict[str, int]:
    """{relative path: inode} of every file in the bundle but the manifest."""
    files = tree(bundle)[0]
    files.pop(NAME, None)
    return files


def digests(bundle: Path, known: dict[str, dict] | None = None) -> dict[str, dict]:
    """{relative path: {sha256, size}} of every file in the bundle but the manifest; `known` ones are reused."""
    out: dict[str, dict] = {}
    known = known or {}
    for rel in _files(bundle):
        if rel in known:
            out[rel] = known[rel]
        else:
            path = bundle / rel
            out[rel] = {"sha256": file_digest(path), "size": path.stat().st_size}
    return out


def update_digests(build: Path, linked: dict[str, int] | None, known: dict[str, dict] | None,
                   written: dict[str, dict] | None = None) -> dict[str, dict]:
    """The digests of a build that began as hard links to the previous bundle's files (`linked`: path -> inode):
    a file that is still that file (same inode) keeps its digest from the old manifest (`known`); one this build
    wrote and hashed as it wrote it has that digest (`written`); any other is hashed."""
    if not known or linked is None:
        return digests(build, written)
    out: dict[str, dict] = {}
    written = written or {}
    for rel, inode in _files(build).items():
        if rel in written:
            out[rel] = written[rel]
        elif rel in known and linked.get(rel) == inode:
            out[rel] = known[rel]
        else:
            path = build / rel
            out[rel] = {"sha256": file_digest(path), "size": path.stat().st_size}
    return out


def release_id(files: dict[str, dict]) -> str:
    """A release is named by what it holds: a hash over every file's path and digest."""
    h = hashlib.sha256()
    for rel in sorted(files):
        h.update(f"{rel}\0{files[rel]['sha256']}\n".encode())
    return h.hexdigest()[:16]


def read_manifest(bundle: Path) -> dict | None:
    try:
        return json.loads((bundle / NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_manifest(bundle: Path, release: str, files: dict[str, dict]) -> tuple[int, int]:
    """Write the manifest of the bundle's `files` (ietm.publish.manifest.digests); returns (files, bytes)."""
    data = {"format": 1, "release": release, "algorithm": "sha256", "files": files}
    tmp = bundle / f".{NAME}.tmp"
    tmp.write_bytes(json.dumps(data, sort_keys=True, separators=(",", ":")).encode("utf-8"))
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
    for rel in sorted(_files(bundle)):
        if rel not in listed:
            problems.append(f"{rel}: not in the manifest")
    return problems
