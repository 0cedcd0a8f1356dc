"""Writing the files of a bundle: each text file also precompressed (gzip and brotli) for web servers that serve
them as they are (nginx `gzip_static` / `brotli_static`, Apache MultiViews, Caddy `precompressed`), and for the
service worker, which keeps the gzip form on the device (viewer/sw.js).

A build folder may start as hard links to the previous bundle (incremental publishing): a file is therefore
never changed in place, only replaced (unlink, then create), so the previous bundle stays whole until it is
swapped out.
"""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

import brotli

#: the forms a text file is also written in, by suffix; the service worker and the manifest know them
VARIANTS = (".gz", ".br")
TEXT_SUFFIXES = {".html", ".js", ".css", ".json", ".svg", ".webmanifest", ".xml", ".txt", ".map", ".xsig", ".manifest"}
SMALLEST = 200  # bytes; below this a compressed copy saves nothing worth a request header
GZIP_LEVEL = 6  # zlib's default: within 2 % of level 9, a third faster
BROTLI_QUALITY = 5  # 10 % smaller than gzip 6 at the same speed; 9 and above cost 15 to 50 times more


def is_text(rel: str) -> bool:
    return os.path.splitext(rel)[1].lower() in TEXT_SUFFIXES


def is_variant(rel: str, files: dict | set) -> bool:
    """Is this file the compressed form of another file of the bundle?"""
    return rel.endswith(VARIANTS) and rel[:-3] in files


def compressed(data: bytes) -> tuple[bytes, bytes]:
    """gzip (no name, no time: the same bytes every time, so unchanged pages stay unchanged) and brotli."""
    return gzip.compress(data, GZIP_LEVEL, mtime=0), brotli.compress(data, quality=BROTLI_QUALITY)


def _replace(path: Path, data: bytes) -> None:
    try:
        path.unlink()  # perhaps a hard link to the previous bundle's file, which must stay as it is
    except FileNotFoundError:
        pass
    with open(path, "wb") as fh:
        fh.write(data)


def write_file(path: Path, data: bytes, precompress: bool | None = None) -> list[Path]:
    """Write one file of the bundle, and its compressed forms if it is text; returns the files written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _replace(path, data)
    written = [path]
    if precompress is None:
        precompress = is_text(path.name)
    for suffix in VARIANTS:  # stale forms of an earlier version of this file go either way
        old = path.with_name(path.name + suffix)
        if old.exists():
            old.unlink()
    if precompress and len(data) >= SMALLEST:
        for suffix, packed in zip(VARIANTS, compressed(data)):
            variant = path.with_name(path.name + suffix)
            _replace(variant, packed)
            written.append(variant)
    return written


def precompress_file(path: Path) -> list[Path]:
    """Add the compressed forms of a text file written as it is (copied assets, converted illustrations)."""
    return write_file(path, path.read_bytes()) if is_text(path.name) else [path]


def copy_file(source: Path, target: Path) -> list[Path]:
    """Copy a file into the bundle (text files with their compressed forms)."""
    if is_text(target.name):
        return write_file(target, source.read_bytes())
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        target.unlink()
    except FileNotFoundError:
        pass
    shutil.copyfile(source, target)
    return [target]
