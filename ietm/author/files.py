"""Writing CSDB files so that a failure never leaves a half-written file or silently replaces one."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from lxml import etree

from ietm.errors import IetmError, Refused
from ietm.parse.loader import Loaded

_DOCTYPE = re.compile(rb"<!DOCTYPE\s[^\[>]*(?:\[.*?\]\s*)?>", re.DOTALL)


def serialize(doc: Loaded) -> bytes:
    """The object as bytes, with its DOCTYPE exactly as the source wrote it.

    libxml2 writes the internal subset from hash tables, so the order of the NOTATION declarations would
    change from one process to the next; copying the source's declarations keeps output reproducible and
    the ICN declarations as the author made them.
    """
    m = _DOCTYPE.search(doc.data[:65536])
    doctype = m.group(0).decode("utf-8", "replace") if m else None
    return etree.tostring(doc.tree, xml_declaration=True, encoding="UTF-8", doctype=doctype)


def write_new(path: Path, data: bytes, overwrite: bool = False, durable: bool = True) -> None:
    """Write `data` to `path` through a temporary file in the same folder and an atomic rename.

    Without `overwrite`, an existing file is an error (Refused) and stays as it was. Any failure removes the
    temporary file, so the folder holds either the complete new file or nothing new. `durable` forces the
    data to disk before the rename (a writer's work survives a power cut); output that can be made again,
    such as product instances, skips it: it costs ~5 ms a file, most of the time of a large instance run.
    """
    if path.exists() and not overwrite:
        raise Refused("already exists; ietm never overwrites an object (upissue it, or remove it first)", str(path))
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            if durable:
                os.fsync(out.fileno())
        if not overwrite:
            # link() fails if the name was taken meanwhile, where rename() would silently replace it
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise Refused("already exists; ietm never overwrites an object", str(path)) from None
            except OSError:  # a file system without hard links: the check above is the guard
                os.replace(tmp, path)
            else:
                os.unlink(tmp)
        else:
            os.replace(tmp, path)
    except BaseException as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise IetmError(f"cannot write: {exc.strerror or exc}", str(path)) from None
        raise
