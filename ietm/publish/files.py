"""Writing the files of a bundle: each text file also precompressed (gzip and brotli) for web servers that serve
them as they are (nginx `gzip_static` / `brotli_static`, Apache MultiViews, Caddy `precompressed`), and for the
service worker, which keeps the gzip form on the device (viewer/sw.js).

A build folder may start as hard links to the previous bundle (incremental publishing): a file is therefore
never changed in place, only replaced, so the previous bundle stays whole until it is swapped out. A file
several workers may write (a shared script) is replaced by renaming a temporary file over it, so that it is
never left half-written; a page, which one worker writes, is written straight into the build folder (private
to the build and swapped in whole, or removed if the build fails): a temporary file and a rename for each of
a page's three files was a tenth of the page's time.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from pathlib import Path

import brotli
from isal import isal_zlib

from ietm.atomic import write_new
from ietm.errors import IetmError

#: the forms a text file is also written in, by suffix; the service worker and the manifest know them
VARIANTS = (".gz", ".br")
TEXT_SUFFIXES = {".html", ".js", ".css", ".json", ".svg", ".webmanifest", ".xml", ".txt", ".map", ".xsig", ".manifest"}
SMALLEST = 200  # bytes; below this a compressed copy saves nothing worth a request header
# The gzip form is made by ISA-L (isal: Intel's deflate, the same format any gzip reader reads), which at its
# default level 2 compresses a page six times faster than zlib at level 4 for a tenth more bytes; brotli at
# quality 2. Measured on 600 pages of a 10,000-module bundle (bench/README.md, "page speed, third pass"): zlib 4
# made 9.0 % of the size in 0.33 ms a page, ISA-L 2 makes 9.9 % in 0.05 ms (the device keeps the gzip forms:
# about 8 MB of pages per 1,000 modules, half the 15 MB a tablet is given); brotli 3 made 6.9 % in 0.20 ms,
# 2 makes 7.2 % in 0.16 ms (for web servers only, still a quarter smaller than the gzip form).
GZIP_LEVEL = 2
BROTLI_QUALITY = 2


def is_text(rel: str) -> bool:
    return os.path.splitext(rel)[1].lower() in TEXT_SUFFIXES


def drop_variants(path: str) -> None:
    """Remove the compressed forms of a file, if it has them."""
    for suffix in VARIANTS:
        try:
            os.unlink(path + suffix)
        except FileNotFoundError:
            pass


def is_variant(rel: str, files: dict | set) -> bool:
    """Is this file the compressed form of another file of the bundle?"""
    return rel.endswith(VARIANTS) and rel[:-3] in files


def compressed(data: bytes) -> tuple[bytes, bytes]:
    """gzip (no name, no time: the same bytes every time, so unchanged pages stay unchanged) and brotli."""
    return isal_zlib.compress(data, GZIP_LEVEL, wbits=31), brotli.compress(data, quality=BROTLI_QUALITY)


def _replace(path: Path, data: bytes) -> None:
    # the old name may be a hard link to the previous bundle's file, which must stay as it is: rename over it;
    # readable by a web server's user (a bundle holds nothing private), not forced to disk (it can be made again)
    write_new(path, data, overwrite=True, durable=False, mode=0o644)


def _create(path: str, data: bytes) -> None:
    """Write a file of the build folder that no other process writes: a name linked from the previous bundle
    is unlinked first (its file stays as it is), a folder is made the first time a file in it is."""
    try:
        try:
            fd = os.open(path, _CREATE, 0o644)
        except FileExistsError:
            os.unlink(path)
            fd = os.open(path, _CREATE, 0o644)
        except FileNotFoundError:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            fd = os.open(path, _CREATE, 0o644)
        try:
            os.fchmod(fd, 0o644)  # whatever the umask: a web server's user reads the bundle
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
    except OSError as exc:
        raise IetmError(f"cannot write: {exc.strerror or exc}", path) from None


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def write_page(out: Path, rel: str, data: bytes) -> dict[str, dict]:
    """Write one page of the bundle (`rel`, a path in `out` that only this worker writes) with its compressed
    forms; returns each file's manifest entry by bundle path, from the bytes in hand."""
    base = os.path.join(out, rel)
    _create(base, data)
    written = {rel: digest(data)}
    if len(data) >= SMALLEST:
        for suffix, packed in zip(VARIANTS, compressed(data)):
            _create(base + suffix, packed)
            written[rel + suffix] = digest(packed)
    else:
        drop_variants(base)  # the forms of an earlier version of this page
    return written


def tree(folder: Path) -> tuple[dict[str, int], list[str]]:
    """({relative path: inode} of every file, every folder below `folder`), from the folders' listings (the inode
    as the listing gives it: no stat of each of tens of thousands of files)."""
    files: dict[str, int] = {}
    folders: list[str] = []
    todo = [("", str(folder))]
    while todo:
        rel, path = todo.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(rel + entry.name)
                    todo.append((rel + entry.name + "/", entry.path))
                else:
                    files[rel + entry.name] = entry.inode()
    return files, folders


#: threads that remove a tree's files: removing a file that was written to the disk waits for it, on a disk told
#: of freed blocks (mounted with `discard`, as this machine's) milliseconds a file, and the waits of several
#: overlap. 4,000 files of 25 kB at load 11: 3.06 s with one thread, 1.78 s with 4, 0.52 s with 16
REMOVERS = 16


def remove_tree(folder: Path) -> None:
    """Remove a folder and all it holds (symbolic links as they are, never followed); what cannot be removed is
    left. A bundle is tens of thousands of files: they are unlinked by REMOVERS threads."""
    try:
        files, folders = tree(folder)
    except OSError:
        return
    names = [os.path.join(folder, rel) for rel in files]
    count = min(REMOVERS, len(names) // 64 + 1)
    parts = [names[i::count] for i in range(count)]
    threads = [threading.Thread(target=_unlink_all, args=(part,)) for part in parts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for rel in sorted(folders, reverse=True):  # deepest first
        try:
            os.rmdir(os.path.join(folder, rel))
        except OSError:
            pass
    try:
        os.rmdir(folder)
    except OSError:
        pass


def _unlink_all(names: list[str]) -> None:
    for name in names:
        try:
            os.unlink(name)
        except OSError:
            pass


def digest(data: bytes) -> dict:
    """A file's entry in the manifest (ietm.publish.manifest)."""
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def write_file(path: Path, data: bytes, precompress: bool | None = None,
               digests: dict[Path, dict] | None = None) -> list[Path]:
    """Write one file of the bundle, and its compressed forms if it is text; returns the files written. With
    `digests`, each file's manifest entry is put there, from the bytes in hand (the pages' workers hash what
    they write, so the manifest does not read it again)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _replace(path, data)
    if digests is not None:
        digests[path] = digest(data)
    if precompress is None:
        precompress = is_text(path.name)
    if precompress and len(data) >= SMALLEST:
        variants = [path.with_name(path.name + suffix) for suffix in VARIANTS]
        for variant, packed in zip(variants, compressed(data)):
            _replace(variant, packed)
            if digests is not None:
                digests[variant] = digest(packed)
        return [path, *variants]
    drop_variants(str(path))  # the forms of an earlier version of this file
    return [path]


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
