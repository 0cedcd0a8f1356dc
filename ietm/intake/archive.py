"""Reading uploads safely: plain files and zip archives, refusing zip bombs, traversal and odd names."""

from __future__ import annotations

import io
import re
import stat
import zipfile
from dataclasses import dataclass

from ietm.errors import InputError

MAX_ENTRIES = 5000
MAX_TOTAL = 512 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed size of one entry; a bomb is thousands
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


@dataclass
class Upload:
    name: str
    data: bytes


def safe_name(name: str) -> str:
    """A CSDB file name: letters, digits, dot, underscore, hyphen; no folders, no traversal, no markup."""
    base = name.replace("\\", "/")
    if "/" in base or base in (".", "..") or not SAFE_NAME.match(base):
        raise InputError(f"file name {name!r} is not a plain CSDB file name (letters, digits, . _ - only)")
    return base


def read_upload(name: str, data: bytes) -> list[Upload]:
    """One uploaded file, or the members of an uploaded zip archive."""
    if name.lower().endswith(".zip") or data[:4] == b"PK\x03\x04":
        return read_zip(name, data)
    return [Upload(safe_name(name), data)]


def check_sizes(archive: zipfile.ZipFile, name: str) -> list[zipfile.ZipInfo]:
    """The archive's files, once their count, total size and compression ratios show it is no zip bomb.

    The sizes are those the archive declares; whoever reads a member must stop at the declared size.
    """
    infos = [i for i in archive.infolist() if not i.is_dir()]
    if len(infos) > MAX_ENTRIES:
        raise InputError(f"archive holds {len(infos)} files, over the limit of {MAX_ENTRIES}", name)
    total = 0
    for info in infos:
        total += info.file_size
        if total > MAX_TOTAL:
            raise InputError(f"archive expands to more than {MAX_TOTAL} bytes: refused as a zip bomb", name)
        if info.file_size > MAX_RATIO * max(info.compress_size, 1) and info.file_size > 1024 * 1024:
            raise InputError(f"archive entry {info.filename!r} expands {info.file_size // max(info.compress_size, 1)}-fold: "
                             "refused as a zip bomb", name)
    return infos


def read_zip(name: str, data: bytes) -> list[Upload]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InputError("not a readable zip archive", name) from None
    infos = check_sizes(archive, name)
    out: list[Upload] = []
    for info in infos:
        entry = info.filename
        parts = entry.replace("\\", "/").split("/")
        if entry.startswith(("/", "\\")) or ".." in parts or re.match(r"^[A-Za-z]:", entry):
            raise InputError(f"archive entry {entry!r} points outside the CSDB: refused", name)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise InputError(f"archive entry {entry!r} is a symbolic link: refused", name)
        with archive.open(info) as member:
            content = member.read(info.file_size + 1)
        if len(content) != info.file_size:
            raise InputError(f"archive entry {entry!r} is larger than its header says: refused", name)
        out.append(Upload(safe_name(parts[-1]), content))
    names = [u.name for u in out]
    if len(set(names)) != len(names):
        raise InputError("archive holds two files of the same name", name)
    return out
